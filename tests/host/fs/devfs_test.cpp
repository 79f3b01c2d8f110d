// devfs and the NuttX driver model: register_driver with a test driver and
// use it through the VFS (open/read/write/seek/ioctl/poll), /dev/null and
// /dev/zero, block drivers.
#include <fs/nuttx_driver.h>
#include <fs/poll.hpp>

#include <thread>

#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;
namespace o = fs::oflag;

// A driver with a 64-byte register file: read/write at f_pos, seek, an ioctl
// that returns its argument doubled, and poll that is readable after a kick.
struct Regs {
  char mem[64] = {};
  int opens = 0, closes = 0;
  struct pollfd* watcher = nullptr;
  int readable = 0;
};

int t_open(struct file* f) {
  auto* r = static_cast<Regs*>(f->f_inode->i_private);
  ++r->opens;
  f->f_priv = r;
  return 0;
}
int t_close(struct file* f) {
  ++static_cast<Regs*>(f->f_priv)->closes;
  return 0;
}
ssize_t t_read(struct file* f, char* buf, size_t n) {
  auto* r = static_cast<Regs*>(f->f_priv);
  if (f->f_pos >= 64) return 0;
  if (n > static_cast<size_t>(64 - f->f_pos)) n = 64 - f->f_pos;
  std::memcpy(buf, r->mem + f->f_pos, n);
  f->f_pos += n;
  return static_cast<ssize_t>(n);
}
ssize_t t_write(struct file* f, const char* buf, size_t n) {
  auto* r = static_cast<Regs*>(f->f_priv);
  if (f->f_pos >= 64) return -static_cast<int>(Error::NOSPC);
  if (n > static_cast<size_t>(64 - f->f_pos)) n = 64 - f->f_pos;
  std::memcpy(r->mem + f->f_pos, buf, n);
  f->f_pos += n;
  return static_cast<ssize_t>(n);
}
off_t t_seek(struct file* f, off_t off, int whence) {
  off_t base = whence == 0 ? 0 : whence == 1 ? f->f_pos : 64;
  if (base + off < 0) return -static_cast<int>(Error::INVAL);
  f->f_pos = base + off;
  return f->f_pos;
}
int t_ioctl(struct file*, int cmd, unsigned long arg) {
  if (cmd != 42) return -static_cast<int>(Error::NOTTY);
  return static_cast<int>(arg * 2);
}
int t_poll(struct file* f, struct pollfd* fds, bool setup) {
  auto* r = static_cast<Regs*>(f->f_priv);
  if (!setup) {
    r->watcher = nullptr;
    return 0;
  }
  r->watcher = fds;
  if (r->readable) poll_notify(&r->watcher, 1, POLLIN);
  return 0;
}
const struct file_operations kOps = {t_open,  t_close, t_read,  t_write, t_seek,
                                     t_ioctl, nullptr, nullptr, t_poll};

TEST_F(FsTest, RegisteredDriverThroughTheVfs) {
  Regs regs;
  ASSERT_EQ(register_driver("/dev/regs", &kOps, 0660, &regs), 0);
  EXPECT_EQ(register_driver("/dev/regs", &kOps, 0660, &regs), -static_cast<int>(Error::EXIST));
  EXPECT_EQ(fs::stat(ctx, "/dev/regs")->mode, fs::mode::IFCHR | 0660);
  int fd = *fs::open(ctx, "/dev/regs", o::RDWR);
  EXPECT_EQ(regs.opens, 1);
  ASSERT_EQ(*fs::write(ctx, fd, "hello", 5), 5u);
  EXPECT_EQ(*fs::lseek(ctx, fd, 1, fs::whence::SET), 1u);
  char buf[4] = {};
  ASSERT_EQ(*fs::read(ctx, fd, buf, 4), 4u);
  EXPECT_EQ(std::string(buf, 4), "ello");
  EXPECT_EQ(*fs::ioctl(ctx, fd, 42, 21), 42);
  EXPECT_EQ(err(fs::ioctl(ctx, fd, 1, 0)), Error::NOTTY);
  EXPECT_EQ(err(fs::lseek(ctx, fd, -100, fs::whence::CUR)), Error::INVAL);
  ASSERT_TRUE(fs::lseek(ctx, fd, 64, fs::whence::SET).ok());
  EXPECT_EQ(err(fs::write(ctx, fd, "x", 1)), Error::NOSPC);
  ASSERT_TRUE(fs::close(ctx, fd).ok());
  EXPECT_EQ(regs.closes, 1);
  EXPECT_EQ(unregister_driver("/dev/regs"), 0);
  EXPECT_EQ(err(fs::open(ctx, "/dev/regs", o::RDWR)), Error::NOENT);
  EXPECT_EQ(unregister_driver("/dev/regs"), -static_cast<int>(Error::NOENT));
}

