// Pipes and FIFOs: blocking transfer between threads, EOF, EPIPE,
// O_NONBLOCK, poll readiness, FIFO open rendezvous.
#include <fs/pipe.hpp>
#include <fs/poll.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "fs_fixture.hpp"

namespace fs_test {
namespace {

using klib::Error;
namespace o = fs::oflag;

TEST_F(FsTest, PipeBlockingTransferBetweenThreads) {
  int p[2];
  ASSERT_TRUE(fs::pipe(ctx, p).ok());
  constexpr size_t kTotal = 200000;  // many times the ring
  std::thread writer([&] {
    std::vector<unsigned char> chunk(777);
    for (size_t done = 0; done < kTotal;) {
      size_t n = std::min(chunk.size(), kTotal - done);
      for (size_t i = 0; i < n; ++i) chunk[i] = static_cast<unsigned char>(done + i);
      auto w = fs::write(ctx, p[1], chunk.data(), n);
      ASSERT_TRUE(w.ok());
      done += *w;
    }
    ASSERT_TRUE(fs::close(ctx, p[1]).ok());
  });
  size_t got = 0;
  bool ok = true;
  unsigned char buf[1000];
  for (;;) {
    auto n = fs::read(ctx, p[0], buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;  // EOF after the writer closed
    for (size_t i = 0; i < *n; ++i) ok &= buf[i] == static_cast<unsigned char>(got + i);
    got += *n;
  }
  writer.join();
  EXPECT_EQ(got, kTotal);
  EXPECT_TRUE(ok);
}

TEST_F(FsTest, PipeEofAndEpipe) {
  int p[2];
  ASSERT_TRUE(fs::pipe(ctx, p).ok());
  EXPECT_EQ(fs::fstat(ctx, p[0])->mode & fs::mode::IFMT, fs::mode::IFIFO);
  ASSERT_EQ(*fs::write(ctx, p[1], "ab", 2), 2u);
  ASSERT_TRUE(fs::close(ctx, p[1]).ok());
  char buf[4];
  EXPECT_EQ(*fs::read(ctx, p[0], buf, 4), 2u);  // data first
  EXPECT_EQ(*fs::read(ctx, p[0], buf, 4), 0u);  // then EOF
  int q[2];
  ASSERT_TRUE(fs::pipe(ctx, q).ok());
  ASSERT_TRUE(fs::close(ctx, q[0]).ok());
  EXPECT_EQ(err(fs::write(ctx, q[1], "x", 1)), Error::PIPE);
  EXPECT_EQ(err(fs::read(ctx, q[1], buf, 1)), Error::BADF);
}

TEST_F(FsTest, PipeNonblocking) {
  int p[2];
  ASSERT_TRUE(fs::pipe(ctx, p, o::NONBLOCK | o::CLOEXEC).ok());
  EXPECT_EQ(*fds.fcntl(p[0], fs::fcntl_op::GETFD, 0), fs::kFdCloexec);
  char buf[fs::kPipeBuf + 10];
  EXPECT_EQ(err(fs::read(ctx, p[0], buf, 1)), Error::AGAIN);
  std::memset(buf, 'x', sizeof buf);
  EXPECT_EQ(*fs::write(ctx, p[1], buf, 100), 100u);
  // An atomic write that does not fit fails whole; a big one is partial.
  EXPECT_EQ(err(fs::write(ctx, p[1], buf, fs::kPipeBuf)), Error::AGAIN);
  EXPECT_EQ(*fs::write(ctx, p[1], buf, sizeof buf), fs::kPipeBuf - 100);
  EXPECT_EQ(err(fs::write(ctx, p[1], buf, 1)), Error::AGAIN);
  EXPECT_EQ(err(fs::pipe(ctx, p, o::APPEND)), Error::INVAL);
}

TEST_F(FsTest, PipePollReadiness) {
  int p[2];
  ASSERT_TRUE(fs::pipe(ctx, p).ok());
  fs::PollFd pf[2] = {{p[0], fs::pollev::IN, 0}, {p[1], fs::pollev::OUT, 0}};
  EXPECT_EQ(*fs::poll(ctx, pf, 2, 0), 1);
  EXPECT_EQ(pf[0].revents, 0);
  EXPECT_EQ(pf[1].revents, fs::pollev::OUT);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(fs::write(ctx, p[1], "z", 1).ok());
  });
  fs::PollFd rd{p[0], fs::pollev::IN, 0};
  EXPECT_EQ(*fs::poll(ctx, &rd, 1, -1), 1);  // blocks until the write
  t.join();
  EXPECT_EQ(rd.revents, fs::pollev::IN);
  ASSERT_TRUE(fs::close(ctx, p[1]).ok());
  char c;
  ASSERT_TRUE(fs::read(ctx, p[0], &c, 1).ok());
  EXPECT_EQ(*fs::poll(ctx, &rd, 1, 0), 1);
  EXPECT_EQ(rd.revents, fs::pollev::HUP);
  fs::PollFd bad{99, fs::pollev::IN, 0};
  EXPECT_EQ(*fs::poll(ctx, &bad, 1, 0), 1);
  EXPECT_EQ(bad.revents, fs::pollev::NVAL);
  fs::PollFd none{p[0], fs::pollev::OUT, 0};
  EXPECT_EQ(*fs::poll(ctx, &none, 0, 1000000), 0);  // nfds 0: timeout
}

TEST_F(FsTest, PollTimesOut) {
  int p[2];
  ASSERT_TRUE(fs::pipe(ctx, p).ok());
  fs::PollFd rd{p[0], fs::pollev::IN, 0};
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(*fs::poll(ctx, &rd, 1, 30'000'000), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(25));
}

TEST_F(FsTest, FifoRendezvousAndData) {
  ASSERT_TRUE(fs::mkfifo(ctx, "/fifo").ok());
  // A nonblocking writer with no reader fails; a nonblocking reader does not.
  EXPECT_EQ(err(fs::open(ctx, "/fifo", o::WRONLY | o::NONBLOCK)), Error::NXIO);
  int rnb = *fs::open(ctx, "/fifo", o::RDONLY | o::NONBLOCK);
  ASSERT_TRUE(fs::close(ctx, rnb).ok());
  std::atomic<bool> reader_open{false};
  std::thread reader([&] {
    auto fd = fs::open(ctx, "/fifo", o::RDONLY);  // blocks for the writer
    ASSERT_TRUE(fd.ok());
    reader_open = true;
    char buf[16] = {};
    auto n = fs::read(ctx, *fd, buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(std::string(buf, *n), "via fifo");
    (void)fs::close(ctx, *fd);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(reader_open.load());
  int w = *fs::open(ctx, "/fifo", o::WRONLY);
  ASSERT_EQ(*fs::write(ctx, w, "via fifo", 8), 8u);
  reader.join();
  ASSERT_TRUE(fs::close(ctx, w).ok());
  int rw = *fs::open(ctx, "/fifo", o::RDWR);  // never blocks
  ASSERT_TRUE(fs::close(ctx, rw).ok());
}

}  // namespace
}  // namespace fs_test
