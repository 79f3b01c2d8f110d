// The tty line discipline, held against the host's own Linux: each scenario
// feeds the same bytes with the same termios to fs::tty::LineDiscipline and
// to a Linux pseudo-terminal, and compares what was echoed and what reads
// returned. Then the parts a pty without a session cannot show (signals to
// the foreground group, VMIN, buffer limits).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>
#include <fs/tty.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace t = fs::tty;

// Our constants are Linux's: the host's <termios.h> spells the same values.
static_assert(t::kVintr == VINTR && t::kVquit == VQUIT && t::kVerase == VERASE);
static_assert(t::kVkill == VKILL && t::kVeof == VEOF && t::kVmin == VMIN && t::kVtime == VTIME);
static_assert(t::kVsusp == VSUSP && t::kVeol == VEOL && t::kVreprint == VREPRINT);
static_assert(t::kVwerase == VWERASE && t::kVlnext == VLNEXT && t::kVeol2 == VEOL2);
static_assert(t::iflag::kIcrnl == ICRNL && t::iflag::kIgncr == IGNCR && t::iflag::kInlcr == INLCR &&
              t::iflag::kIstrip == ISTRIP);
static_assert(t::oflag::kOpost == OPOST && t::oflag::kOnlcr == ONLCR && t::oflag::kOcrnl == OCRNL);
static_assert(t::lflag::kIsig == ISIG && t::lflag::kIcanon == ICANON && t::lflag::kEcho == ECHO &&
              t::lflag::kEchoe == ECHOE && t::lflag::kEchok == ECHOK &&
              t::lflag::kEchonl == ECHONL && t::lflag::kNoflsh == NOFLSH &&
              t::lflag::kEchoctl == ECHOCTL && t::lflag::kEchoke == ECHOKE &&
              t::lflag::kIexten == IEXTEN);
static_assert(t::kSigint == SIGINT && t::kSigquit == SIGQUIT && t::kSigtstp == SIGTSTP);

struct Recorder : t::LineDiscipline::Sink {
  std::string out;
  std::vector<int> signals;
  void write_raw(const char* s, std::size_t n) override { out.append(s, n); }
  void raise(int sig) override { signals.push_back(sig); }
};

// Each read(2) result, "<EOF>" for an end-of-file read, joined with '|'.
std::string drain_ours(t::LineDiscipline& ld) {
  std::string reads;
  char buf[64];
  for (;;) {
    auto r = ld.read(buf, sizeof buf);
    if (r.n == 0 && !r.eof) break;
    if (!reads.empty()) reads += '|';
    reads += r.eof ? std::string("<EOF>") : std::string(buf, r.n);
  }
  return reads;
}

struct Tweak {
  std::uint32_t iflag_clear = 0, iflag_set = 0;
  std::uint32_t oflag_clear = 0, oflag_set = 0;
  std::uint32_t lflag_clear = 0, lflag_set = 0;
};

t::Termios apply(t::Termios tm, const Tweak& w) {
  // IXON stays off on both sides: ^S/^Q would pause the host pty's output.
  tm.iflag = ((tm.iflag & ~w.iflag_clear) | w.iflag_set) & ~t::iflag::kIxon;
  tm.oflag = (tm.oflag & ~w.oflag_clear) | w.oflag_set;
  tm.lflag = (tm.lflag & ~w.lflag_clear) | w.lflag_set;
  return tm;
}

