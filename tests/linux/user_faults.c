/* A user program that does something fatal, chosen by argv[1]; the kernel
 * must kill it with the right signal and keep running. Run without an
 * argument it lists the cases. The console test checks the exit status vsh
 * reports (128 + signal) and that the shell still answers. */
#include <stdio.h>
#include <string.h>

#include "check.h"

typedef void (*fn_t)(void);

int main(int argc, char** argv) {
  if (argc < 2) {
    printf(
        "usage: user_faults null-read|null-write|kernel-read|kernel-write|kernel-jump|"
        "illegal\n");
    return 2;
  }
  const char* c = argv[1];
  printf("user_faults: %s\n", c);
  fflush(stdout);
  if (!strcmp(c, "null-read")) return *(volatile int*)0;
  if (!strcmp(c, "null-write")) *(volatile int*)0 = 1;
  if (!strcmp(c, "kernel-read")) return *(volatile int*)KERNEL_ADDRESS;
  if (!strcmp(c, "kernel-write")) *(volatile int*)KERNEL_ADDRESS = 1;
  if (!strcmp(c, "kernel-jump")) ((fn_t)KERNEL_ADDRESS)();
  if (!strcmp(c, "illegal")) {
#if defined(__aarch64__)
    __asm__ volatile(".inst 0x00000000"); /* permanently undefined */
#else
    __asm__ volatile(".4byte 0x00000000"); /* an all-zero word is illegal */
#endif
  }
  printf("user_faults: %s did not fault\n", c);
  return 1;
}
