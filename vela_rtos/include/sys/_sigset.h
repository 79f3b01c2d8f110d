/* <sys/_sigset.h> for Vela applications: sigset_t holds signals 1..63 on
 * every target (sys/signal.h: realtime signals are 32..63), so it is 64 bits
 * wide where picolibc's unsigned long is 32 (arm-none-eabi). Every picolibc
 * header that declares sigset_t takes it from here. */
#ifndef _SYS__SIGSET_H_
#define _SYS__SIGSET_H_

typedef unsigned long long __sigset_t;

#endif /* !_SYS__SIGSET_H_ */
