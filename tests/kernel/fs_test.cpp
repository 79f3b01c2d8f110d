// KTEST fs: the mounted namespace, /proc, a pipe between threads on two CPUs
// and a NuttX driver used through the VFS from another thread.
#include <fs/nuttx_driver.h>
#include <fs/init.hpp>
#include <fs/pipe.hpp>
#include <fs/platform.hpp>
#include <fs/poll.hpp>
#include <fs/vfs.hpp>
#include <kernel/ktest.hpp>
#include <sched/sched.hpp>

namespace {

namespace o = fs::oflag;

// A context with its own descriptor table (freed by the destructor).
struct TestCtx {
  fs::FsContext ctx;
  TestCtx() { ctx.fds = fs::make<fs::FdTable>(); }
  ~TestCtx() {
    fs::destroy(ctx.fds);
    fs::context_release(ctx);
  }
};

// Reads a whole small file into buf (NUL-terminated); -1 on error.
long slurp(fs::FsContext& ctx, const char* path, char* buf, std::size_t cap) {
  auto fd = fs::open(ctx, path, o::RDONLY);
  if (!fd) return -1;
  std::size_t total = 0;
  while (total + 1 < cap) {
    auto n = fs::read(ctx, *fd, buf + total, cap - 1 - total);
    if (!n || *n == 0) break;
    total += *n;
  }
  buf[total] = '\0';
  (void)fs::close(ctx, *fd);
  return static_cast<long>(total);
}

bool contains(const char* hay, const char* needle) {
  const std::size_t n = __builtin_strlen(needle);
  for (; *hay; ++hay)
    if (__builtin_strncmp(hay, needle, n) == 0) return true;
  return false;
}

int other_cpu() { return sched::cpus_online() > 1 ? 1 : 0; }

}  // namespace

KTEST(fs, root_is_mounted) {
  KT_ASSERT(fs::init_root().ok());
  TestCtx t;
  KT_EXPECT(fs::stat(t.ctx, "/tmp").ok());
  KT_EXPECT(fs::stat(t.ctx, "/dev/null").ok());
  KT_EXPECT(fs::stat(t.ctx, "/dev/console").ok());
  static char buf[512];
  KT_ASSERT(slurp(t.ctx, "/proc/mounts", buf, sizeof buf) > 0);
  KT_EXPECT(contains(buf, "rootfs / tmpfs"));
  KT_EXPECT(contains(buf, "/dev devfs"));
  KT_EXPECT(contains(buf, "/proc proc"));
  KT_ASSERT(fs::mkdir(t.ctx, "/tmp/ktest").ok());
  auto fd = fs::open(t.ctx, "/tmp/ktest/f", o::RDWR | o::CREAT, 0644);
  KT_ASSERT(fd.ok());
  KT_EXPECT_EQ(*fs::write(t.ctx, *fd, "hello", 5), 5);
  KT_EXPECT_EQ(*fs::pread(t.ctx, *fd, buf, 5, 0), 5);
  KT_EXPECT(__builtin_memcmp(buf, "hello", 5) == 0);
  KT_EXPECT(fs::close(t.ctx, *fd).ok());
  KT_EXPECT(fs::unlink(t.ctx, "/tmp/ktest/f").ok());
  KT_EXPECT(fs::rmdir(t.ctx, "/tmp/ktest").ok());
}

KTEST(fs, proc_files_are_readable) {
  KT_ASSERT(fs::init_root().ok());
  TestCtx t;
  static char buf[2048];
  KT_ASSERT(slurp(t.ctx, "/proc/meminfo", buf, sizeof buf) > 0);
  KT_EXPECT(contains(buf, "MemTotal:"));
  KT_EXPECT(contains(buf, "MemFree:"));
  KT_ASSERT(slurp(t.ctx, "/proc/uptime", buf, sizeof buf) > 0);
  KT_EXPECT(contains(buf, "."));
  KT_ASSERT(slurp(t.ctx, "/proc/cpuinfo", buf, sizeof buf) > 0);
  KT_EXPECT(contains(buf, "processor\t: 0"));
}

namespace {

constexpr std::size_t kPipeBytes = 64 * 1024;

struct PipeJob {
  fs::OpenFile* end;
  std::uint32_t sum = 0;
  std::size_t bytes = 0;
};

void pipe_writer(void* arg) {
  auto* job = static_cast<PipeJob*>(arg);
  unsigned char chunk[700];  // not a divisor of the ring: writes wrap around
  for (std::size_t done = 0; done < kPipeBytes;) {
    const std::size_t n = kPipeBytes - done < sizeof chunk ? kPipeBytes - done : sizeof chunk;
    for (std::size_t i = 0; i < n; ++i) {
      chunk[i] = static_cast<unsigned char>((done + i) * 7);
      job->sum += chunk[i];
    }
    auto w = fs::file_write(job->end, chunk, n);
    if (!w) break;
    done += *w;
    job->bytes = done;
  }
  fs::file_put(job->end);  // last writer gone: the reader sees EOF
}

void pipe_reader(void* arg) {
  auto* job = static_cast<PipeJob*>(arg);
  unsigned char buf[333];
  for (;;) {
    auto n = fs::file_read(job->end, buf, sizeof buf);
    if (!n || *n == 0) break;
    for (std::size_t i = 0; i < *n; ++i) job->sum += buf[i];
    job->bytes += *n;
  }
  fs::file_put(job->end);
}

}  // namespace

