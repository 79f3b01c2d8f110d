// Usercopy primitives (hal/user.hpp). LDTR/STTR make every access with EL0
// permissions, so a kernel address faults even without the caller's range
// check, and PAN (when the CPU has it) need not be lifted. A fault inside
// [aarch64_usercopy_begin, aarch64_usercopy_end) that the kernel cannot
// resolve is redirected by hal::usercopy_fixup to the routine's failure
// return; the routines are leaves, so lr is still the caller's.

  .text
  .global aarch64_usercopy_begin
  .global aarch64_usercopy_end
  .global aarch64_usercopy_string
  .global aarch64_usercopy_copy_fault
  .global aarch64_usercopy_string_fault
aarch64_usercopy_begin:

// size_t hal_user_copy_in(void* dst, const void* usrc, size_t n): x2 counts
// the bytes still to copy (the fault return hands it back).
  .global hal_user_copy_in
hal_user_copy_in:
1:
  cmp x2, #8
  b.lo 2f
  ldtr x3, [x1]
  str x3, [x0], #8
  add x1, x1, #8
  sub x2, x2, #8
  b 1b
2:
  cbz x2, 3f
  ldtrb w3, [x1]
  strb w3, [x0], #1
  add x1, x1, #1
  sub x2, x2, #1
  b 2b
3:
  mov x0, #0
  ret

// size_t hal_user_copy_out(void* udst, const void* src, size_t n)
  .global hal_user_copy_out
hal_user_copy_out:
1:
  cmp x2, #8
  b.lo 2f
  ldr x3, [x1], #8
  sttr x3, [x0]
  add x0, x0, #8
  sub x2, x2, #8
  b 1b
2:
  cbz x2, 3f
  ldrb w3, [x1], #1
  sttrb w3, [x0]
  add x0, x0, #1
  sub x2, x2, #1
  b 2b
3:
  mov x0, #0
  ret

aarch64_usercopy_copy_fault:
  mov x0, x2
  ret

aarch64_usercopy_string:
// long hal_user_strncpy_in(char* dst, const char* usrc, size_t n)
  .global hal_user_strncpy_in
hal_user_strncpy_in:
  mov x4, x2
1:
  cbz x2, 3f
  ldtrb w3, [x1]
  strb w3, [x0], #1
  cbz w3, 2f
  add x1, x1, #1
  sub x2, x2, #1
  b 1b
2:
  sub x0, x4, x2
  ret
3:
  mov x0, x4
  ret

aarch64_usercopy_string_fault:
  mov x0, #-1
  ret
aarch64_usercopy_end:
