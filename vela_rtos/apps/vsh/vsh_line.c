/* vsh line editor: puts the terminal in non-canonical mode without echo
 * while it edits (as ash and readline do), reads fd 0 a byte at a time and
 * echoes itself: backspace, Ctrl-U (kill line), Ctrl-C (discard), Up/Down
 * through the history. The terminal's own settings are back in place while
 * commands run. */
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vsh.h"

#ifndef VSH_HISTORY
#define VSH_HISTORY 16 /* lines kept; small boards set fewer (cmake/kernel.cmake) */
#endif
#define HISTORY VSH_HISTORY

static char history[HISTORY][VSH_LINE_MAX];
static int history_count;

static void echo(const char* s, size_t n) { (void)write(1, s, n); }

static void erase(size_t* len) {
  for (; *len; --*len) echo("\b \b", 3);
}

static void replace_line(char* line, size_t* len, const char* with) {
  erase(len);
  size_t n = strlen(with);
  if (n >= VSH_LINE_MAX) n = VSH_LINE_MAX - 1;
  memcpy(line, with, n);
  line[n] = '\0';
  *len = n;
  echo(line, n);
}

/* Editing mode: bytes as typed, no echo, no signal characters (Ctrl-C is
 * an editing key here); output processing stays so "\n" still ends lines. */
static int enter_edit_mode(struct termios* saved) {
  if (tcgetattr(0, saved) != 0) return 0; /* not a terminal: nothing to do */
  struct termios raw = *saved;
  raw.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON | ISTRIP);
  raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  return tcsetattr(0, TCSANOW, &raw) == 0;
}

static int read_line_raw(const char* prompt, char* line);

int vsh_read_line(const char* prompt, char* line) {
  struct termios saved;
  int restore = enter_edit_mode(&saved);
  int r = read_line_raw(prompt, line);
  if (restore) (void)tcsetattr(0, TCSANOW, &saved);
  return r;
}

static int read_line_raw(const char* prompt, char* line) {
  size_t len = 0;
  int browse = history_count;
  int escape = 0; /* 1 after ESC, 2 after ESC [ */
  static int last_cr;
  echo(prompt, strlen(prompt));
  line[0] = '\0';
  for (;;) {
    char c;
    ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue; /* a signal (a child's) is no input */
    if (r <= 0) return -1;
    if (c == '\n' && last_cr) { /* CR LF from a terminal: one Enter */
      last_cr = 0;
      continue;
    }
    last_cr = c == '\r';
    if (escape == 1) {
      escape = c == '[' ? 2 : 0;
      continue;
    }
    if (escape == 2) {
      if (c >= '0' && c <= '9') continue; /* parameters of other keys */
      escape = 0;
      int oldest = history_count > HISTORY ? history_count - HISTORY : 0;
      if (c == 'A' && browse > oldest) {
        --browse;
        replace_line(line, &len, history[browse % HISTORY]);
      } else if (c == 'B' && browse < history_count) {
        ++browse;
        replace_line(line, &len, browse == history_count ? "" : history[browse % HISTORY]);
      }
      continue;
    }
    switch (c) {
      case 0x1b:
        escape = 1;
        break;
      case '\r':
      case '\n':
        echo("\n", 1);
        line[len] = '\0';
        if (len &&
            (history_count == 0 || strcmp(history[(history_count - 1) % HISTORY], line) != 0)) {
          memcpy(history[history_count % HISTORY], line, len + 1);
          ++history_count;
        }
        return 1;
      case '\b':
      case 0x7f:
        if (len) {
          --len;
          echo("\b \b", 3);
        }
        break;
      case 0x15: /* Ctrl-U */
        erase(&len);
        break;
      case 0x03: /* Ctrl-C */
        echo("^C\n", 3);
        line[0] = '\0';
        return 0;
      default:
        if ((unsigned char)c >= ' ' && len + 1 < VSH_LINE_MAX) {
          line[len++] = c;
          echo(&c, 1);
        }
    }
  }
}
