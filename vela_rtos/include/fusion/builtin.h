/* Builtin applications: C programs linked into the image and started by name
 * as Vela tasks (vsh, the monitor's `run`). FUSION_BUILTIN places a
 * descriptor in the .vela_builtins section, which both kernel.ld KEEP between
 * __vela_builtins_start and __vela_builtins_end. C and C++. */
#ifndef FUSION_BUILTIN_H
#define FUSION_BUILTIN_H

#ifdef __cplusplus
extern "C" {
#endif

struct fusion_builtin {
  const char* name;
  int (*main)(int argc, char** argv);
  int priority;  /* 1..255, higher runs first (NuttX order) */
  int stacksize; /* bytes requested; the scheduler's fixed stack size for now */
};

/* FUSION_BUILTIN(hello, hello_main, 100, 8192): `name` is an identifier and
 * the command name at once. */
#define FUSION_BUILTIN(name, main_fn, prio, stack)                                          \
  __attribute__((                                                                           \
      used, section(".vela_builtins"),                                                      \
      aligned(sizeof(void*)))) static const struct fusion_builtin fusion_builtin_##name = { \
      #name, main_fn, prio, stack}

/* The builtin called `name`, or NULL. */
const struct fusion_builtin* fusion_builtin_find(const char* name);
/* All builtins, in link order: index 0 .. fusion_builtin_count() - 1. */
int fusion_builtin_count(void);
const struct fusion_builtin* fusion_builtin_at(int index);

#ifdef __cplusplus
}
#endif

#endif /* FUSION_BUILTIN_H */
