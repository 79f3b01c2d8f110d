/* What applications may ask the Vela runtime about itself: the application
 * heap (TLSF) statistics, used by ostest's memory check. C and C++. */
#ifndef FUSION_RUNTIME_H
#define FUSION_RUNTIME_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fusion_heap_info {
  size_t total;       /* payload bytes the heap can hold */
  size_t used;        /* bytes in allocated blocks (>= what was asked for) */
  size_t free;        /* bytes in free blocks */
  size_t used_blocks; /* live allocations */
  size_t free_blocks;
  size_t largest_free; /* largest single allocation that would succeed */
};

/* Fills *info; returns 0, or -1 when the heap could not be set up. */
int fusion_heap_info(struct fusion_heap_info* info);
/* Bytes in allocated blocks (cheap: no walk). */
size_t fusion_heap_bytes_in_use(void);
/* Walks the heap's blocks and free lists; 1 when consistent. */
int fusion_heap_check(void);

#ifdef __cplusplus
}
#endif

#endif /* FUSION_RUNTIME_H */
