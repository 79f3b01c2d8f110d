/* vsh builtin commands that work on files: ls cat echo mkdir rmdir rm mv cp
 * mount umount hexdump pwd cd, plus the table of every builtin. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsh.h"

int vsh_cmd_ps(int argc, char** argv);
int vsh_cmd_free(int argc, char** argv);
int vsh_cmd_info(int argc, char** argv);
int vsh_cmd_uptime(int argc, char** argv);
int vsh_cmd_kill(int argc, char** argv);
int vsh_cmd_sleep(int argc, char** argv);
int vsh_cmd_date(int argc, char** argv);
int vsh_cmd_dmesg(int argc, char** argv);
int vsh_cmd_exec(int argc, char** argv);
int vsh_cmd_exit(int argc, char** argv);
int vsh_cmd_run(int argc, char** argv);

static int fail_path(const char* cmd, const char* path) {
  vsh_errorf("%s: %s: %s\n", cmd, path, strerror(errno));
  return 1;
}

static void join(char* out, size_t cap, const char* dir, const char* name) {
  size_t n = strlen(dir);
  const char* sep = (n && dir[n - 1] == '/') ? "" : "/";
  if ((size_t)snprintf(out, cap, "%s%s%s", dir, sep, name) >= cap) out[cap - 1] = '\0';
}

static char type_char(mode_t m) {
  switch (m & S_IFMT) {
    case S_IFDIR:
      return 'd';
    case S_IFCHR:
      return 'c';
    case S_IFBLK:
      return 'b';
    case S_IFIFO:
      return 'p';
    case S_IFLNK:
      return 'l';
    default:
      return '-';
  }
}

static void print_long(const char* path, const char* name) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    vsh_printf("?????????? %8s %s\n", "?", name);
    return;
  }
  char perm[11];
  perm[0] = type_char(st.st_mode);
  for (int i = 0; i < 9; ++i) perm[1 + i] = (st.st_mode >> (8 - i)) & 1 ? "rwx"[i % 3] : '-';
  perm[10] = '\0';
  vsh_printf("%s %8ld %s", perm, (long)st.st_size, name);
  if (S_ISLNK(st.st_mode)) {
    char target[128];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n >= 0) {
      target[n] = '\0';
      vsh_printf(" -> %s", target);
    }
  }
  vsh_puts("\n");
}

static int ls_one(const char* path, int longfmt) {
  struct stat st;
  if (stat(path, &st) < 0) return fail_path("ls", path);
  if (!S_ISDIR(st.st_mode)) {
    if (longfmt)
      print_long(path, path);
    else
      vsh_printf("%s\n", path);
    return 0;
  }
  DIR* d = opendir(path);
  if (!d) return fail_path("ls", path);
  /* Sorted output: collect (a bounded number of) names first, on the heap
   * while ls runs. */
  char(*names)[64] = malloc(128 * sizeof *names);
  if (!names) {
    closedir(d);
    vsh_errorf("ls: out of memory\n");
    return 1;
  }
  int n = 0, more = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == 128) {
      more = 1;
      continue;
    }
    snprintf(names[n], sizeof names[n], "%.62s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
    ++n;
  }
  closedir(d);
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; --j) {
      char t[64];
      memcpy(t, names[j], sizeof t);
      memcpy(names[j], names[j - 1], sizeof t);
      memcpy(names[j - 1], t, sizeof t);
    }
  for (int i = 0; i < n; ++i) {
    if (longfmt) {
      char full[256], bare[64];
      snprintf(bare, sizeof bare, "%.63s", names[i]);
      size_t l = strlen(bare);
      if (l && bare[l - 1] == '/') bare[l - 1] = '\0';
      join(full, sizeof full, path, bare);
      print_long(full, names[i]);
    } else {
      vsh_printf("%s\n", names[i]);
    }
  }
  if (more) vsh_printf("(more entries not shown)\n");
  free(names);
  return 0;
}

