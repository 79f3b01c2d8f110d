// The rest of what picolibc's libc.a needs from its OS (found by linking;
// see vela.cmake). _exit is the task layer's (vela_rtos/src/task.cpp: it
// ends the whole task); it should call vela::runtime::flush_thread_stdio()
// first so a last line without '\n' is not lost.
extern "C" {

// picolibc's exit() runs the image's .fini_array: applications linked into
// the kernel never unload, so there is nothing to run (and libc's own
// version would need __fini_array_* symbols).
void __libc_fini_array() {}

}  // extern "C"

#if defined(__aarch64__)
// picolibc's aarch64 libc.a is built with outline atomics (tinystdio's
// atomic ungetc): they call libgcc's __aarch64_cas* helpers, which test this
// flag. libgcc's own definition comes with a constructor that probes the CPU
// through Linux's auxv (getauxval) at boot; defining the flag here keeps that
// object out. 0 selects the LL/SC sequences, which every ARMv8.0 CPU has.
extern "C" bool __aarch64_have_lse_atomics = false;
#endif