class HostPty {
 public:
  HostPty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    slave_ = open(ptsname(master_), O_RDWR | O_NOCTTY | O_NONBLOCK);
  }
  ~HostPty() {
    if (slave_ >= 0) close(slave_);
    if (master_ >= 0) close(master_);
  }
  bool ok() const { return slave_ >= 0; }

  void set(const t::Termios& tm) {
    termios h{};
    ASSERT_EQ(tcgetattr(slave_, &h), 0);
    h.c_iflag = tm.iflag;
    h.c_oflag = tm.oflag;
    h.c_lflag = tm.lflag;
    for (int i = 0; i < t::kNccs; ++i) h.c_cc[i] = tm.cc[i];
    ASSERT_EQ(tcsetattr(slave_, TCSANOW, &h), 0);
  }

  // Types `in` one byte at a time (as a UART delivers it) and collects the
  // echo until it has been quiet for a while.
  std::string type(const std::string& in) {
    for (char c : in) {
      EXPECT_EQ(::write(master_, &c, 1), 1);
      settle();
    }
    return drain_master();
  }

  std::string output(const std::string& s) {
    EXPECT_EQ(::write(slave_, s.data(), s.size()), static_cast<ssize_t>(s.size()));
    settle();
    return drain_master();
  }

  std::string reads() {
    std::string all;
    char buf[64];
    for (;;) {
      const ssize_t n = ::read(slave_, buf, sizeof buf);
      if (n < 0) break;  // EAGAIN: nothing more
      if (!all.empty()) all += '|';
      all += n == 0 ? std::string("<EOF>") : std::string(buf, static_cast<size_t>(n));
      if (n == 0 && all.size() > 4096) break;
    }
    return all;
  }

 private:
  // The pty processes input in a kernel worker; wait until it is idle.
  static void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(3)); }
  std::string drain_master() {
    std::string out;
    char buf[256];
    pollfd p{master_, POLLIN, 0};
    while (poll(&p, 1, 50) > 0) {
      const ssize_t n = ::read(master_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  int master_ = -1;
  int slave_ = -1;
};

struct Scenario {
  const char* name;
  std::string input;
  Tweak tweak;
};

class TtyAgainstLinux : public ::testing::TestWithParam<Scenario> {};

TEST_P(TtyAgainstLinux, EchoAndReadsMatch) {
  const Scenario& s = GetParam();
  HostPty pty;
  if (!pty.ok()) GTEST_SKIP() << "no pseudo-terminals on this host";
  Recorder rec;
  t::LineDiscipline ld(rec);
  const t::Termios tm = apply(t::default_termios(), s.tweak);
  ld.set_termios(tm);
  pty.set(tm);
  for (char c : s.input) ld.receive(c);
  const std::string linux_echo = pty.type(s.input);
  EXPECT_EQ(rec.out, linux_echo) << s.name << ": echo";
  EXPECT_EQ(drain_ours(ld), pty.reads()) << s.name << ": reads";
}

constexpr std::uint32_t kCanonEcho = t::lflag::kIcanon | t::lflag::kEcho;

INSTANTIATE_TEST_SUITE_P(
    Scenarios, TtyAgainstLinux,
    ::testing::Values(
        Scenario{"erase",
                 "ab\x7f"
                 "c\n",
                 {}},
        Scenario{"erase_past_start", "\x7f\x7fz\n", {}},
        Scenario{"erase_control_char", "a\x01\x7f\n", {}},
        Scenario{"erase_tab", "ab\tc\x7f\x7f\x7f\n", {}},
        Scenario{"word_erase", "hello big  world\x17\x17x\n", {}},
        Scenario{"kill_echoke",
                 "abc\x15"
                 "def\n",
                 {}},
        Scenario{"kill_echok",
                 "abc\x15"
                 "def\n",
                 {.lflag_clear = t::lflag::kEchoke}},
        Scenario{"literal_next", "\x16\x03x\x16\x7f\n", {}},
        Scenario{"eof_with_data_then_empty", "ab\x04\x04", {}},
        Scenario{"two_lines_then_partial", "one\ntwo\nthr", {}},
        Scenario{"intr_flushes", "x\ny\x03z\n", {}},
        Scenario{"quit_noflsh", "x\ny\x1cz\n", {.lflag_set = t::lflag::kNoflsh}},
        Scenario{"cr_maps_to_nl", "a\rb\r", {}},
        Scenario{"igncr", "a\rb\n", {.iflag_set = t::iflag::kIgncr}},
        Scenario{
            "inlcr", "a\nb\r", {.iflag_clear = t::iflag::kIcrnl, .iflag_set = t::iflag::kInlcr}},
        Scenario{"istrip", "\xe1\xe2\n", {.iflag_set = t::iflag::kIstrip}},
        Scenario{"reprint",
                 "abc\x12"
                 "d\n",
                 {}},
        Scenario{"no_echoctl", "a\x01\x7f\x02\n", {.lflag_clear = t::lflag::kEchoctl}},
        Scenario{"no_echoe", "ab\x7f\n", {.lflag_clear = t::lflag::kEchoe}},
        Scenario{"echonl_without_echo",
                 "ab\n",
                 {.lflag_clear = t::lflag::kEcho, .lflag_set = t::lflag::kEchonl}},
        Scenario{"no_echo", "secret\x7f\n", {.lflag_clear = t::lflag::kEcho}},
        Scenario{"raw_no_echo", "abc\x7f\x03\n", {.lflag_clear = kCanonEcho | t::lflag::kIsig}},
        Scenario{"raw_echo", "a\x7f\x01\tb\n", {.lflag_clear = t::lflag::kIcanon}},
        Scenario{"raw_isig",
                 "ab\x03"
                 "c",
                 {.lflag_clear = t::lflag::kIcanon}},
        Scenario{"no_opost", "ab\n", {.oflag_clear = t::oflag::kOpost}}),
    [](const ::testing::TestParamInfo<Scenario>& i) { return std::string(i.param.name); });

TEST(TtyOutput, OnlcrAndOpostMatchLinux) {
  HostPty pty;
  if (!pty.ok()) GTEST_SKIP() << "no pseudo-terminals on this host";
  for (const Tweak& w : {Tweak{}, Tweak{.oflag_clear = t::oflag::kOpost},
                         Tweak{.oflag_clear = t::oflag::kOnlcr, .oflag_set = t::oflag::kOcrnl}}) {
    Recorder rec;
    t::LineDiscipline ld(rec);
    const t::Termios tm = apply(t::default_termios(), w);
    ld.set_termios(tm);
    pty.set(tm);
    const std::string text = "line one\nline\r two\n\n";
    ld.write(text.data(), text.size());
    EXPECT_EQ(rec.out, pty.output(text));
  }
}

TEST(TtySignals, InterruptQuitSuspendRaiseTheirSignals) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  for (char c : std::string("a\x03"
                            "b\x1c"
                            "c\x1a"))
    ld.receive(c);
  EXPECT_EQ(rec.signals, (std::vector<int>{SIGINT, SIGQUIT, SIGTSTP}));
  EXPECT_EQ(rec.out, "a^Cb^\\c^Z");
  EXPECT_FALSE(ld.readable(1));  // each signal flushed the line
}

TEST(TtySignals, IsigOffMakesThemData) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  t::Termios tm = t::default_termios();
  tm.lflag &= ~t::lflag::kIsig;
  ld.set_termios(tm);
  for (char c : std::string("\x03\n")) ld.receive(c);
  EXPECT_TRUE(rec.signals.empty());
  char buf[8];
  auto r = ld.read(buf, sizeof buf);
  EXPECT_EQ(std::string(buf, r.n), "\x03\n");
}

