// tmpfs contents: chunked data across page boundaries, sparse files,
// truncation, FIFOs and device nodes as names.
#include <vector>

#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;
namespace o = fs::oflag;

TEST_F(FsTest, LargeWriteReadAcrossChunks) {
  std::vector<unsigned char> data(3 * 4096 + 123);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 31 + 7);
  int fd = *fs::open(ctx, "/big", o::RDWR | o::CREAT);
  ASSERT_EQ(*fs::write(ctx, fd, data.data(), data.size()), data.size());
  std::vector<unsigned char> back(data.size() + 100);
  ASSERT_TRUE(fs::lseek(ctx, fd, 0, fs::whence::SET).ok());
  ASSERT_EQ(*fs::read(ctx, fd, back.data(), back.size()), data.size());
  back.resize(data.size());
  EXPECT_EQ(back, data);
  // An unaligned read spanning a chunk boundary.
  unsigned char mid[10];
  ASSERT_EQ(*fs::pread(ctx, fd, mid, 10, 4090), 10u);
  EXPECT_EQ(0, std::memcmp(mid, data.data() + 4090, 10));
  EXPECT_EQ(*fs::read(ctx, fd, mid, 10), 0u);  // at EOF
}

TEST_F(FsTest, SparseFilesReadZeros) {
  int fd = *fs::open(ctx, "/sparse", o::RDWR | o::CREAT);
  ASSERT_TRUE(fs::lseek(ctx, fd, 100000, fs::whence::SET).ok());
  ASSERT_EQ(*fs::write(ctx, fd, "end", 3), 3u);
  EXPECT_EQ(fs::fstat(ctx, fd)->size, 100003u);
  unsigned char buf[64];
  ASSERT_EQ(*fs::pread(ctx, fd, buf, sizeof buf, 50000), sizeof buf);
  for (unsigned char c : buf) EXPECT_EQ(c, 0);
}

TEST_F(FsTest, TruncateShrinksAndGrowsWithZeros) {
  put("/t", std::string(5000, 'x'));
  ASSERT_TRUE(fs::truncate(ctx, "/t", 10).ok());
  EXPECT_EQ(get("/t"), std::string(10, 'x'));
  ASSERT_TRUE(fs::truncate(ctx, "/t", 20).ok());
  EXPECT_EQ(get("/t"), std::string(10, 'x') + std::string(10, '\0'));
  int fd = *fs::open(ctx, "/t", o::WRONLY);
  ASSERT_TRUE(fs::ftruncate(ctx, fd, 0).ok());
  EXPECT_EQ(get("/t"), "");
}

TEST_F(FsTest, OverwriteInTheMiddle) {
  put("/f", "aaaaaaaaaa");
  int fd = *fs::open(ctx, "/f", o::WRONLY);
  ASSERT_TRUE(fs::lseek(ctx, fd, 3, fs::whence::SET).ok());
  ASSERT_TRUE(fs::write(ctx, fd, "BBB", 3).ok());
  EXPECT_EQ(get("/f"), "aaaBBBaaaa");
}

TEST_F(FsTest, FifoAndDeviceNodesAreNames) {
  ASSERT_TRUE(fs::mkfifo(ctx, "/fifo", 0600).ok());
  EXPECT_EQ(fs::stat(ctx, "/fifo")->mode, fs::mode::IFIFO | 0600);
  EXPECT_EQ(err(fs::mkfifo(ctx, "/fifo")), Error::EXIST);
  ASSERT_TRUE(fs::unlink(ctx, "/fifo").ok());
  ASSERT_TRUE(fs::mknod(ctx, "/blk", fs::mode::IFBLK | 0600, 0x0801).ok());
  EXPECT_EQ(fs::stat(ctx, "/blk")->mode & fs::mode::IFMT, fs::mode::IFBLK);
}

TEST_F(FsTest, TimestampsMove) {
  put("/f", "a");
  auto before = *fs::stat(ctx, "/f");
  int fd = *fs::open(ctx, "/f", o::WRONLY);
  ASSERT_TRUE(fs::write(ctx, fd, "b", 1).ok());
  auto after = *fs::stat(ctx, "/f");
  EXPECT_TRUE(after.mtime.sec > before.mtime.sec ||
              (after.mtime.sec == before.mtime.sec && after.mtime.nsec >= before.mtime.nsec));
}

}  // namespace
}  // namespace fs_test