static int cmd_ls(int argc, char** argv) {
  int longfmt = 0, first = 1, rc = 0, listed = 0;
  for (; first < argc && argv[first][0] == '-'; ++first)
    if (strchr(argv[first], 'l')) longfmt = 1;
  for (int i = first; i < argc; ++i, ++listed) {
    if (argc - first > 1) vsh_printf("%s:\n", argv[i]);
    rc |= ls_one(argv[i], longfmt);
  }
  if (!listed) rc = ls_one(".", longfmt);
  return rc;
}

static int copy_fd(int in, int out, const char* cmd, const char* name) {
  char buf[512];
  for (;;) {
    if (vsh_interrupted) return 130;
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0 && errno == EINTR) return 130;
    if (n < 0) return fail_path(cmd, name);
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w <= 0) return fail_path(cmd, "write");
      off += w;
    }
  }
}

static int cmd_cat(int argc, char** argv) {
  if (argc == 1) return copy_fd(0, 1, "cat", "stdin");
  int rc = 0;
  for (int i = 1; i < argc; ++i) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      rc = fail_path("cat", argv[i]);
      continue;
    }
    rc |= copy_fd(fd, 1, "cat", argv[i]);
    close(fd);
  }
  return rc;
}

static int cmd_echo(int argc, char** argv) {
  int first = 1, newline = 1;
  if (argc > 1 && !strcmp(argv[1], "-n")) {
    newline = 0;
    first = 2;
  }
  for (int i = first; i < argc; ++i) {
    vsh_puts(argv[i]);
    if (i + 1 < argc) vsh_puts(" ");
  }
  if (newline) vsh_puts("\n");
  return 0;
}

static int mkdir_p(char* path) {
  for (char* p = path + 1; *p; ++p) {
    if (*p != '/') continue;
    *p = '\0';
    int r = mkdir(path, 0777);
    *p = '/';
    if (r < 0 && errno != EEXIST) return -1;
  }
  return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static int cmd_mkdir(int argc, char** argv) {
  int parents = argc > 1 && !strcmp(argv[1], "-p"), rc = 0;
  if (argc < 2 + parents) {
    vsh_errorf("usage: mkdir [-p] DIR...\n");
    return 2;
  }
  for (int i = 1 + parents; i < argc; ++i)
    if ((parents ? mkdir_p(argv[i]) : mkdir(argv[i], 0777)) < 0) rc = fail_path("mkdir", argv[i]);
  return rc;
}

static int cmd_rmdir(int argc, char** argv) {
  int rc = 0;
  if (argc < 2) {
    vsh_errorf("usage: rmdir DIR...\n");
    return 2;
  }
  for (int i = 1; i < argc; ++i)
    if (rmdir(argv[i]) < 0) rc = fail_path("rmdir", argv[i]);
  return rc;
}

static int remove_tree(const char* path) {
  struct stat st;
  if (lstat(path, &st) < 0) return -1;
  if (!S_ISDIR(st.st_mode)) return unlink(path);
  DIR* d = opendir(path);
  if (!d) return -1;
  struct dirent* e;
  char child[256];
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    join(child, sizeof child, path, e->d_name);
    if (remove_tree(child) < 0) {
      closedir(d);
      return -1;
    }
    rewinddir(d); /* the directory changed under the stream */
  }
  closedir(d);
  return rmdir(path);
}

static int cmd_rm(int argc, char** argv) {
  int recursive = argc > 1 && !strcmp(argv[1], "-r"), rc = 0;
  if (argc < 2 + recursive) {
    vsh_errorf("usage: rm [-r] FILE...\n");
    return 2;
  }
  for (int i = 1 + recursive; i < argc; ++i)
    if ((recursive ? remove_tree(argv[i]) : unlink(argv[i])) < 0) rc = fail_path("rm", argv[i]);
  return rc;
}

