/* Kernel facts for vsh's ps, free and dmesg (Fusion extension, not NuttX):
 * a snapshot of every thread with its task, and the kernel log. */
#ifndef FUSION_SYSINFO_H
#define FUSION_SYSINFO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fusion_thread_info {
  int pid;        /* task (process) id; 0 for kernel threads */
  int tid;        /* thread id (== pid for a task's main thread); 0 kernel */
  int priority;   /* effective priority; -1 for fair/idle threads */
  int cpu;        /* last CPU */
  char policy[8]; /* "fifo", "rr", "fair", "idle" */
  char state[12]; /* "running", "ready", "blocked", ... */
  char name[32];
  unsigned long long runtime_us;
};

/* Fills up to max entries (kernel threads included); returns how many
 * threads exist, which may be more than max. */
int fusion_thread_list(struct fusion_thread_info* out, int max);

/* Calls fn with the retained kernel log, oldest first, in one or two chunks. */
void fusion_dmesg(void (*fn)(const char* s, size_t n, void* ctx), void* ctx);

struct fusion_mem_info {
  unsigned long long ram_bytes;
  unsigned long long page_bytes_total;
  unsigned long long page_bytes_free;
  unsigned long long kmalloc_bytes_in_use;
};
void fusion_mem_info(struct fusion_mem_info* out);

/* The machine as the kernel found it (board, devicetree model, CPUs, RAM). */
struct fusion_machine_info {
  const char* board;
  const char* arch;
  const char* model; /* NULL when the devicetree has none */
  unsigned cpus_online;
  unsigned cpus_possible;
  unsigned long long ram_bytes;
};
void fusion_machine_info(struct fusion_machine_info* out);

#ifdef __cplusplus
}
#endif

#endif /* FUSION_SYSINFO_H */
