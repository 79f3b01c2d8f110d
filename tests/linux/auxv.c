/* What the loader hands a program: argv/envp, the auxiliary vector (AT_PHDR
 * pointing at the real program headers, AT_ENTRY at _start, AT_PAGESZ,
 * AT_RANDOM, AT_EXECFN, credentials, AT_HWCAP), an aligned stack and a
 * relocated data segment. Built twice: static and static-PIE (auxv-pie). */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "check.h"

extern char _start[];
static int answer = 42;
static int* const table[] = {&answer, &check_passed}; /* relocated pointers in data */

int main(int argc, char** argv, char** envp) {
  CHECK(argc >= 1 && argv[argc] == NULL);
  CHECK(envp != NULL);
  CHECK(getauxval(AT_PAGESZ) == 4096);
  CHECK(getauxval(AT_ENTRY) == (uintptr_t)_start);
  CHECK(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)));
  const ElfW(Phdr)* ph = (const ElfW(Phdr)*)getauxval(AT_PHDR);
  size_t n = getauxval(AT_PHNUM);
  CHECK(ph != NULL && n > 0);
  /* The headers are the program's own: they follow its ELF header (e_phoff
   * 64, as the linker lays them out) at the start of the first PT_LOAD, and
   * that segment's address plus the load bias is where they are. */
  const ElfW(Ehdr)* eh = (const ElfW(Ehdr)*)((uintptr_t)ph - sizeof(ElfW(Ehdr)));
  CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_phoff == sizeof(ElfW(Ehdr)));
  uintptr_t bias = 0;
  for (size_t i = 0; i < n; ++i)
    if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0) bias = (uintptr_t)eh - ph[i].p_vaddr;
  CHECK(bias == 0 || eh->e_type == ET_DYN); /* only a PIE moves */
  int holds_main = 0;
  for (size_t i = 0; i < n; ++i) {
    if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X)) continue;
    uintptr_t lo = ph[i].p_vaddr + bias, hi = lo + ph[i].p_memsz;
    if ((uintptr_t)main >= lo && (uintptr_t)main < hi) holds_main = 1;
  }
  CHECK(holds_main);
  const unsigned char* rnd = (const unsigned char*)getauxval(AT_RANDOM);
  CHECK(rnd != NULL);
  if (rnd) {
    int nonzero = 0;
    for (int i = 0; i < 16; ++i) nonzero |= rnd[i];
    CHECK(nonzero);
  }
  const char* execfn = (const char*)getauxval(AT_EXECFN);
  CHECK(execfn != NULL && strstr(execfn, "auxv") != NULL);
  CHECK(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid());
  CHECK(getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid());
  CHECK(getauxval(AT_SECURE) == 0);
#if defined(__aarch64__)
  CHECK(getauxval(AT_HWCAP) & 1); /* HWCAP_FP */
#else
  CHECK(getauxval(AT_HWCAP) & (1ul << ('I' - 'A')));
#endif
  CHECK(*table[0] == 42);
  CHECK(table[1] == &check_passed);
  return check_done(argv[0]);
}
