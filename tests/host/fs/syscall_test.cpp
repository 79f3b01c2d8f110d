// Syscall helpers: open flags and every error path the personalities rely on.
#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;
namespace o = fs::oflag;

TEST_F(FsTest, OpenCreateExclTrunc) {
  EXPECT_EQ(err(fs::open(ctx, "/f", o::RDONLY)), Error::NOENT);
  auto fd = fs::open(ctx, "/f", o::RDWR | o::CREAT | o::EXCL, 0640);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(*fd, 0);  // lowest free descriptor
  EXPECT_EQ(fs::fstat(ctx, *fd)->mode, fs::mode::IFREG | 0640);
  EXPECT_EQ(err(fs::open(ctx, "/f", o::RDWR | o::CREAT | o::EXCL)), Error::EXIST);
  ASSERT_TRUE(fs::write(ctx, *fd, "hello", 5).ok());
  auto fd2 = fs::open(ctx, "/f", o::WRONLY | o::TRUNC);
  ASSERT_TRUE(fd2.ok());
  EXPECT_EQ(fs::fstat(ctx, *fd)->size, 0u);
  ctx.umask = 077;
  ASSERT_TRUE(fs::open(ctx, "/g", o::WRONLY | o::CREAT, 0666).ok());
  EXPECT_EQ(fs::stat(ctx, "/g")->mode & 0777, 0600u);
}

TEST_F(FsTest, OpenDirectoryRules) {
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  put("/f", "x");
  EXPECT_EQ(err(fs::open(ctx, "/d", o::WRONLY)), Error::ISDIR);
  EXPECT_EQ(err(fs::open(ctx, "/d", o::RDWR)), Error::ISDIR);
  EXPECT_EQ(err(fs::open(ctx, "/f", o::RDONLY | o::DIRECTORY)), Error::NOTDIR);
  auto fd = fs::open(ctx, "/d", o::RDONLY | o::DIRECTORY);
  ASSERT_TRUE(fd.ok());
  char c;
  EXPECT_EQ(err(fs::read(ctx, *fd, &c, 1)), Error::ISDIR);
  EXPECT_EQ(err(fs::open(ctx, "/f", 3)), Error::INVAL);  // O_ACCMODE is not a mode
}

TEST_F(FsTest, BadDescriptors) {
  char c = 0;
  EXPECT_EQ(err(fs::read(ctx, 5, &c, 1)), Error::BADF);
  EXPECT_EQ(err(fs::write(ctx, -1, &c, 1)), Error::BADF);
  EXPECT_EQ(err(fs::close(ctx, 300)), Error::BADF);
  EXPECT_EQ(err(fs::fstat(ctx, 3)), Error::BADF);
  EXPECT_EQ(err(fs::lseek(ctx, 3, 0, fs::whence::SET)), Error::BADF);
  put("/f", "x");
  auto rd = fs::open(ctx, "/f", o::RDONLY);
  auto wr = fs::open(ctx, "/f", o::WRONLY);
  EXPECT_EQ(err(fs::write(ctx, *rd, "a", 1)), Error::BADF);
  EXPECT_EQ(err(fs::read(ctx, *wr, &c, 1)), Error::BADF);
  EXPECT_EQ(err(fs::ftruncate(ctx, *rd, 0)), Error::INVAL);
  EXPECT_EQ(err(fs::ftruncate(ctx, *wr, -1)), Error::INVAL);
  ASSERT_TRUE(fs::close(ctx, *rd).ok());
  EXPECT_EQ(err(fs::close(ctx, *rd)), Error::BADF);
}

TEST_F(FsTest, TooManyOpenFiles) {
  put("/f", "x");
  for (int i = 0; i < fs::kMaxFds; ++i) ASSERT_TRUE(fs::open(ctx, "/f", o::RDONLY).ok());
  EXPECT_EQ(err(fs::open(ctx, "/f", o::RDONLY)), Error::MFILE);
  int p[2];
  EXPECT_EQ(err(fs::pipe(ctx, p)), Error::MFILE);
  ASSERT_TRUE(fs::close(ctx, 17).ok());
  EXPECT_EQ(*fs::open(ctx, "/f", o::RDONLY), 17);
}