#if !VSH_SMALL /* mv, cp, mount, umount, hexdump: not in a small vsh */
/* The destination for mv/cp: DST itself, or DST/basename(SRC) for a directory. */
static const char* target_path(const char* src, const char* dst, char* buf, size_t cap) {
  struct stat st;
  if (stat(dst, &st) < 0 || !S_ISDIR(st.st_mode)) return dst;
  const char* base = strrchr(src, '/');
  join(buf, cap, dst, base ? base + 1 : src);
  return buf;
}

static int cmd_mv(int argc, char** argv) {
  if (argc != 3) {
    vsh_errorf("usage: mv SRC DST\n");
    return 2;
  }
  char buf[256];
  if (rename(argv[1], target_path(argv[1], argv[2], buf, sizeof buf)) < 0)
    return fail_path("mv", argv[1]);
  return 0;
}

static int cmd_cp(int argc, char** argv) {
  if (argc != 3) {
    vsh_errorf("usage: cp SRC DST\n");
    return 2;
  }
  char buf[256];
  const char* dst = target_path(argv[1], argv[2], buf, sizeof buf);
  int in = open(argv[1], O_RDONLY);
  if (in < 0) return fail_path("cp", argv[1]);
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (out < 0) {
    close(in);
    return fail_path("cp", dst);
  }
  int rc = copy_fd(in, out, "cp", argv[1]);
  close(in);
  close(out);
  return rc;
}

static int cmd_mount(int argc, char** argv) {
  if (argc == 1) {
    char* cat_argv[] = {"cat", "/proc/mounts", NULL};
    return cmd_cat(2, cat_argv);
  }
  /* mount -t TYPE [SOURCE] TARGET */
  if (argc < 4 || strcmp(argv[1], "-t") != 0) {
    vsh_errorf("usage: mount [-t TYPE [SOURCE] TARGET]\n");
    return 2;
  }
  const char* source = argc >= 5 ? argv[3] : argv[2];
  const char* target = argv[argc - 1];
  if (mount(source, target, argv[2], 0, NULL) < 0) return fail_path("mount", target);
  return 0;
}

static int cmd_umount(int argc, char** argv) {
  if (argc != 2) {
    vsh_errorf("usage: umount TARGET\n");
    return 2;
  }
  if (umount(argv[1]) < 0) return fail_path("umount", argv[1]);
  return 0;
}

