// A terminal line discipline with Linux termios semantics: input processing
// (CR/NL mapping, canonical line editing with erase/kill/word-erase/literal
// next/reprint, EOF), echo, signal characters for the foreground process
// group, and output processing (OPOST/ONLCR). Portable and host-tested; the
// kernel wraps it around a UART as /dev/console (fs/src/kernel/console_dev.cpp)
// and serialises every call with one lock.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fs::tty {

// struct termios as Linux's TCGETS/TCSETS exchange it on the asm-generic
// architectures (aarch64, riscv64): four flag words, the line, NCCS = 19.
constexpr int kNccs = 19;
struct Termios {
  std::uint32_t iflag;
  std::uint32_t oflag;
  std::uint32_t cflag;
  std::uint32_t lflag;
  std::uint8_t line;
  std::uint8_t cc[kNccs];
};
static_assert(sizeof(Termios) == 36, "Linux struct termios is 36 bytes");

struct WinSize {
  std::uint16_t rows;
  std::uint16_t cols;
  std::uint16_t xpixel;
  std::uint16_t ypixel;
};

// Indexes into Termios::cc (Linux asm-generic/termbits.h values).
enum Cc : int {
  kVintr = 0,
  kVquit = 1,
  kVerase = 2,
  kVkill = 3,
  kVeof = 4,
  kVtime = 5,
  kVmin = 6,
  kVstart = 8,
  kVstop = 9,
  kVsusp = 10,
  kVeol = 11,
  kVreprint = 12,
  kVwerase = 14,
  kVlnext = 15,
  kVeol2 = 16,
};

// Flag bits (octal, as Linux spells them).
namespace iflag {
constexpr std::uint32_t kIstrip = 0040, kInlcr = 0100, kIgncr = 0200, kIcrnl = 0400, kIxon = 02000;
}
namespace oflag {
constexpr std::uint32_t kOpost = 01, kOnlcr = 04, kOcrnl = 010;
}
namespace cflag {
constexpr std::uint32_t kB38400 = 017, kCs8 = 060, kCread = 0200, kHupcl = 02000;
}
namespace lflag {
constexpr std::uint32_t kIsig = 01, kIcanon = 02, kEcho = 010, kEchoe = 020, kEchok = 040,
                        kEchonl = 0100, kNoflsh = 0200, kEchoctl = 01000, kEchoke = 04000,
                        kIexten = 0100000;
}

// Linux signal numbers the discipline raises.
constexpr int kSigint = 2, kSigquit = 3, kSigtstp = 20;

// What a freshly opened Linux tty has (drivers/tty/tty_io.c tty_std_termios).
Termios default_termios();

class LineDiscipline {
 public:
  // Where the discipline's effects go: bytes for the terminal (echo and
  // processed output) and signals for the foreground process group.
  class Sink {
   public:
    virtual void write_raw(const char* s, std::size_t n) = 0;
    virtual void raise(int sig) = 0;

   protected:
    ~Sink() = default;
  };

#ifdef FUSION_TTY_BUFFER_SIZE
  static constexpr std::size_t kBufferSize = FUSION_TTY_BUFFER_SIZE;  // a small board's choice
#else
  static constexpr std::size_t kBufferSize = 4096;  // Linux N_TTY_BUF_SIZE
#endif
  static constexpr std::size_t kMaxLines = 64;  // complete lines queued

  explicit LineDiscipline(Sink& sink);

  const Termios& termios() const { return termios_; }
  // Leaving canonical mode makes the line being edited readable; entering
  // it turns what is queued into one readable line (Linux does the same).
  void set_termios(const Termios& t);

  // One received byte (the UART interrupt path).
  void receive(char c);

  struct ReadResult {
    std::size_t n;  // bytes copied
    bool eof;       // canonical mode: an EOF character ended an empty line
  };
  // Copies what a read(2) may return now: in canonical mode at most one
  // line; otherwise what is queued. {0, false} means "nothing yet".
  ReadResult read(char* buf, std::size_t n);
  // Whether a read of `want` bytes would return now (VMIN rules included).
  bool readable(std::size_t want) const;
  // Bytes a read could take now (FIONREAD).
  std::size_t available() const;
  void flush_input();

  // Program output: processed (OPOST) and sent to the sink.
  void write(const char* s, std::size_t n);

 private:
  void receive_canonical(char c);
  void commit_line(bool eof);
  void erase_one();
  void erase_word();
  void kill_line();
  void reprint();
  void signal_char(char c, int sig);
  void echo_char(char c);
  void emit(const char* s, std::size_t n);
  std::size_t edit_column(std::size_t upto) const;
  bool push_data(char c);
  bool is_line_end(char c) const;

  Sink& sink_;
  Termios termios_;

  // Readable bytes: a ring; in canonical mode line_len_ says where lines end.
  char data_[kBufferSize];
  std::size_t data_head_ = 0;  // next write
  std::size_t data_count_ = 0;
  std::uint16_t line_len_[kMaxLines];  // bytes of each queued line
  bool line_eof_[kMaxLines];           // ended by VEOF (no byte stored for it)
  std::size_t line_first_ = 0;
  std::size_t line_count_ = 0;

  // The line being edited (canonical mode).
  char edit_[kBufferSize];
  std::size_t edit_len_ = 0;
  bool literal_next_ = false;

  std::size_t column_ = 0;        // output column, for erasing tabs
  std::size_t edit_column0_ = 0;  // column where the edited line began
};

}  // namespace fs::tty
