// The terminal line discipline (see fs/tty.hpp). Behaviour follows what a
// Linux N_TTY line discipline does for the same termios settings, checked
// by tests/host/fs/tty_test.cpp. Not done: flow control (IXON/IXOFF: the
// consoles here have no hardware flow control to pace), parity marking,
// ECHOPRT, and VTIME (the kernel glue handles VTIME as a read timeout).
#include <fs/tty.hpp>

#include <cstring>

namespace fs::tty {

Termios default_termios() {
  Termios t{};
  t.iflag = iflag::kIcrnl | iflag::kIxon;
  t.oflag = oflag::kOpost | oflag::kOnlcr;
  t.cflag = cflag::kB38400 | cflag::kCs8 | cflag::kCread | cflag::kHupcl;
  t.lflag = lflag::kIsig | lflag::kIcanon | lflag::kEcho | lflag::kEchoe | lflag::kEchok |
            lflag::kEchoctl | lflag::kEchoke | lflag::kIexten;
  t.cc[kVintr] = 003;    // ^C
  t.cc[kVquit] = 034;    // ^backslash
  t.cc[kVerase] = 0177;  // DEL
  t.cc[kVkill] = 025;    // ^U
  t.cc[kVeof] = 004;     // ^D
  t.cc[kVmin] = 1;
  t.cc[kVstart] = 021;    // ^Q
  t.cc[kVstop] = 023;     // ^S
  t.cc[kVsusp] = 032;     // ^Z
  t.cc[kVreprint] = 022;  // ^R
  t.cc[13] = 017;         // VDISCARD ^O (not acted on)
  t.cc[kVwerase] = 027;   // ^W
  t.cc[kVlnext] = 026;    // ^V
  return t;
}

namespace {

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// A cc slot holding 0 (_POSIX_VDISABLE on Linux) matches nothing.
bool matches(const Termios& t, int slot, char c) {
  return t.cc[slot] != 0 && static_cast<unsigned char>(c) == t.cc[slot];
}

}  // namespace

LineDiscipline::LineDiscipline(Sink& sink) : sink_(sink), termios_(default_termios()) {}

void LineDiscipline::set_termios(const Termios& t) {
  const bool was_canon = termios_.lflag & lflag::kIcanon;
  const bool canon = t.lflag & lflag::kIcanon;
  termios_ = t;
  if (was_canon && !canon) {
    // Queued lines and the edited text become plain readable bytes.
    for (std::size_t i = 0; i < edit_len_; ++i) push_data(edit_[i]);
    edit_len_ = 0;
    line_count_ = 0;
    line_first_ = 0;
  } else if (!was_canon && canon && data_count_ > 0) {
    line_first_ = 0;
    line_count_ = 1;
    line_len_[0] = static_cast<std::uint16_t>(data_count_);
    line_eof_[0] = false;
  }
  literal_next_ = false;
}

bool LineDiscipline::push_data(char c) {
  if (data_count_ == kBufferSize) return false;  // full: dropped, as Linux does
  data_[data_head_] = c;
  data_head_ = (data_head_ + 1) % kBufferSize;
  ++data_count_;
  return true;
}

bool LineDiscipline::is_line_end(char c) const {
  return c == '\n' || matches(termios_, kVeol, c) || matches(termios_, kVeol2, c);
}

void LineDiscipline::receive(char c) {
  const Termios& t = termios_;
  if (t.iflag & iflag::kIstrip) c = static_cast<char>(c & 0x7f);
  if (literal_next_) {
    literal_next_ = false;
    if (t.lflag & lflag::kIcanon) {
      if (edit_len_ + 1 < kBufferSize) {
        edit_[edit_len_++] = c;
        if (t.lflag & lflag::kEcho) echo_char(c);
      }
      return;
    }
  } else {
    if (c == '\r') {
      if (t.iflag & iflag::kIgncr) return;
      if (t.iflag & iflag::kIcrnl) c = '\n';
    } else if (c == '\n' && (t.iflag & iflag::kInlcr)) {
      c = '\r';
    }
    if (t.lflag & lflag::kIsig) {
      if (matches(t, kVintr, c)) return signal_char(c, kSigint);
      if (matches(t, kVquit, c)) return signal_char(c, kSigquit);
      if (matches(t, kVsusp, c)) return signal_char(c, kSigtstp);
    }
    if (t.lflag & lflag::kIcanon) return receive_canonical(c);
  }
  if (push_data(c) && (t.lflag & lflag::kEcho)) echo_char(c);
}

void LineDiscipline::receive_canonical(char c) {
  const Termios& t = termios_;
  const bool echo = t.lflag & lflag::kEcho;
  if (matches(t, kVerase, c)) return erase_one();
  if (matches(t, kVkill, c)) return kill_line();
  if (t.lflag & lflag::kIexten) {
    if (matches(t, kVwerase, c)) return erase_word();
    if (matches(t, kVreprint, c)) return reprint();
    if (matches(t, kVlnext, c)) {
      literal_next_ = true;
      if (echo && (t.lflag & lflag::kEchoctl)) emit("^\b", 2);
      return;
    }
  }
  if (matches(t, kVeof, c)) return commit_line(true);
  if (is_line_end(c)) {
    if (edit_len_ < kBufferSize) edit_[edit_len_++] = c;
    // The line end echoes as itself (outside canonical mode a newline is
    // just a control character and shows as ^J).
    if (echo || (c == '\n' && (t.lflag & lflag::kEchonl))) {
      if (c == '\n')
        emit("\n", 1);
      else
        echo_char(c);
    }
    return commit_line(false);
  }
  // One byte stays free so the line can still be ended.
  if (edit_len_ + 1 >= kBufferSize) return;
  if (edit_len_ == 0) edit_column0_ = column_;
  edit_[edit_len_++] = c;
  if (echo) echo_char(c);
}

void LineDiscipline::commit_line(bool eof) {
  if (line_count_ == kMaxLines || data_count_ + edit_len_ > kBufferSize) {
    edit_len_ = 0;  // no room: the line is lost, as on an overrun
    return;
  }
  for (std::size_t i = 0; i < edit_len_; ++i) push_data(edit_[i]);
  const std::size_t slot = (line_first_ + line_count_) % kMaxLines;
  line_len_[slot] = static_cast<std::uint16_t>(edit_len_);
  line_eof_[slot] = eof;
  ++line_count_;
  edit_len_ = 0;
}

// Columns the echo of edit_[0, upto) took, from where the line began.
std::size_t LineDiscipline::edit_column(std::size_t upto) const {
  std::size_t col = edit_column0_;
  const bool ctl = termios_.lflag & lflag::kEchoctl;
  for (std::size_t i = 0; i < upto; ++i) {
    const char c = edit_[i];
    if (c == '\t')
      col = (col | 7) + 1;
    else if (is_control(c))
      col += ctl ? 2 : 0;
    else
      ++col;
  }
  return col;
}

void LineDiscipline::erase_one() {
  if (edit_len_ == 0) return;
  const Termios& t = termios_;
  const std::size_t before = edit_column(edit_len_);
  --edit_len_;
  if (!(t.lflag & lflag::kEcho)) return;
  if (!(t.lflag & lflag::kEchoe)) return echo_char(static_cast<char>(t.cc[kVerase]));
  const char removed = edit_[edit_len_];
  if (removed == '\t') {
    // A tab is erased by moving back to where the text before it ended.
    for (std::size_t col = edit_column(edit_len_); col < before; ++col) emit("\b", 1);
    return;
  }
  const std::size_t width = before - edit_column(edit_len_);
  for (std::size_t i = 0; i < width; ++i) emit("\b \b", 3);
}

void LineDiscipline::erase_word() {
  while (edit_len_ > 0 && is_space(edit_[edit_len_ - 1])) erase_one();
  while (edit_len_ > 0 && !is_space(edit_[edit_len_ - 1])) erase_one();
}

void LineDiscipline::kill_line() {
  const Termios& t = termios_;
  if (!(t.lflag & lflag::kEcho)) {
    edit_len_ = 0;
    return;
  }
  if ((t.lflag & lflag::kEchoke) && (t.lflag & lflag::kEchoe)) {
    while (edit_len_ > 0) erase_one();
    return;
  }
  echo_char(static_cast<char>(t.cc[kVkill]));
  if (t.lflag & lflag::kEchok) emit("\n", 1);
  edit_len_ = 0;
}

void LineDiscipline::reprint() {
  const Termios& t = termios_;
  if (!(t.lflag & lflag::kEcho)) return;
  echo_char(static_cast<char>(t.cc[kVreprint]));
  emit("\n", 1);
  edit_column0_ = column_;
  for (std::size_t i = 0; i < edit_len_; ++i) echo_char(edit_[i]);
}

void LineDiscipline::signal_char(char c, int sig) {
  const Termios& t = termios_;
  if (!(t.lflag & lflag::kNoflsh)) flush_input();
  if (t.lflag & lflag::kEcho) echo_char(c);
  sink_.raise(sig);
}

void LineDiscipline::echo_char(char c) {
  if (is_control(c) && c != '\t' && (termios_.lflag & lflag::kEchoctl)) {
    const char caret[2] = {'^', static_cast<char>(c == 0x7f ? '?' : (c ^ 0x40))};
    emit(caret, 2);
    return;
  }
  emit(&c, 1);
}

void LineDiscipline::write(const char* s, std::size_t n) { emit(s, n); }

// Output processing and column tracking, then the sink; runs of plain bytes
// go out in one call.
void LineDiscipline::emit(const char* s, std::size_t n) {
  const Termios& t = termios_;
  const bool post = t.oflag & oflag::kOpost;
  std::size_t run = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (post && c == '\n' && (t.oflag & oflag::kOnlcr)) {
      if (i > run) sink_.write_raw(s + run, i - run);
      sink_.write_raw("\r\n", 2);
      run = i + 1;
      column_ = 0;
      continue;
    }
    if (post && c == '\r' && (t.oflag & oflag::kOcrnl)) {
      if (i > run) sink_.write_raw(s + run, i - run);
      sink_.write_raw("\n", 1);
      run = i + 1;
      continue;
    }
    if (c == '\r' || c == '\n')
      column_ = 0;
    else if (c == '\b')
      column_ = column_ ? column_ - 1 : 0;
    else if (c == '\t')
      column_ = (column_ | 7) + 1;
    else if (!is_control(c))
      ++column_;
  }
  if (n > run) sink_.write_raw(s + run, n - run);
}

