/* POSIX message queues (NuttX semantics): named, reference counted,
 * priority ordered (FIFO within a priority), blocking with timeouts,
 * mq_notify with SIGEV_SIGNAL or SIGEV_THREAD. C and C++. */
#if defined(FUSION_KERNEL) && defined(__cplusplus) && !defined(__VELA_ABI)
#include_next <mqueue.h> /* kernel C++: see pthread.h */
#else
#ifndef VELA_MQUEUE_H
#define VELA_MQUEUE_H

#ifndef __VELA_ABI
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif
#endif

typedef int mqd_t; /* (mqd_t)-1 on failure */

struct mq_attr {
  long mq_flags;   /* O_NONBLOCK */
  long mq_maxmsg;  /* capacity in messages */
  long mq_msgsize; /* largest message */
  long mq_curmsgs; /* messages queued */
};

#ifndef MQ_PRIO_MAX
#define MQ_PRIO_MAX 32
#endif
#define MQ_MAX_MSGS 64  /* default mq_maxmsg */
#define MQ_MAX_BYTES 64 /* default mq_msgsize */
#define MQ_NAME_MAX 32

#ifndef __VELA_ABI
mqd_t mq_open(const char* name, int oflag, ...);
int mq_close(mqd_t mqdes);
int mq_unlink(const char* name);
int mq_send(mqd_t mqdes, const char* msg, size_t len, unsigned prio);
int mq_timedsend(mqd_t mqdes, const char* msg, size_t len, unsigned prio,
                 const struct timespec* abstime);
ssize_t mq_receive(mqd_t mqdes, char* msg, size_t len, unsigned* prio);
ssize_t mq_timedreceive(mqd_t mqdes, char* msg, size_t len, unsigned* prio,
                        const struct timespec* abstime);
int mq_notify(mqd_t mqdes, const struct sigevent* notification);
int mq_getattr(mqd_t mqdes, struct mq_attr* attr);
int mq_setattr(mqd_t mqdes, const struct mq_attr* attr, struct mq_attr* oattr);

#ifdef __cplusplus
}
#endif
#endif

#endif /* VELA_MQUEUE_H */
#endif
