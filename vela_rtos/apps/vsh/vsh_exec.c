/* vsh command lines: `;` and `&&` lists, a trailing `&` for background
 * applications, quoting ('...' and "..."), $? and the redirections `>`,
 * `>>` and `<` (set up with dup2 around the command, then undone). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsh.h"

int vsh_last_status;

struct redirect {
  int fd;    /* 0 or 1 */
  int flags; /* open flags */
  char* path;
};

/* Splits one simple command into words and redirections, written to `out`
 * (3 * VSH_LINE_MAX: "$?" may grow). Returns argc, or -1 after printing a
 * syntax error. */
static int split_words(const char* s, char* out, char** argv, struct redirect* redir, int* nredir,
                       const char* status) {
  int argc = 0;
  *nredir = 0;
  while (*s) {
    while (*s == ' ' || *s == '\t') ++s;
    if (!*s) break;
    struct redirect* r = NULL;
    if (*s == '>' || *s == '<') {
      if (*nredir == 4) {
        vsh_errorf("vsh: too many redirections\n");
        return -1;
      }
      r = &redir[(*nredir)++];
      if (*s == '<') {
        r->fd = 0;
        r->flags = O_RDONLY;
        ++s;
      } else if (s[1] == '>') {
        r->fd = 1;
        r->flags = O_WRONLY | O_CREAT | O_APPEND;
        s += 2;
      } else {
        r->fd = 1;
        r->flags = O_WRONLY | O_CREAT | O_TRUNC;
        ++s;
      }
      while (*s == ' ' || *s == '\t') ++s;
      if (!*s || *s == '>' || *s == '<') {
        vsh_errorf("vsh: syntax error: redirection without a file\n");
        return -1;
      }
    }
    /* One word: copy it (quotes removed, $? expanded) to `out`. */
    char* word = out;
    char quote = 0;
    while (*s && (quote || (*s != ' ' && *s != '\t' && *s != '>' && *s != '<'))) {
      if (quote && *s == quote) {
        quote = 0;
        ++s;
      } else if (!quote && (*s == '\'' || *s == '"')) {
        quote = *s++;
      } else if (quote != '\'' && s[0] == '$' && s[1] == '?') {
        /* The expansion may be longer than "$?": it lives in `status`. */
        for (const char* d = status; *d; ++d) *out++ = *d;
        s += 2;
      } else {
        *out++ = *s++;
      }
    }
    if (quote) {
      vsh_errorf("vsh: syntax error: unterminated quote\n");
      return -1;
    }
    *out++ = '\0';
    if (r) {
      r->path = word;
    } else if (argc < VSH_ARGS_MAX - 1) {
      argv[argc++] = word;
    } else {
      vsh_errorf("vsh: too many arguments\n");
      return -1;
    }
  }
  argv[argc] = NULL;
  return argc;
}

/* Applies the redirections, remembering the replaced descriptors. */
static int apply_redirects(struct redirect* redir, int n, int saved[2]) {
  saved[0] = saved[1] = -1;
  for (int i = 0; i < n; ++i) {
    int fd = open(redir[i].path, redir[i].flags, 0666);
    if (fd < 0) {
      vsh_errorf("vsh: %s: %s\n", redir[i].path, strerror(errno));
      return -1;
    }
    int target = redir[i].fd;
    if (saved[target] < 0) saved[target] = dup(target);
    if (dup2(fd, target) < 0) {
      vsh_errorf("vsh: dup2: %s\n", strerror(errno));
      close(fd);
      return -1;
    }
    close(fd);
  }
  return 0;
}

static void restore_redirects(int saved[2]) {
  for (int fd = 0; fd < 2; ++fd) {
    if (saved[fd] < 0) continue;
    dup2(saved[fd], fd);
    close(saved[fd]);
  }
}

static int run_simple(char* cmd, int background) {
  char words[VSH_LINE_MAX * 3];
  char status[8];
  char* argv[VSH_ARGS_MAX];
  struct redirect redir[4];
  int nredir;
  snprintf(status, sizeof status, "%d", vsh_last_status & 0xff);
  if (strlen(cmd) >= VSH_LINE_MAX) {
    vsh_errorf("vsh: line too long\n");
    return 2;
  }
  int argc = split_words(cmd, words, argv, redir, &nredir, status);
  if (argc < 0) return 2;
  if (argc == 0 && nredir == 0) return vsh_last_status;
  int saved[2];
  int rc;
  if (apply_redirects(redir, nredir, saved) < 0) {
    rc = 1;
  } else if (argc == 0) {
    rc = 0; /* "> file" alone creates or truncates it */
  } else {
    vsh_cmd_fn fn = vsh_find_command(argv[0]);
    if (fn && !background)
      rc = fn(argc, argv);
    else
      rc = vsh_run_app(argc, argv, background);
  }
  restore_redirects(saved);
  return rc;
}

int vsh_execute(char* line) {
  char* p = line;
  int status = vsh_last_status;
  int skip = 0;
  vsh_interrupted = 0;
  while (*p && !vsh_interrupted) {
    /* The next separator outside quotes: ';', '&&' or a lone '&'. */
    char* end = p;
    char quote = 0;
    while (*end) {
      if (quote) {
        if (*end == quote) quote = 0;
      } else if (*end == '\'' || *end == '"') {
        quote = *end;
      } else if (*end == ';' || *end == '&') {
        break;
      }
      ++end;
    }
    int and_then = 0, background = 0;
    char* next = end;
    if (*end == ';') {
      next = end + 1;
    } else if (end[0] == '&' && end[1] == '&') {
      and_then = 1;
      next = end + 2;
    } else if (*end == '&') {
      background = 1;
      next = end + 1;
    }
    char saved = *end;
    *end = '\0';
    if (!skip) {
      status = run_simple(p, background);
      vsh_last_status = status;
    }
    /* A failure skips the rest of its && chain, up to the next ; or &. */
    skip = and_then && (skip || status != 0);
    if (saved == '\0') break;
    p = next;
  }
  if (vsh_interrupted) vsh_last_status = status = 130; /* 128 + SIGINT */
  return status;
}