KTEST(fs, pipe_between_cpus) {
  KT_ASSERT(fs::init_root().ok());
  fs::OpenFile* ends[2];
  KT_ASSERT(fs::pipe_create(ends, 0).ok());
  PipeJob rd{ends[0]}, wr{ends[1]};
  auto r = sched::thread_create("pipe-rd", pipe_reader, &rd, sched::kDefaultPriority, 0);
  auto w = sched::thread_create("pipe-wr", pipe_writer, &wr, sched::kDefaultPriority, other_cpu());
  KT_ASSERT(r.ok() && w.ok());
  KT_EXPECT(sched::thread_join(*w).ok());
  KT_EXPECT(sched::thread_join(*r).ok());
  KT_EXPECT_EQ(wr.bytes, kPipeBytes);
  KT_EXPECT_EQ(rd.bytes, kPipeBytes);
  KT_EXPECT_EQ(rd.sum, wr.sum);
}

namespace {

// A one-slot mailbox driver: write stores bytes, read returns them
// uppercased, poll reports POLLIN while a message waits.
struct Mailbox {
  char data[32];
  int len = 0;
  struct pollfd* watcher = nullptr;
};

ssize_t mb_write(struct file* f, const char* buf, size_t n) {
  auto* mb = static_cast<Mailbox*>(f->f_inode->i_private);
  if (n > sizeof mb->data) n = sizeof mb->data;
  __builtin_memcpy(mb->data, buf, n);
  __atomic_store_n(&mb->len, static_cast<int>(n), __ATOMIC_RELEASE);
  if (mb->watcher) poll_notify(&mb->watcher, 1, POLLIN);
  return static_cast<ssize_t>(n);
}

ssize_t mb_read(struct file* f, char* buf, size_t n) {
  auto* mb = static_cast<Mailbox*>(f->f_inode->i_private);
  const int len = __atomic_exchange_n(&mb->len, 0, __ATOMIC_ACQ_REL);
  const size_t take = static_cast<size_t>(len) < n ? static_cast<size_t>(len) : n;
  for (size_t i = 0; i < take; ++i)
    buf[i] = mb->data[i] >= 'a' && mb->data[i] <= 'z' ? mb->data[i] - 32 : mb->data[i];
  return static_cast<ssize_t>(take);
}

int mb_poll(struct file* f, struct pollfd* fds, bool setup) {
  auto* mb = static_cast<Mailbox*>(f->f_inode->i_private);
  if (!setup) {
    mb->watcher = nullptr;
    return 0;
  }
  mb->watcher = fds;
  if (__atomic_load_n(&mb->len, __ATOMIC_ACQUIRE)) poll_notify(&mb->watcher, 1, POLLIN);
  return 0;
}

// Positional, NuttX order: open close read write seek ioctl mmap truncate poll.
const struct file_operations kMailboxOps = {nullptr, nullptr, mb_read, mb_write, nullptr,
                                            nullptr, nullptr, nullptr, mb_poll};

void mailbox_sender(void*) {
  sched::sleep_ns(20'000'000);  // let the main thread block in poll first
  TestCtx t;
  auto fd = fs::open(t.ctx, "/dev/ktest_mbox", o::WRONLY);
  if (fd) (void)fs::write(t.ctx, *fd, "ping", 4);
}

}  // namespace

KTEST(fs, driver_used_from_another_thread) {
  KT_ASSERT(fs::init_root().ok());
  static Mailbox mb;
  KT_ASSERT(register_driver("/dev/ktest_mbox", &kMailboxOps, 0666, &mb) == 0);
  KT_EXPECT(register_driver("/dev/ktest_mbox", &kMailboxOps, 0666, &mb) < 0);  // EEXIST
  TestCtx t;
  auto fd = fs::open(t.ctx, "/dev/ktest_mbox", o::RDONLY);
  KT_ASSERT(fd.ok());
  auto s = sched::thread_create("mbox-tx", mailbox_sender, nullptr, sched::kDefaultPriority,
                                other_cpu());
  KT_ASSERT(s.ok());
  fs::PollFd pfd{*fd, fs::pollev::IN, 0};
  auto ready = fs::poll(t.ctx, &pfd, 1, 2'000'000'000);  // woken by the driver's poll_notify
  KT_EXPECT(ready.ok() && *ready == 1);
  KT_EXPECT(pfd.revents & fs::pollev::IN);
  char buf[8] = {};
  KT_EXPECT_EQ(*fs::read(t.ctx, *fd, buf, sizeof buf), 4);
  KT_EXPECT(__builtin_memcmp(buf, "PING", 4) == 0);
  KT_EXPECT(sched::thread_join(*s).ok());
  KT_EXPECT(fs::close(t.ctx, *fd).ok());
  KT_EXPECT_EQ(unregister_driver("/dev/ktest_mbox"), 0);
  KT_EXPECT(!fs::stat(t.ctx, "/dev/ktest_mbox").ok());
}

KTEST(fs, urandom_and_zero) {
  KT_ASSERT(fs::init_root().ok());
  TestCtx t;
  unsigned char a[16] = {}, b[16] = {};
  auto fd = fs::open(t.ctx, "/dev/urandom", o::RDONLY);
  KT_ASSERT(fd.ok());
  KT_EXPECT_EQ(*fs::read(t.ctx, *fd, a, sizeof a), 16);
  KT_EXPECT_EQ(*fs::read(t.ctx, *fd, b, sizeof b), 16);
  KT_EXPECT(__builtin_memcmp(a, b, sizeof a) != 0);
  auto z = fs::open(t.ctx, "/dev/zero", o::RDWR);
  KT_ASSERT(z.ok());
  KT_EXPECT_EQ(*fs::read(t.ctx, *z, a, sizeof a), 16);
  KT_EXPECT(a[0] == 0 && a[15] == 0);
}
