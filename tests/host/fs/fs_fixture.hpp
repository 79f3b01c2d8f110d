// Test fixture: a fresh namespace (tmpfs at /, devfs at /dev, procfs at
// /proc) and a context with its own descriptor table for every test.
#pragma once

#include <gtest/gtest.h>
#include <fs/devfs.hpp>
#include <fs/fdtable.hpp>
#include <fs/mount.hpp>
#include <fs/path.hpp>
#include <fs/vfs.hpp>

#include <cstring>
#include <string>

namespace klib {
// gtest prints errno names instead of raw bytes.
inline void PrintTo(Error e, std::ostream* os) { *os << error_name(e); }
}  // namespace klib

namespace fs_test {

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::mount(ctx, "none", "/", "tmpfs", nullptr).ok());
    ASSERT_TRUE(fs::mkdir(ctx, "/dev").ok());
    ASSERT_TRUE(fs::mkdir(ctx, "/proc").ok());
    ASSERT_TRUE(fs::mount(ctx, "devfs", "/dev", "devfs", nullptr).ok());
    ASSERT_TRUE(fs::mount(ctx, "proc", "/proc", "procfs", nullptr).ok());
    ctx.fds = &fds;
  }
  void TearDown() override {
    fds.close_all();
    fs::context_release(ctx);
    auto r = fs::unmount_all();
    EXPECT_TRUE(r.ok()) << klib::error_name(r.error());
    fs::devfs_reset();
  }

  // Writes `text` into a new file at `path`.
  void put(const char* path, const std::string& text) {
    auto fd = fs::open(ctx, path, fs::oflag::WRONLY | fs::oflag::CREAT | fs::oflag::TRUNC, 0644);
    ASSERT_TRUE(fd.ok()) << path << ": " << klib::error_name(fd.error());
    auto n = fs::write(ctx, *fd, text.data(), text.size());
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(*n, text.size());
    ASSERT_TRUE(fs::close(ctx, *fd).ok());
  }
  // The whole content of `path`, or "<ERRNAME>".
  std::string get(const char* path) {
    auto fd = fs::open(ctx, path, fs::oflag::RDONLY);
    if (!fd) return std::string("<") + klib::error_name(fd.error()) + ">";
    std::string out;
    char buf[512];
    for (;;) {
      auto n = fs::read(ctx, *fd, buf, sizeof buf);
      if (!n) {
        out += std::string("<") + klib::error_name(n.error()) + ">";
        break;
      }
      if (*n == 0) break;
      out.append(buf, *n);
    }
    (void)fs::close(ctx, *fd);
    return out;
  }
  klib::Error err(klib::Result<void> r) { return r.ok() ? klib::Error{} : r.error(); }
  template <typename T>
  klib::Error err(const klib::Result<T>& r) {
    return r.ok() ? klib::Error{} : r.error();
  }

  fs::FdTable fds;
  fs::FsContext ctx;
};

}  // namespace fs_test
