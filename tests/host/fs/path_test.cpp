// Path walk edge cases: "..", symlinks and loops, mount crossing, name and
// path limits, trailing slashes.
#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;

TEST_F(FsTest, DotDotStopsAtRoot) {
  ASSERT_TRUE(fs::mkdir(ctx, "/a").ok());
  auto s = fs::stat(ctx, "/../../a/../..");
  ASSERT_TRUE(s.ok());
  auto root = fs::stat(ctx, "/");
  EXPECT_EQ(s->ino, root->ino);
}

TEST_F(FsTest, RelativeToCwd) {
  ASSERT_TRUE(fs::mkdir(ctx, "/a").ok());
  ASSERT_TRUE(fs::mkdir(ctx, "/a/b").ok());
  put("/a/b/f", "x");
  ASSERT_TRUE(fs::chdir(ctx, "/a/b").ok());
  EXPECT_EQ(get("f"), "x");
  EXPECT_EQ(get("./../b/f"), "x");
  char cwd[64];
  auto n = fs::getcwd(ctx, cwd, sizeof cwd);
  ASSERT_TRUE(n.ok());
  EXPECT_STREQ(cwd, "/a/b");
  EXPECT_EQ(err(fs::getcwd(ctx, cwd, 4)), Error::RANGE);
}

TEST_F(FsTest, DotDotCrossesMountBackToCoveredDirectory) {
  ASSERT_TRUE(fs::mkdir(ctx, "/mnt").ok());
  ASSERT_TRUE(fs::mkdir(ctx, "/mnt/x").ok());
  put("/mnt/marker", "under");
  ASSERT_TRUE(fs::mount(ctx, "t2", "/mnt/x", "tmpfs", nullptr).ok());
  ASSERT_TRUE(fs::mkdir(ctx, "/mnt/x/inner").ok());
  EXPECT_EQ(get("/mnt/x/inner/../../marker"), "under");
  EXPECT_EQ(get("/mnt/x/../marker"), "under");
  ASSERT_TRUE(fs::chdir(ctx, "/mnt/x/inner").ok());
  char cwd[64];
  ASSERT_TRUE(fs::getcwd(ctx, cwd, sizeof cwd).ok());
  EXPECT_STREQ(cwd, "/mnt/x/inner");
  EXPECT_EQ(err(fs::umount(ctx, "/mnt/x")), Error::BUSY);  // our cwd is inside
  ASSERT_TRUE(fs::chdir(ctx, "/").ok());
  ASSERT_TRUE(fs::umount(ctx, "/mnt/x").ok());
  EXPECT_EQ(err(fs::stat(ctx, "/mnt/x/inner")), Error::NOENT);
  EXPECT_EQ(err(fs::umount(ctx, "/mnt")), Error::INVAL);  // not a mount point
}

TEST_F(FsTest, MountedFilesystemHidesCoveredContent) {
  ASSERT_TRUE(fs::mkdir(ctx, "/m").ok());
  put("/m/old", "1");
  ASSERT_TRUE(fs::mount(ctx, "t", "/m", "tmpfs", nullptr).ok());
  EXPECT_EQ(err(fs::stat(ctx, "/m/old")), Error::NOENT);
  auto fd = fs::open(ctx, "/m/new", fs::oflag::CREAT | fs::oflag::WRONLY);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(err(fs::umount(ctx, "/m")), Error::BUSY);  // an open file inside
  ASSERT_TRUE(fs::close(ctx, *fd).ok());
  EXPECT_EQ(err(fs::rmdir(ctx, "/m")), Error::BUSY);
  ASSERT_TRUE(fs::umount(ctx, "/m").ok());
  EXPECT_EQ(get("/m/old"), "1");
  EXPECT_EQ(err(fs::mount(ctx, "t", "/m", "nosuchfs", nullptr)), Error::NODEV);
}

TEST_F(FsTest, SymlinksRelativeAndAbsolute) {
  ASSERT_TRUE(fs::mkdir(ctx, "/d").ok());
  put("/d/target", "T");
  ASSERT_TRUE(fs::symlink(ctx, "target", "/d/rel").ok());
  ASSERT_TRUE(fs::symlink(ctx, "/d", "/abs").ok());
  ASSERT_TRUE(fs::symlink(ctx, "../d/target", "/d/up").ok());
  EXPECT_EQ(get("/d/rel"), "T");
  EXPECT_EQ(get("/abs/rel"), "T");
  EXPECT_EQ(get("/abs/up"), "T");
  auto l = fs::lstat(ctx, "/d/rel");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->mode & fs::mode::IFMT, fs::mode::IFLNK);
  char buf[16] = {};
  auto n = fs::readlink(ctx, "/d/rel", buf, sizeof buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "target");
  EXPECT_EQ(err(fs::readlink(ctx, "/d/target", buf, sizeof buf)), Error::INVAL);
  ASSERT_TRUE(fs::symlink(ctx, "missing", "/dangling").ok());
  EXPECT_EQ(err(fs::stat(ctx, "/dangling")), Error::NOENT);
  EXPECT_TRUE(fs::lstat(ctx, "/dangling").ok());
  EXPECT_EQ(err(fs::symlink(ctx, "", "/empty")), Error::NOENT);
}