TEST(TtyCanonical, ReadReturnsAtMostOneLineAndSplitsLongOnes) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  for (char c : std::string("abcdef\nxy\n")) ld.receive(c);
  char buf[4];
  auto r = ld.read(buf, sizeof buf);
  EXPECT_EQ(std::string(buf, r.n), "abcd");
  r = ld.read(buf, sizeof buf);
  EXPECT_EQ(std::string(buf, r.n), "ef\n");
  EXPECT_EQ(ld.available(), 3u);
  r = ld.read(buf, sizeof buf);
  EXPECT_EQ(std::string(buf, r.n), "xy\n");
  r = ld.read(buf, sizeof buf);
  EXPECT_EQ(r.n, 0u);
  EXPECT_FALSE(r.eof);
}

TEST(TtyCanonical, PartialLineIsNotReadable) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  for (char c : std::string("abc")) ld.receive(c);
  EXPECT_FALSE(ld.readable(10));
  EXPECT_EQ(ld.available(), 0u);
  ld.receive('\n');
  EXPECT_TRUE(ld.readable(10));
}

TEST(TtyCanonical, OverlongLineKeepsRoomForItsEnd) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  for (std::size_t i = 0; i < 2 * t::LineDiscipline::kBufferSize; ++i) ld.receive('x');
  ld.receive('\n');
  std::string got;
  char buf[512];
  for (;;) {
    auto r = ld.read(buf, sizeof buf);
    if (r.n == 0) break;
    got.append(buf, r.n);
  }
  EXPECT_EQ(got.size(), t::LineDiscipline::kBufferSize);
  EXPECT_EQ(got.back(), '\n');
}

TEST(TtyCanonical, SwitchingToRawHandsOverTheEditedLine) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  for (char c : std::string("done\npart")) ld.receive(c);
  t::Termios tm = t::default_termios();
  tm.lflag &= ~t::lflag::kIcanon;
  ld.set_termios(tm);
  char buf[32];
  auto r = ld.read(buf, sizeof buf);
  EXPECT_EQ(std::string(buf, r.n), "done\npart");
}

TEST(TtyRaw, VminDecidesWhenAReadReturns) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  t::Termios tm = t::default_termios();
  tm.lflag &= ~(t::lflag::kIcanon | t::lflag::kEcho);
  tm.cc[t::kVmin] = 3;
  ld.set_termios(tm);
  ld.receive('a');
  ld.receive('b');
  EXPECT_FALSE(ld.readable(10));
  EXPECT_TRUE(ld.readable(2));  // a read of 2 needs only 2
  ld.receive('c');
  EXPECT_TRUE(ld.readable(10));
  tm.cc[t::kVmin] = 0;
  ld.set_termios(tm);
  char buf[8];
  EXPECT_EQ(ld.read(buf, sizeof buf).n, 3u);
  EXPECT_TRUE(ld.readable(10));  // VMIN 0: a read returns at once, even empty
  EXPECT_EQ(ld.read(buf, sizeof buf).n, 0u);
}

TEST(TtyRaw, FullBufferDropsInsteadOfOverwriting) {
  Recorder rec;
  t::LineDiscipline ld(rec);
  t::Termios tm = t::default_termios();
  tm.lflag &= ~(t::lflag::kIcanon | t::lflag::kEcho);
  ld.set_termios(tm);
  for (std::size_t i = 0; i < t::LineDiscipline::kBufferSize + 10; ++i)
    ld.receive(static_cast<char>('a' + i % 26));
  EXPECT_EQ(ld.available(), t::LineDiscipline::kBufferSize);
  char c;
  ASSERT_EQ(ld.read(&c, 1).n, 1u);
  EXPECT_EQ(c, 'a');  // the oldest byte survived
}

}  // namespace