LineDiscipline::ReadResult LineDiscipline::read(char* buf, std::size_t n) {
  const std::size_t tail = (data_head_ + kBufferSize - data_count_) % kBufferSize;
  std::size_t take = 0;
  bool eof = false;
  if (termios_.lflag & lflag::kIcanon) {
    if (line_count_ == 0 || n == 0) return {0, false};
    std::uint16_t& len = line_len_[line_first_];
    take = len < n ? len : n;
    len = static_cast<std::uint16_t>(len - take);
    if (len == 0) {
      eof = line_eof_[line_first_] && take == 0;
      line_first_ = (line_first_ + 1) % kMaxLines;
      --line_count_;
    }
  } else {
    take = data_count_ < n ? data_count_ : n;
  }
  for (std::size_t i = 0; i < take; ++i) buf[i] = data_[(tail + i) % kBufferSize];
  data_count_ -= take;
  return {take, eof};
}

bool LineDiscipline::readable(std::size_t want) const {
  if (termios_.lflag & lflag::kIcanon) return line_count_ > 0;
  std::size_t need = termios_.cc[kVmin];
  if (need > want) need = want;
  return data_count_ >= need;
}

// In canonical mode only complete lines are in the ring, so this is what
// Linux's FIONREAD reports too.
std::size_t LineDiscipline::available() const { return data_count_; }

void LineDiscipline::flush_input() {
  data_count_ = 0;
  line_count_ = 0;
  line_first_ = 0;
  edit_len_ = 0;
  literal_next_ = false;
}

}  // namespace fs::tty
