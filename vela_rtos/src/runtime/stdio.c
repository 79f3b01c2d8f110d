/* stdin/stdout/stderr for picolibc's tiny stdio. Output is line-buffered per
 * thread (buffers in TLS), so lines from concurrent tasks do not interleave
 * character by character; it goes to vela_console_write (console.cpp: the
 * kernel console now, /dev/console once the VFS provides it). Input blocks
 * the task in vela_console_getc. No echo: line editing is the shell's job. */
#include <stddef.h>
#include <stdio.h>

void vela_console_write(const char* s, size_t n);
int vela_console_getc(void);

enum { kLineMax = 120 };

struct line_buf {
  unsigned len;
  char data[kLineMax];
};

static __thread struct line_buf out_line;
static __thread struct line_buf err_line;

static void flush_line(struct line_buf* b) {
  if (b->len) vela_console_write(b->data, b->len);
  b->len = 0;
}

static void put_line(struct line_buf* b, char c) {
  b->data[b->len++] = c;
  if (c == '\n' || b->len == kLineMax) flush_line(b);
}

static int out_put(char c, FILE* f) {
  (void)f;
  put_line(&out_line, c);
  return (unsigned char)c;
}

static int err_put(char c, FILE* f) {
  (void)f;
  put_line(&err_line, c);
  return (unsigned char)c;
}

static int out_flush(FILE* f) {
  (void)f;
  flush_line(&out_line);
  return 0;
}

static int err_flush(FILE* f) {
  (void)f;
  flush_line(&err_line);
  return 0;
}

static int in_get(FILE* f) {
  (void)f;
  flush_line(&out_line); /* a prompt without newline shows before we block */
  int c = vela_console_getc();
  if (c < 0) return _FDEV_EOF;
  return c == '\r' ? '\n' : c;
}

static FILE vela_stdin = FDEV_SETUP_STREAM(NULL, in_get, NULL, _FDEV_SETUP_READ);
static FILE vela_stdout = FDEV_SETUP_STREAM(out_put, NULL, out_flush, _FDEV_SETUP_WRITE);
static FILE vela_stderr = FDEV_SETUP_STREAM(err_put, NULL, err_flush, _FDEV_SETUP_WRITE);

FILE* const stdin = &vela_stdin;
FILE* const stdout = &vela_stdout;
FILE* const stderr = &vela_stderr;

/* The calling thread's pending partial lines (run_app's end, _exit). */
void vela_stdio_flush_thread(void) {
  flush_line(&out_line);
  flush_line(&err_line);
}
