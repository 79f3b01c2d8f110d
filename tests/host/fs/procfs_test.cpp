// procfs: registered generators, per-pid directories from a provider.
#include <fs/procfs.hpp>

#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;
namespace o = fs::oflag;

int g_calls = 0;
void hello(fs::ProcBuf& out, void* arg) {
  ++g_calls;
  out.printf("hello %s %d\n", static_cast<const char*>(arg), 42);
}
void big(fs::ProcBuf& out, void*) {
  for (int i = 0; i < 1000; ++i) out.printf("line %04d of a long generated file\n", i);
}

std::size_t list_pids(int* pids, std::size_t max) {
  const int all[] = {1, 7, 300};
  for (std::size_t i = 0; i < 3 && i < max; ++i) pids[i] = all[i];
  return 3;
}
bool pid_exists(int pid) { return pid == 1 || pid == 7 || pid == 300; }
void status(fs::ProcBuf& out, int pid) { out.printf("Pid:\t%d\n", pid); }
const fs::ProcPidEntry kPidEntries[] = {{"status", status}};
const fs::ProcPidProvider kProvider = {list_pids, pid_exists, kPidEntries, 1};

TEST_F(FsTest, ProcfsGeneratorsAndPids) {
  ASSERT_TRUE(fs::procfs_register("hello", hello, const_cast<char*>("world")).ok());
  ASSERT_TRUE(fs::procfs_register("big", big).ok());
  EXPECT_EQ(err(fs::procfs_register("hello", hello)), Error::EXIST);
  EXPECT_EQ(err(fs::procfs_register("a/b", hello)), Error::INVAL);
  EXPECT_EQ(get("/proc/hello"), "hello world 42\n");
  EXPECT_EQ(get("/proc/big").size(), 1000u * 35);  // bigger than the first buffer
  EXPECT_EQ(err(fs::open(ctx, "/proc/hello", o::WRONLY)), Error::ACCES);
  EXPECT_EQ(get("/proc/nope"), "<ENOENT>");

  EXPECT_EQ(get("/proc/7/status"), "<ENOENT>");  // no provider yet
  fs::procfs_set_pid_provider(&kProvider);
  EXPECT_EQ(get("/proc/7/status"), "Pid:\t7\n");
  EXPECT_EQ(get("/proc/8/status"), "<ENOENT>");
  EXPECT_EQ(get("/proc/300/../hello"), "hello world 42\n");
  int d = *fs::open(ctx, "/proc", o::RDONLY);
  fs::DirEntry ents[16];
  auto n = fs::getdents(ctx, d, ents, 16);
  ASSERT_TRUE(n.ok());
  std::string names;
  for (size_t i = 0; i < *n; ++i) names += std::string(ents[i].name) + " ";
  EXPECT_EQ(names, ". .. hello big 1 7 300 ");
  ASSERT_TRUE(fs::close(ctx, d).ok());
  fs::procfs_set_pid_provider(nullptr);
  fs::procfs_unregister("hello");
  fs::procfs_unregister("big");
  EXPECT_EQ(get("/proc/hello"), "<ENOENT>");
}

// A provider with Linux's per-pid links and fd/: pid 7 is "the caller".
void exe(fs::ProcBuf& out, int pid) {
  if (pid == 7) out.printf("/bin/prog");  // pid 1: no program (a kernel task)
}
long list_fds(int pid, int* fds, std::size_t max) {
  if (pid != 7) return -static_cast<long>(Error::ACCES);
  const int open_fds[] = {0, 1, 5};
  for (std::size_t i = 0; i < 3 && i < max && fds; ++i) fds[i] = open_fds[i];
  return 3;
}
bool fd_target(int pid, int fd, fs::ProcBuf& out) {
  if (pid != 7 || (fd != 0 && fd != 1 && fd != 5)) return false;
  out.printf(fd == 5 ? "pipe:[42]" : "/dev/console");
  return true;
}
int self() { return 7; }
const fs::ProcPidEntry kLinuxEntries[] = {{"status", status},
                                          {"exe", exe, fs::ProcEntryKind::Symlink},
                                          {"fd", nullptr, fs::ProcEntryKind::FdDir}};
const fs::ProcPidProvider kLinuxProvider = {list_pids, pid_exists, kLinuxEntries, 3,
                                            self,      list_fds,   fd_target};

std::string link(fs::FsContext& ctx, const char* path) {
  char buf[64];
  auto n = fs::readlink(ctx, path, buf, sizeof buf);
  if (!n.ok()) return std::string("<") + klib::error_name(n.error()) + ">";
  return std::string(buf, *n);
}

std::string listing(fs::FsContext& ctx, const char* path) {
  auto d = fs::open(ctx, path, o::RDONLY);
  if (!d.ok()) return std::string("<") + klib::error_name(d.error()) + ">";
  fs::DirEntry ents[16];
  auto n = fs::getdents(ctx, *d, ents, 16);
  std::string names;
  for (size_t i = 0; n.ok() && i < *n; ++i) names += std::string(ents[i].name) + " ";
  (void)fs::close(ctx, *d);
  return n.ok() ? names : std::string("<") + klib::error_name(n.error()) + ">";
}

TEST_F(FsTest, ProcSelfExeAndFdLinks) {
  fs::procfs_set_pid_provider(&kLinuxProvider);
  EXPECT_EQ(link(ctx, "/proc/self"), "7");
  EXPECT_EQ(get("/proc/self/status"), "Pid:\t7\n");  // followed like any link
  EXPECT_EQ(link(ctx, "/proc/self/exe"), "/bin/prog");
  EXPECT_EQ(link(ctx, "/proc/1/exe"), "<ENOENT>");  // empty target: nothing to show
  auto st = fs::lstat(ctx, "/proc/7/exe");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->mode & fs::mode::IFMT, fs::mode::IFLNK);
  EXPECT_EQ(listing(ctx, "/proc/7"), ". .. status exe fd ");
  EXPECT_EQ(listing(ctx, "/proc/self/fd"), ". .. 0 1 5 ");
  EXPECT_EQ(link(ctx, "/proc/self/fd/5"), "pipe:[42]");
  EXPECT_EQ(link(ctx, "/proc/7/fd/1"), "/dev/console");
  EXPECT_EQ(link(ctx, "/proc/7/fd/2"), "<ENOENT>");
  EXPECT_EQ(link(ctx, "/proc/1/fd/0"), "<EACCES>");  // another process's table
  EXPECT_EQ(listing(ctx, "/proc/1/fd"), "<EACCES>");
  EXPECT_EQ(listing(ctx, "/proc/7/fd/.."), ". .. status exe fd ");
  // The root lists "self" before the pid directories.
  const std::string root = listing(ctx, "/proc");
  EXPECT_NE(root.find("self 1 7 300 "), std::string::npos) << root;
  fs::procfs_set_pid_provider(nullptr);
  EXPECT_EQ(link(ctx, "/proc/self"), "<ENOENT>");
}

TEST_F(FsTest, ProcSnapshotPerOpen) {
  ASSERT_TRUE(fs::procfs_register("hello", hello, const_cast<char*>("x")).ok());
  g_calls = 0;
  int fd = *fs::open(ctx, "/proc/hello", o::RDONLY);
  char buf[4];
  ASSERT_TRUE(fs::read(ctx, fd, buf, 4).ok());
  ASSERT_TRUE(fs::read(ctx, fd, buf, 4).ok());
  EXPECT_EQ(g_calls, 1);  // generated once, at open
  ASSERT_TRUE(fs::close(ctx, fd).ok());
  fs::procfs_unregister("hello");
}

}  // namespace
}  // namespace fs_test
