/* vsh, the Vela shell (nsh-like): `vsh` reads commands from the console,
 * `vsh -c LINE` runs one command line and exits with its status (the
 * kernel's fusion.exec with the vela image). */
#include <fusion/builtin.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vsh.h"

extern int vsh_exit_requested;

/* The terminal's Ctrl-C while a builtin runs: a blocked builtin (sleep, cat)
 * returns EINTR instead of vsh dying, and vsh_interrupted says so. */
volatile sig_atomic_t vsh_interrupted;

static void on_interrupt(int signo) {
  (void)signo;
  vsh_interrupted = 1;
}

/* vsh leads its own process group and owns the terminal between commands. */
static void take_terminal(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_interrupt;
  (void)sigaction(SIGINT, &sa, NULL);
  if (!isatty(0)) return;
  (void)setpgid(0, 0);
  (void)tcsetpgrp(0, getpgrp());
}

int vsh_main(int argc, char** argv) {
  static char line[VSH_LINE_MAX];
  if (argc >= 3 && !strcmp(argv[1], "-c")) {
    size_t n = strlen(argv[2]);
    if (n >= sizeof line) {
      vsh_errorf("vsh: line too long\n");
      return 2;
    }
    memcpy(line, argv[2], n + 1);
    vsh_printf("vsh> %s\n", line);
    return vsh_execute(line);
  }
  take_terminal();
  vsh_printf("Vela shell. Type 'help' for commands.\n");
  while (!vsh_exit_requested) {
    vsh_reap_children();
    int r = vsh_read_line("vsh> ", line);
    if (r < 0) break;
    if (r > 0) vsh_execute(line);
  }
  return vsh_last_status;
}

FUSION_BUILTIN(vsh, vsh_main, 100, 16384);