TEST_F(FsTest, LseekWhenceAndErrors) {
  put("/f", "0123456789");
  auto fd = *fs::open(ctx, "/f", o::RDWR);
  EXPECT_EQ(*fs::lseek(ctx, fd, 4, fs::whence::SET), 4u);
  EXPECT_EQ(*fs::lseek(ctx, fd, 2, fs::whence::CUR), 6u);
  EXPECT_EQ(*fs::lseek(ctx, fd, -1, fs::whence::END), 9u);
  char c;
  ASSERT_TRUE(fs::read(ctx, fd, &c, 1).ok());
  EXPECT_EQ(c, '9');
  EXPECT_EQ(err(fs::lseek(ctx, fd, -20, fs::whence::CUR)), Error::INVAL);
  EXPECT_EQ(err(fs::lseek(ctx, fd, 0, 7)), Error::INVAL);
  int p[2];
  ASSERT_TRUE(fs::pipe(ctx, p).ok());
  EXPECT_EQ(err(fs::lseek(ctx, p[0], 0, fs::whence::SET)), Error::SPIPE);
  EXPECT_EQ(err(fs::pread(ctx, p[0], &c, 1, 0)), Error::SPIPE);
  EXPECT_EQ(err(fs::pread(ctx, fd, &c, 1, -1)), Error::INVAL);
}

TEST_F(FsTest, PreadPwriteKeepOffset) {
  put("/f", "abcdef");
  auto fd = *fs::open(ctx, "/f", o::RDWR);
  char buf[3] = {};
  ASSERT_EQ(*fs::pread(ctx, fd, buf, 2, 3), 2u);
  EXPECT_EQ(std::string(buf, 2), "de");
  ASSERT_EQ(*fs::pwrite(ctx, fd, "XY", 2, 1), 2u);
  EXPECT_EQ(*fs::lseek(ctx, fd, 0, fs::whence::CUR), 0u);
  EXPECT_EQ(get("/f"), "aXYdef");
}

TEST_F(FsTest, AppendAlwaysWritesAtTheEnd) {
  put("/f", "ab");
  auto fd = *fs::open(ctx, "/f", o::WRONLY | o::APPEND);
  ASSERT_TRUE(fs::lseek(ctx, fd, 0, fs::whence::SET).ok());
  ASSERT_TRUE(fs::write(ctx, fd, "cd", 2).ok());
  EXPECT_EQ(get("/f"), "abcd");
}

TEST_F(FsTest, MkdirRmdirErrors) {
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  EXPECT_EQ(err(fs::mkdir(ctx, "/d")), Error::EXIST);
  EXPECT_EQ(err(fs::mkdir(ctx, "/")), Error::EXIST);
  EXPECT_EQ(err(fs::mkdir(ctx, "/d/.")), Error::EXIST);
  put("/d/f", "x");
  EXPECT_EQ(err(fs::rmdir(ctx, "/d")), Error::NOTEMPTY);
  EXPECT_EQ(err(fs::rmdir(ctx, "/d/f")), Error::NOTDIR);
  EXPECT_EQ(err(fs::rmdir(ctx, "/d/.")), Error::INVAL);
  EXPECT_EQ(err(fs::rmdir(ctx, "/d/..")), Error::NOTEMPTY);
  EXPECT_EQ(err(fs::rmdir(ctx, "/")), Error::BUSY);
  EXPECT_EQ(err(fs::rmdir(ctx, "/nope")), Error::NOENT);
  EXPECT_EQ(err(fs::unlink(ctx, "/d")), Error::ISDIR);
  ASSERT_TRUE(fs::unlink(ctx, "/d/f").ok());
  EXPECT_EQ(err(fs::unlink(ctx, "/d/f")), Error::NOENT);
  ASSERT_TRUE(fs::rmdir(ctx, "/d").ok());
}

TEST_F(FsTest, RemovedCwdCannotGrow) {
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  ASSERT_TRUE(fs::chdir(ctx, "/d").ok());
  ASSERT_TRUE(fs::rmdir(ctx, "/d").ok());
  EXPECT_EQ(err(fs::mkdir(ctx, "x")), Error::NOENT);
  char buf[32];
  EXPECT_EQ(err(fs::getcwd(ctx, buf, sizeof buf)), Error::NOENT);
}

TEST_F(FsTest, RenameRules) {
  ASSERT_TRUE(fs::mkdir(ctx, "/a").ok());
  ASSERT_TRUE(fs::mkdir(ctx, "/a/sub").ok());
  ASSERT_TRUE(fs::mkdir(ctx, "/b").ok());
  put("/f", "1");
  put("/g", "2");
  ASSERT_TRUE(fs::rename(ctx, "/f", "/g").ok());  // replaces
  EXPECT_EQ(get("/g"), "1");
  EXPECT_EQ(err(fs::stat(ctx, "/f")), Error::NOENT);
  EXPECT_EQ(err(fs::rename(ctx, "/a", "/a/sub/x")), Error::INVAL);
  EXPECT_EQ(err(fs::rename(ctx, "/g", "/a")), Error::ISDIR);
  EXPECT_EQ(err(fs::rename(ctx, "/a", "/g")), Error::NOTDIR);
  put("/b/inside", "x");
  EXPECT_EQ(err(fs::rename(ctx, "/a", "/b")), Error::NOTEMPTY);
  ASSERT_TRUE(fs::rename(ctx, "/a/sub", "/b/moved").ok());
  EXPECT_TRUE(fs::stat(ctx, "/b/moved/..").ok());
  EXPECT_EQ(fs::stat(ctx, "/b/moved/..")->ino, fs::stat(ctx, "/b")->ino);
  EXPECT_EQ(err(fs::rename(ctx, "/g", "/dev/g")), Error::XDEV);
  EXPECT_EQ(err(fs::rename(ctx, "/g/", "/h")), Error::NOTDIR);
  EXPECT_EQ(err(fs::rename(ctx, "/nope", "/h")), Error::NOENT);
  ASSERT_TRUE(fs::rename(ctx, "/g", "/g").ok());
}