TEST_F(FsTest, SymlinkLoopsGiveLoop) {
  ASSERT_TRUE(fs::symlink(ctx, "/b", "/a").ok());
  ASSERT_TRUE(fs::symlink(ctx, "/a", "/b").ok());
  EXPECT_EQ(err(fs::stat(ctx, "/a")), Error::LOOP);
  ASSERT_TRUE(fs::symlink(ctx, "self", "/self").ok());
  EXPECT_EQ(err(fs::open(ctx, "/self", fs::oflag::RDONLY)), Error::LOOP);
  // A chain of exactly 40 links resolves; 41 does not.
  put("/f0", "end");
  char from[16], to[16];
  for (int i = 1; i <= 41; ++i) {
    std::snprintf(to, sizeof to, "f%d", i - 1);
    std::snprintf(from, sizeof from, "/f%d", i);
    ASSERT_TRUE(fs::symlink(ctx, to, from).ok());
  }
  EXPECT_EQ(get("/f40"), "end");
  EXPECT_EQ(err(fs::stat(ctx, "/f41")), Error::LOOP);
}

TEST_F(FsTest, NoFollowOnLastComponent) {
  put("/real", "r");
  ASSERT_TRUE(fs::symlink(ctx, "/real", "/link").ok());
  EXPECT_EQ(err(fs::open(ctx, "/link", fs::oflag::RDONLY | fs::oflag::NOFOLLOW)), Error::LOOP);
  ASSERT_TRUE(fs::mkdir(ctx, "/dir").ok());
  ASSERT_TRUE(fs::symlink(ctx, "/dir", "/dlink").ok());
  put("/dir/f", "in");
  // NOFOLLOW is about the last component only.
  auto fd = fs::open(ctx, "/dlink/f", fs::oflag::RDONLY | fs::oflag::NOFOLLOW);
  EXPECT_TRUE(fd.ok());
}

TEST_F(FsTest, NameAndPathLimits) {
  std::string longname(256, 'n');
  EXPECT_EQ(err(fs::mkdir(ctx, ("/" + longname).c_str())), Error::NAMETOOLONG);
  EXPECT_EQ(err(fs::stat(ctx, ("/" + longname + "/x").c_str())), Error::NAMETOOLONG);
  std::string ok(255, 'n');
  EXPECT_TRUE(fs::mkdir(ctx, ("/" + ok).c_str()).ok());
  std::string longpath(4096, 'a');
  longpath[0] = '/';
  EXPECT_EQ(err(fs::stat(ctx, longpath.c_str())), Error::NAMETOOLONG);
  EXPECT_EQ(err(fs::stat(ctx, "")), Error::NOENT);
}

TEST_F(FsTest, TrailingSlashes) {
  put("/file", "x");
  ASSERT_TRUE(fs::mkdir(ctx, "/dir/").ok());
  EXPECT_TRUE(fs::stat(ctx, "/dir/").ok());
  EXPECT_TRUE(fs::stat(ctx, "/dir//").ok());
  EXPECT_EQ(err(fs::stat(ctx, "/file/")), Error::NOTDIR);
  EXPECT_EQ(err(fs::open(ctx, "/file/", fs::oflag::RDONLY)), Error::NOTDIR);
  EXPECT_EQ(err(fs::open(ctx, "/new/", fs::oflag::CREAT | fs::oflag::WRONLY)), Error::ISDIR);
  EXPECT_EQ(err(fs::unlink(ctx, "/file/")), Error::NOTDIR);
  EXPECT_EQ(err(fs::unlink(ctx, "/dir/")), Error::ISDIR);
  ASSERT_TRUE(fs::symlink(ctx, "/dir", "/sl").ok());
  EXPECT_EQ(fs::stat(ctx, "/sl/")->mode & fs::mode::IFMT, fs::mode::IFDIR);
  EXPECT_TRUE(fs::rmdir(ctx, "/dir/").ok());
}

TEST_F(FsTest, NotADirectoryInTheMiddle) {
  put("/f", "x");
  EXPECT_EQ(err(fs::stat(ctx, "/f/g")), Error::NOTDIR);
  EXPECT_EQ(err(fs::mkdir(ctx, "/f/g")), Error::NOTDIR);
  EXPECT_EQ(err(fs::stat(ctx, "/nope/g")), Error::NOENT);
  EXPECT_EQ(err(fs::chdir(ctx, "/f")), Error::NOTDIR);
}

}  // namespace
}  // namespace fs_test
