// Reads one command line from the console with editing: backspace, Ctrl-U
// (kill line), Ctrl-C (discard), and Up/Down through a small history.
#include "monitor.hpp"

#include <kernel/console.hpp>
#include <klib/printk.hpp>

namespace monitor {
namespace {

constexpr int kHistory = 16;
char g_history[kHistory][kLineMax];
int g_history_count = 0;

void echo(const char* s) { console::write(s, __builtin_strlen(s)); }

void replace_line(char* line, std::size_t& len, const char* with) {
  while (len) {
    echo("\b \b");
    --len;
  }
  for (; with[len] && len + 1 < kLineMax; ++len) line[len] = with[len];
  line[len] = '\0';
  echo(line);
}

}  // namespace

bool read_line(char* line) {
  std::size_t len = 0;
  int browse = g_history_count;  // index into history while pressing Up/Down
  int escape = 0;                // position inside an ESC [ A/B sequence
  line[0] = '\0';
  for (;;) {
    const char c = console::read_char();
    if (escape == 1) {
      escape = c == '[' ? 2 : 0;
      continue;
    }
    if (escape == 2) {
      escape = 0;
      const int oldest = g_history_count > kHistory ? g_history_count - kHistory : 0;
      if (c == 'A' && browse > oldest) {
        --browse;
        replace_line(line, len, g_history[browse % kHistory]);
      } else if (c == 'B' && browse < g_history_count) {
        ++browse;
        replace_line(line, len, browse == g_history_count ? "" : g_history[browse % kHistory]);
      }
      continue;
    }
    switch (c) {
      case '\x1b':
        escape = 1;
        break;
      case '\r':
      case '\n':
        echo("\n");
        line[len] = '\0';
        if (len) {
          __builtin_memcpy(g_history[g_history_count % kHistory], line, len + 1);
          ++g_history_count;
        }
        return true;
      case '\b':
      case 0x7f:
        if (len) {
          --len;
          echo("\b \b");
        }
        break;
      case 0x15:  // Ctrl-U
        replace_line(line, len, "");
        break;
      case 0x03:  // Ctrl-C
        echo("^C\n");
        line[0] = '\0';
        return false;
      default:
        if (c >= ' ' && len + 1 < kLineMax) {
          line[len++] = c;
          const char s[2] = {c, '\0'};
          echo(s);
        }
    }
  }
}

}  // namespace monitor
