/* vsh builtin commands about the system: ps free uptime kill sleep date
 * dmesg exec exit. */
#include <errno.h>
#include <fcntl.h>
#include <fusion/runtime.h>
#include <fusion/sysinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vsh.h"

int vsh_exit_requested;

/* Provided by other parts of the Vela runtime as they land; vsh degrades
 * gracefully while they are missing. */
extern int kill(pid_t pid, int sig) __attribute__((weak));
extern int clock_gettime(clockid_t clock, struct timespec* ts) __attribute__((weak));

int vsh_cmd_ps(int argc, char** argv) {
  (void)argc, (void)argv;
  /* From the heap while ps runs: static tables would hold RAM for good. */
  struct fusion_thread_info* t = malloc(96 * sizeof *t);
  int n = t ? fusion_thread_list(t, 96) : -1;
  if (n < 0) {
    free(t);
    vsh_errorf("ps: out of memory\n");
    return 1;
  }
  vsh_printf("%5s %5s %4s %-6s %-9s %3s %10s %s\n", "PID", "TID", "PRI", "POLICY", "STATE", "CPU",
             "TIME(ms)", "NAME");
  for (int i = 0; i < n && i < 96; ++i) {
    char prio[12];
    if (t[i].priority < 0)
      snprintf(prio, sizeof prio, "-");
    else
      snprintf(prio, sizeof prio, "%d", t[i].priority);
    vsh_printf("%5d %5d %4s %-6s %-9s %3d %10llu %s\n", t[i].pid, t[i].tid, prio, t[i].policy,
               t[i].state, t[i].cpu, t[i].runtime_us / 1000, t[i].name);
  }
  if (n > 96) vsh_printf("(%d more threads)\n", n - 96);
  free(t);
  return 0;
}

/* The same lines as the kernel monitor's info (tools/run --exec info). */
int vsh_cmd_info(int argc, char** argv) {
  (void)argc, (void)argv;
  struct fusion_machine_info m;
  fusion_machine_info(&m);
  vsh_printf("Board: %s (%s)\n", m.board, m.arch);
  if (m.model) vsh_printf("Model: %s\n", m.model);
  vsh_printf("CPUs: %u online of %u\n", m.cpus_online, m.cpus_possible);
  vsh_printf("Memory: %llu MiB\n", m.ram_bytes >> 20);
  return 0;
}

int vsh_cmd_free(int argc, char** argv) {
  (void)argc, (void)argv;
  struct fusion_mem_info m;
  fusion_mem_info(&m);
  vsh_printf("%-8s %12s %12s %12s\n", "", "total", "used", "free");
  vsh_printf("%-8s %12llu %12llu %12llu\n", "pages:", m.page_bytes_total,
             m.page_bytes_total - m.page_bytes_free, m.page_bytes_free);
  struct fusion_heap_info h;
  if (fusion_heap_info(&h) == 0)
    vsh_printf("%-8s %12zu %12zu %12zu (%zu blocks, largest free %zu)\n", "heap:", h.total, h.used,
               h.free, h.used_blocks, h.largest_free);
  else
    vsh_printf("heap:    (not set up)\n");
  vsh_printf("kmalloc: %llu bytes in use; RAM %llu KiB\n", m.kmalloc_bytes_in_use,
             m.ram_bytes >> 10);
  return 0;
}

int vsh_cmd_uptime(int argc, char** argv) {
  (void)argc, (void)argv;
  char buf[64];
  int fd = open("/proc/uptime", O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (fd >= 0) close(fd);
  if (n <= 0) {
    vsh_errorf("uptime: /proc/uptime unavailable\n");
    return 1;
  }
  buf[n] = '\0';
  char* sp = strchr(buf, ' ');
  if (sp) *sp = '\0';
  vsh_printf("up %s s\n", buf);
  return 0;
}

static const struct {
  const char* name;
  int sig;
} signals[] = {{"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"KILL", 9},
               {"USR1", 10}, {"USR2", 12}, {"ALRM", 14}, {"TERM", 15}};

int vsh_cmd_kill(int argc, char** argv) {
  int sig = 15, pid, first = 1;
  if (argc > 1 && argv[1][0] == '-') {
    const char* s = argv[1] + 1;
    if (!strncmp(s, "SIG", 3)) s += 3;
    int found = vsh_atoi(s, &sig);
    for (size_t i = 0; !found && i < sizeof signals / sizeof signals[0]; ++i)
      if (!strcmp(signals[i].name, s)) sig = signals[i].sig, found = 1;
    if (!found) {
      vsh_errorf("kill: unknown signal %s\n", argv[1]);
      return 2;
    }
    first = 2;
  }
  if (first >= argc || !vsh_atoi(argv[first], &pid)) {
    vsh_errorf("usage: kill [-SIG] PID\n");
    return 2;
  }
  if (!kill) {
    vsh_errorf("kill: signals are not available in this image\n");
    return 1;
  }
  if (kill(pid, sig) < 0) {
    vsh_errorf("kill: %d: %s\n", pid, strerror(errno));
    return 1;
  }
  return 0;
}

/* poll() with no descriptors is the portable millisecond sleep. */
int vsh_cmd_sleep(int argc, char** argv) {
  int s;
  if (argc != 2 || !vsh_atoi(argv[1], &s) || s < 0) {
    vsh_errorf("usage: sleep SECONDS\n");
    return 2;
  }
  struct timespec ts = {.tv_sec = s, .tv_nsec = 0};
  /* A signal (the terminal's Ctrl-C) ends it early, as in a POSIX shell. */
  if (vsh_interrupted) return 130;
  if (nanosleep(&ts, NULL) < 0) return errno == EINTR ? 130 : 1;
  return 0;
}

int vsh_cmd_date(int argc, char** argv) {
  (void)argc, (void)argv;
  struct timespec ts;
  if (!clock_gettime || clock_gettime(CLOCK_REALTIME, &ts) < 0) {
    vsh_errorf("date: no realtime clock\n");
    return 1;
  }
  /* Civil date from days since 1970-01-01 (proleptic Gregorian). */
  long long days = ts.tv_sec / 86400, rem = ts.tv_sec % 86400;
  long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  vsh_printf("%04lld-%02lld-%02lld %02lld:%02lld:%02lld UTC\n", y, m, d, rem / 3600, rem / 60 % 60,
             rem % 60);
  return 0;
}

static void dmesg_chunk(const char* s, size_t n, void* ctx) {
  (void)ctx;
  while (n) {
    ssize_t w = write(1, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

int vsh_cmd_dmesg(int argc, char** argv) {
  (void)argc, (void)argv;
  fusion_dmesg(dmesg_chunk, NULL);
  return 0;
}

/* In the flat build there is no process image to replace: `exec APP` runs
 * the application as a task in the foreground and vsh carries on after it,
 * exactly like typing APP (a builtin command runs in vsh itself). */
int vsh_cmd_exec(int argc, char** argv) {
  if (argc < 2) {
    vsh_errorf("usage: exec APP [ARGS]\n");
    return 2;
  }
  vsh_cmd_fn fn = vsh_app_exists(argv[1]) ? NULL : vsh_find_command(argv[1]);
  return fn ? fn(argc - 1, argv + 1) : vsh_run_app(argc - 1, argv + 1, 0);
}

int vsh_cmd_exit(int argc, char** argv) {
  int status = vsh_last_status;
  if (argc > 1 && !vsh_atoi(argv[1], &status)) {
    vsh_errorf("usage: exit [N]\n");
    return 2;
  }
  vsh_exit_requested = 1;
  return status & 0xff;
}