static int cmd_hexdump(int argc, char** argv) {
  if (argc != 2) {
    vsh_errorf("usage: hexdump FILE\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) return fail_path("hexdump", argv[1]);
  unsigned char row[16];
  long off = 0;
  for (;;) {
    ssize_t n = 0;
    while (n < 16) { /* fill whole rows even from pipes and devices */
      ssize_t r = read(fd, row + n, (size_t)(16 - n));
      if (r <= 0) break;
      n += r;
    }
    if (n <= 0) break;
    char line[96];
    int p = snprintf(line, sizeof line, "%08lx ", off);
    for (int i = 0; i < 16; ++i)
      p += i < n ? snprintf(line + p, sizeof line - p, " %02x", row[i])
                 : snprintf(line + p, sizeof line - p, "   ");
    p += snprintf(line + p, sizeof line - p, "  |");
    for (int i = 0; i < n; ++i) line[p++] = row[i] >= 32 && row[i] < 127 ? (char)row[i] : '.';
    line[p++] = '|';
    line[p] = '\0';
    vsh_printf("%s\n", line);
    off += n;
    if (n < 16) break;
  }
  vsh_printf("%08lx\n", off);
  close(fd);
  return 0;
}
#endif

static int cmd_pwd(int argc, char** argv) {
  (void)argc;
  char buf[256];
  if (!getcwd(buf, sizeof buf)) return fail_path(argv[0], ".");
  vsh_printf("%s\n", buf);
  return 0;
}

static int cmd_cd(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : "/";
  if (chdir(dir) < 0) return fail_path("cd", dir);
  return 0;
}

static int cmd_true(int argc, char** argv) {
  (void)argc, (void)argv;
  return 0;
}

static int cmd_false(int argc, char** argv) {
  (void)argc, (void)argv;
  return 1;
}

static int cmd_help(int argc, char** argv);

/* A small vsh (VSH_SMALL, cmake FUSION_VSH_SMALL) lists the commands
 * without their one-line help, and leaves out the file utilities beyond
 * ls/cat/echo/mkdir/rmdir/rm, mounts, date and run (Linux programs).
 * uptime needs /proc (VSH_PROCFS, cmake FUSION_PROCFS). */
#if VSH_SMALL
#define HELP(text)
#else
#define HELP(text) , text
#endif

static const struct {
  const char* name;
  vsh_cmd_fn fn;
#if !VSH_SMALL
  const char* help;
#endif
} commands[] = {
    {"help", cmd_help HELP("list commands and applications")},
    {"ls", cmd_ls HELP("ls [-l] [PATH...]: list directories")},
    {"cat", cmd_cat HELP("cat [FILE...]: print files (stdin without one)")},
    {"echo", cmd_echo HELP("echo [-n] WORDS: print words")},
    {"mkdir", cmd_mkdir HELP("mkdir [-p] DIR...: create directories")},
    {"rmdir", cmd_rmdir HELP("rmdir DIR...: remove empty directories")},
    {"rm", cmd_rm HELP("rm [-r] FILE...: remove files")},
#if !VSH_SMALL
    {"mv", cmd_mv HELP("mv SRC DST: rename")},
    {"cp", cmd_cp HELP("cp SRC DST: copy a file")},
    {"mount", cmd_mount HELP("mount [-t TYPE [SOURCE] TARGET]: list or add mounts")},
    {"umount", cmd_umount HELP("umount TARGET: detach a filesystem")},
#endif
    {"ps", vsh_cmd_ps HELP("ps: tasks and threads")},
    {"free", vsh_cmd_free HELP("free: memory use")},
    {"info", vsh_cmd_info HELP("info: board, CPUs and memory")},
#if VSH_PROCFS /* it reads /proc/uptime */
    {"uptime", vsh_cmd_uptime HELP("uptime: time since boot")},
#endif
    {"kill", vsh_cmd_kill HELP("kill [-SIG] PID: send a signal")},
    {"sleep", vsh_cmd_sleep HELP("sleep SECONDS")},
#if !VSH_SMALL
    {"date", vsh_cmd_date HELP("date: the realtime clock")},
#endif
    {"dmesg", vsh_cmd_dmesg HELP("dmesg: the kernel log")},
#if !VSH_SMALL
    {"hexdump", cmd_hexdump HELP("hexdump FILE: bytes in hex and ASCII")},
#endif
    {"pwd", cmd_pwd HELP("pwd: the working directory")},
    {"cd", cmd_cd HELP("cd [DIR]: change the working directory")},
    {"exec", vsh_cmd_exec HELP("exec APP [ARGS]: run an application (flat build: vsh stays)")},
#if !VSH_SMALL
    {"run", vsh_cmd_run HELP("run PATH [ARGS]: run a Linux executable (static ELF) and wait")},
#endif
    {"true", cmd_true HELP("true: succeed")},
    {"false", cmd_false HELP("false: fail")},
    {"exit", vsh_cmd_exit HELP("exit [N]: leave vsh")},
};

static int cmd_help(int argc, char** argv) {
  (void)argc, (void)argv;
  vsh_printf("Builtin commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
#if VSH_SMALL
    vsh_printf("  %s\n", commands[i].name);
#else
    vsh_printf("  %-8s %s\n", commands[i].name, commands[i].help);
#endif
  vsh_list_apps();
#if !VSH_SMALL
  vsh_printf("Lines: CMD ; CMD, CMD && CMD, APP &, > FILE, >> FILE, < FILE, $?\n");
#endif
  return 0;
}

vsh_cmd_fn vsh_find_command(const char* name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
    if (!strcmp(commands[i].name, name)) return commands[i].fn;
  return NULL;
}
