/* ostest: barriers: N threads per round, exactly one gets
 * PTHREAD_BARRIER_SERIAL_THREAD, several rounds; bad input. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "ostest.h"

#define BAR_THREADS 4
#define BAR_ROUNDS 5

static pthread_barrier_t g_bar;
static volatile int g_serial;
static volatile int g_arrived[BAR_ROUNDS];
static volatile int g_bar_bad;

static void* bar_thread(void* arg) {
  (void)arg;
  for (int r = 0; r < BAR_ROUNDS; r++) {
    __atomic_fetch_add(&g_arrived[r], 1, __ATOMIC_SEQ_CST);
    int rc = pthread_barrier_wait(&g_bar);
    if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
      __atomic_fetch_add(&g_serial, 1, __ATOMIC_SEQ_CST);
    } else if (rc != 0) {
      g_bar_bad = 1;
    }
    /* Nobody passes a round before everyone arrived in it. */
    if (g_arrived[r] != BAR_THREADS) g_bar_bad = 1;
  }
  return NULL;
}

OSTEST(barrier_rounds) {
  pthread_t t[BAR_THREADS];
  g_serial = 0;
  g_bar_bad = 0;
  memset((void*)g_arrived, 0, sizeof g_arrived);
  OT_EXPECT_EQ(pthread_barrier_init(&g_bar, NULL, BAR_THREADS), 0);
  for (int i = 0; i < BAR_THREADS; i++) pthread_create(&t[i], NULL, bar_thread, NULL);
  for (int i = 0; i < BAR_THREADS; i++) pthread_join(t[i], NULL);
  OT_EXPECT_EQ(g_serial, BAR_ROUNDS);
  OT_EXPECT_EQ(g_bar_bad, 0);
  OT_EXPECT_EQ(pthread_barrier_destroy(&g_bar), 0);
}

OSTEST(barrier_bad_input) {
  pthread_barrier_t b;
  pthread_barrierattr_t a;
  memset(&b, 0, sizeof b);
  OT_EXPECT_EQ(pthread_barrier_wait(&b), EINVAL);
  OT_EXPECT_EQ(pthread_barrier_init(&b, NULL, 0), EINVAL);
  OT_EXPECT_EQ(pthread_barrier_init(NULL, NULL, 2), EINVAL);
  OT_EXPECT_EQ(pthread_barrierattr_init(&a), 0);
  OT_EXPECT_EQ(pthread_barrier_init(&b, &a, 1), 0);
  OT_EXPECT_EQ(pthread_barrier_wait(&b), PTHREAD_BARRIER_SERIAL_THREAD); /* count 1 */
  OT_EXPECT_EQ(pthread_barrier_destroy(&b), 0);
  OT_EXPECT_EQ(pthread_barrier_destroy(&b), EINVAL);
  OT_EXPECT_EQ(pthread_barrier_wait(&b), EINVAL);
  OT_EXPECT_EQ(pthread_barrierattr_destroy(&a), 0);
  OT_EXPECT_EQ(pthread_barrierattr_destroy(&a), EINVAL);
  OT_EXPECT_EQ(pthread_barrierattr_init(NULL), EINVAL);
}
