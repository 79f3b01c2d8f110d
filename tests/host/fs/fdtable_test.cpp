// Descriptor table: dup, dup2, dup3, fcntl, close-on-exec, clone for fork.
#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;
namespace o = fs::oflag;
namespace F = fs::fcntl_op;

TEST_F(FsTest, DupSharesTheOffset) {
  put("/f", "abcdef");
  int fd = *fs::open(ctx, "/f", o::RDONLY);
  int d = *fds.dup(fd);
  EXPECT_EQ(d, fd + 1);
  char c;
  ASSERT_TRUE(fs::read(ctx, fd, &c, 1).ok());
  ASSERT_TRUE(fs::read(ctx, d, &c, 1).ok());
  EXPECT_EQ(c, 'b');
  EXPECT_EQ(err(fds.dup(99)), Error::BADF);
}

TEST_F(FsTest, Dup2AndDup3) {
  put("/f", "x");
  int fd = *fs::open(ctx, "/f", o::RDONLY);
  EXPECT_EQ(*fds.dup2(fd, fd), fd);  // same fd: no-op
  EXPECT_EQ(err(fds.dup2(7, 7)), Error::BADF);
  EXPECT_EQ(*fds.dup2(fd, 10), 10);
  int other = *fs::open(ctx, "/f", o::RDONLY);
  EXPECT_EQ(*fds.dup2(fd, other), other);  // silently replaces
  EXPECT_EQ(err(fds.dup2(fd, fs::kMaxFds)), Error::BADF);
  EXPECT_EQ(err(fds.dup3(fd, fd, 0)), Error::INVAL);
  EXPECT_EQ(err(fds.dup3(fd, 12, o::APPEND)), Error::INVAL);
  EXPECT_EQ(*fds.dup3(fd, 12, o::CLOEXEC), 12);
  EXPECT_EQ(*fds.fcntl(12, F::GETFD, 0), fs::kFdCloexec);
  EXPECT_EQ(*fds.fcntl(10, F::GETFD, 0), 0);
}

TEST_F(FsTest, FcntlCommands) {
  put("/f", "x");
  int fd = *fs::open(ctx, "/f", o::RDWR);
  EXPECT_EQ(*fds.fcntl(fd, F::DUPFD, 20), 20);
  EXPECT_EQ(*fds.fcntl(fd, F::DUPFD, 20), 21);
  EXPECT_EQ(*fds.fcntl(fd, F::DUPFD_CLOEXEC, 5), 5);
  EXPECT_EQ(*fds.fcntl(5, F::GETFD, 0), fs::kFdCloexec);
  ASSERT_TRUE(fds.fcntl(5, F::SETFD, 0).ok());
  EXPECT_EQ(*fds.fcntl(5, F::GETFD, 0), 0);
  EXPECT_EQ(*fds.fcntl(fd, F::GETFL, 0), o::RDWR);
  ASSERT_TRUE(fds.fcntl(fd, F::SETFL, o::APPEND | o::NONBLOCK | o::WRONLY).ok());
  EXPECT_EQ(*fds.fcntl(fd, F::GETFL, 0), o::RDWR | o::APPEND | o::NONBLOCK);  // mode kept
  EXPECT_EQ(err(fds.fcntl(fd, 999, 0)), Error::INVAL);
  EXPECT_EQ(err(fds.fcntl(fd, F::DUPFD, -1)), Error::INVAL);
  EXPECT_EQ(err(fds.fcntl(77, F::GETFD, 0)), Error::BADF);
}

TEST_F(FsTest, CloseOnExecSweep) {
  put("/f", "x");
  int keep = *fs::open(ctx, "/f", o::RDONLY);
  int drop = *fs::open(ctx, "/f", o::RDONLY | o::CLOEXEC);
  fds.close_on_exec();
  EXPECT_TRUE(fs::fstat(ctx, keep).ok());
  EXPECT_EQ(err(fs::fstat(ctx, drop)), Error::BADF);
}

TEST_F(FsTest, CloneForFork) {
  put("/f", "abc");
  int fd = *fs::open(ctx, "/f", o::RDONLY | o::CLOEXEC);
  auto child = fds.clone();
  ASSERT_TRUE(child.ok());
  EXPECT_EQ((*child)->count(), 1);
  EXPECT_EQ(*(*child)->fcntl(fd, F::GETFD, 0), fs::kFdCloexec);
  auto f = (*child)->get(fd);
  char c;
  ASSERT_TRUE(fs::file_read(*f, &c, 1).ok());  // shares the description's offset
  fs::file_put(*f);
  ASSERT_TRUE(fs::read(ctx, fd, &c, 1).ok());
  EXPECT_EQ(c, 'b');
  fs::destroy(*child);
}

}  // namespace
}  // namespace fs_test
