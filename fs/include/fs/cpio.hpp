// initramfs: unpacks a cpio "newc" (070701) archive into a directory tree.
#pragma once

#include <fs/path.hpp>
#include <klib/result.hpp>

#include <cstddef>

namespace fs {

struct CpioReport {
  std::size_t files = 0, dirs = 0, symlinks = 0, nodes = 0;
  std::size_t offset = 0;         // archive offset of the failing entry
  const char* message = nullptr;  // why a malformed archive was rejected
};

// Extracts into the tree rooted at ctx's root (paths in the archive are
// relative to it). Stops at "TRAILER!!!". A malformed archive (bad magic,
// truncated header, non-hex field, name or data past the end) gives INVAL and
// report->message; entries before it stay extracted.
klib::Result<void> cpio_unpack(const FsContext& ctx, const void* archive, std::size_t len,
                               CpioReport* report);

}  // namespace fs
