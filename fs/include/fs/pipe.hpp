// Pipes and FIFOs: a 4 KiB ring with blocking reads and writes, EOF once the
// last writer is gone, PIPE once the last reader is gone, AGAIN under
// O_NONBLOCK, and poll readiness.
#pragma once

#include <fs/vnode.hpp>
#include <klib/result.hpp>

namespace fs {

inline constexpr std::size_t kPipeBuf = 4096;

// An anonymous pipe: two open files (read end, write end).
klib::Result<void> pipe_create(OpenFile* ends[2], int flags);

// FileOps for FIFO vnodes of any filesystem: the pipe is created on first
// open and kept in Vnode::file_priv while opened.
extern const FileOps kFifoFileOps;

}  // namespace fs
