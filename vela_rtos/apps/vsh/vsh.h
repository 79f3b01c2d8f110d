/* vsh, the Vela shell: shared declarations of its parts (line editor,
 * parser/executor, builtin commands, application launcher). */
#ifndef VSH_H
#define VSH_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>

#define VSH_LINE_MAX 256
#define VSH_ARGS_MAX 32

/* Formatted output on stdout / stderr (fd 1 / 2) without stdio buffering. */
void vsh_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vsh_errorf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vsh_puts(const char* s);

/* Reads one edited line from fd 0 into line (VSH_LINE_MAX). Returns 1 for a
 * line, 0 when the user discarded it (Ctrl-C), -1 at end of input. */
int vsh_read_line(const char* prompt, char* line);

/* Runs a command line (`;`, `&&`, `&`, redirections); returns the status of
 * the last command. */
int vsh_execute(char* line);
/* Set by the terminal's Ctrl-C (SIGINT) while vsh owns the terminal; a
 * builtin checks it before it blocks (a signal that came just before the
 * blocking call would not interrupt it) and the rest of the line is skipped. */
extern volatile sig_atomic_t vsh_interrupted;
extern int vsh_last_status; /* $? */

/* Builtin commands; NULL if `name` is none. */
typedef int (*vsh_cmd_fn)(int argc, char** argv);
vsh_cmd_fn vsh_find_command(const char* name);
void vsh_list_commands(void);

/* Applications linked into the image (FUSION_BUILTIN). Runs one as a task;
 * waits for it unless background. Returns its exit status, 127 if unknown. */
int vsh_run_app(int argc, char** argv, int background);
int vsh_app_exists(const char* name);
void vsh_list_apps(void);
void vsh_reap_children(void);

/* Small helpers without errno/locale side effects. */
int vsh_atoi(const char* s, int* out);

#endif