TEST_F(FsTest, HardLinks) {
  put("/f", "data");
  ASSERT_TRUE(fs::link(ctx, "/f", "/h").ok());
  EXPECT_EQ(fs::stat(ctx, "/f")->nlink, 2u);
  EXPECT_EQ(fs::stat(ctx, "/f")->ino, fs::stat(ctx, "/h")->ino);
  ASSERT_TRUE(fs::unlink(ctx, "/f").ok());
  EXPECT_EQ(get("/h"), "data");
  EXPECT_EQ(fs::stat(ctx, "/h")->nlink, 1u);
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  EXPECT_EQ(err(fs::link(ctx, "/d", "/d2")), Error::PERM);
  EXPECT_EQ(err(fs::link(ctx, "/h", "/d")), Error::EXIST);
}

TEST_F(FsTest, UnlinkedOpenFileStaysReadable) {
  put("/f", "still here");
  auto fd = *fs::open(ctx, "/f", o::RDONLY);
  ASSERT_TRUE(fs::unlink(ctx, "/f").ok());
  char buf[16] = {};
  EXPECT_EQ(*fs::read(ctx, fd, buf, sizeof buf), 10u);
  EXPECT_STREQ(buf, "still here");
  EXPECT_EQ(fs::fstat(ctx, fd)->nlink, 0u);
}

TEST_F(FsTest, DirectoryListing) {
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  put("/d/one", "1");
  ASSERT_TRUE(fs::mkdir(ctx, "/d/two").ok());
  ASSERT_TRUE(fs::symlink(ctx, "one", "/d/three").ok());
  auto fd = *fs::open(ctx, "/d", o::RDONLY | o::DIRECTORY);
  fs::DirEntry ents[8];
  auto n = fs::getdents(ctx, fd, ents, 8);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 5u);
  EXPECT_STREQ(ents[0].name, ".");
  EXPECT_STREQ(ents[1].name, "..");
  EXPECT_STREQ(ents[2].name, "one");
  EXPECT_EQ(ents[3].type, fs::VType::Directory);
  EXPECT_EQ(ents[4].type, fs::VType::Symlink);
  EXPECT_EQ(*fs::getdents(ctx, fd, ents, 8), 0u);
  ASSERT_TRUE(fs::lseek(ctx, fd, 0, fs::whence::SET).ok());
  EXPECT_EQ(*fs::getdents(ctx, fd, ents, 2), 2u);
  auto f = *fs::open(ctx, "/d/one", o::RDONLY);
  EXPECT_EQ(err(fs::getdents(ctx, f, ents, 8)), Error::NOTDIR);
}

TEST_F(FsTest, ChmodTruncateStat) {
  put("/f", "abc");
  ASSERT_TRUE(fs::chmod(ctx, "/f", 0600).ok());
  EXPECT_EQ(fs::stat(ctx, "/f")->mode, fs::mode::IFREG | 0600);
  ASSERT_TRUE(fs::truncate(ctx, "/f", 1).ok());
  EXPECT_EQ(get("/f"), "a");
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  EXPECT_EQ(err(fs::truncate(ctx, "/d", 0)), Error::ISDIR);
  EXPECT_EQ(err(fs::truncate(ctx, "/f", -1)), Error::INVAL);
  EXPECT_EQ(err(fs::mknod(ctx, "/d/x", fs::mode::IFDIR | 0755, 0)), Error::INVAL);
  ASSERT_TRUE(fs::mknod(ctx, "/d/c", fs::mode::IFCHR | 0600, 0x0501).ok());
  EXPECT_EQ(fs::stat(ctx, "/d/c")->rdev, 0x0501u);
  EXPECT_EQ(err(fs::open(ctx, "/d/c", o::RDONLY)), Error::NXIO);  // no driver behind it
}

}  // namespace
}  // namespace fs_test