TEST_F(FsTest, DriverPollWakesPoller) {
  Regs regs;
  ASSERT_EQ(register_driver("/dev/sub/regs", &kOps, 0666, &regs), 0);  // makes /dev/sub
  int fd = *fs::open(ctx, "/dev/sub/regs", o::RDONLY);
  fs::PollFd p{fd, fs::pollev::IN, 0};
  EXPECT_EQ(*fs::poll(ctx, &p, 1, 0), 0);  // nothing yet
  std::thread kicker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    regs.readable = 1;
    if (regs.watcher) poll_notify(&regs.watcher, 1, POLLIN);
  });
  auto n = fs::poll(ctx, &p, 1, 5'000'000'000);
  kicker.join();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(p.revents & fs::pollev::IN);
  EXPECT_EQ(regs.watcher, nullptr);  // torn down after poll
  ASSERT_TRUE(fs::close(ctx, fd).ok());
  EXPECT_EQ(unregister_driver("/dev/sub/regs"), 0);
}

TEST_F(FsTest, OpenDriverSurvivesUnregister) {
  Regs regs;
  ASSERT_EQ(register_driver("/dev/gone", &kOps, 0666, &regs), 0);
  int fd = *fs::open(ctx, "/dev/gone", o::RDWR);
  EXPECT_EQ(unregister_driver("/dev/gone"), 0);
  EXPECT_EQ(*fs::write(ctx, fd, "ok", 2), 2u);
  ASSERT_TRUE(fs::close(ctx, fd).ok());
  EXPECT_EQ(regs.closes, 1);
}

TEST_F(FsTest, RegisterDriverRejectsBadArguments) {
  EXPECT_EQ(register_driver(nullptr, &kOps, 0666, nullptr), -static_cast<int>(Error::INVAL));
  EXPECT_EQ(register_driver("/dev/x", nullptr, 0666, nullptr), -static_cast<int>(Error::INVAL));
  EXPECT_EQ(register_driver("/elsewhere/x", &kOps, 0666, nullptr), -static_cast<int>(Error::INVAL));
  EXPECT_EQ(register_driver("/dev/", &kOps, 0666, nullptr), -static_cast<int>(Error::INVAL));
}

TEST_F(FsTest, NullAndZero) {
  int n = *fs::open(ctx, "/dev/null", o::RDWR);
  char buf[8];
  EXPECT_EQ(*fs::read(ctx, n, buf, 8), 0u);
  EXPECT_EQ(*fs::write(ctx, n, "abc", 3), 3u);
  int z = *fs::open(ctx, "/dev/zero", o::RDONLY);
  std::memset(buf, 1, sizeof buf);
  EXPECT_EQ(*fs::read(ctx, z, buf, 8), 8u);
  for (char c : buf) EXPECT_EQ(c, 0);
  fs::DirEntry ents[8];
  int d = *fs::open(ctx, "/dev", o::RDONLY);
  auto count = fs::getdents(ctx, d, ents, 8);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 4u);  // . .. null zero
}

// A RAM disk with 512-byte sectors.
unsigned char g_disk[8 * 512];
ssize_t b_read(struct inode*, unsigned char* buf, blkcnt_t start, unsigned int n) {
  if (start + n > 8) return -static_cast<int>(Error::IO);
  std::memcpy(buf, g_disk + start * 512, n * 512);
  return n;
}
ssize_t b_write(struct inode*, const unsigned char* buf, blkcnt_t start, unsigned int n) {
  if (start + n > 8) return -static_cast<int>(Error::IO);
  std::memcpy(g_disk + start * 512, buf, n * 512);
  return n;
}
int b_geo(struct inode*, struct geometry* g) {
  g->geo_available = true;
  g->geo_writeenabled = true;
  g->geo_nsectors = 8;
  g->geo_sectorsize = 512;
  return 0;
}
const struct block_operations kBops = {nullptr, nullptr, b_read, b_write, b_geo, nullptr};

TEST_F(FsTest, BlockDriverWholeSectors) {
  ASSERT_EQ(register_blockdriver("/dev/ram0", &kBops, 0600, nullptr), 0);
  EXPECT_EQ(fs::stat(ctx, "/dev/ram0")->size, 8u * 512);
  int fd = *fs::open(ctx, "/dev/ram0", o::RDWR);
  unsigned char sec[512];
  std::memset(sec, 0xab, sizeof sec);
  ASSERT_TRUE(fs::lseek(ctx, fd, 1024, fs::whence::SET).ok());
  EXPECT_EQ(*fs::write(ctx, fd, sec, 512), 512u);
  EXPECT_EQ(g_disk[1024], 0xab);
  EXPECT_EQ(err(fs::write(ctx, fd, sec, 100)), Error::INVAL);
  EXPECT_EQ(err(fs::pread(ctx, fd, sec, 512, 7 * 512 + 1)), Error::INVAL);
  ASSERT_TRUE(fs::close(ctx, fd).ok());
  EXPECT_EQ(unregister_driver("/dev/ram0"), -static_cast<int>(Error::INVAL));  // wrong kind
  EXPECT_EQ(unregister_blockdriver("/dev/ram0"), 0);
}

}  // namespace
}  // namespace fs_test
