// Where application stdio ends up: the kernel console. Weak, so the VFS
// layer can take over with a strong definition that goes through
// /dev/console (and fd 0/1/2 redirections) without touching stdio.c.
#include <kernel/console.hpp>

#include <cstddef>

extern "C" [[gnu::weak]] void vela_console_write(const char* s, std::size_t n) {
  console::write(s, n);
}

// Blocks the calling task until a byte arrives; -1 would mean end of file.
extern "C" [[gnu::weak]] int vela_console_getc() {
  return static_cast<unsigned char>(console::read_char());
}
