// malloc and friends for Vela applications: one TLSF heap (mm/tlsf.hpp,
// O(1) malloc/free) built from page-allocator blocks on first use, serialised
// by a sleeping mutex (realloc may copy a lot; interrupts never allocate).
// Signal handlers may allocate: no handler runs on a thread while it holds
// the heap lock (SignalDeferGuard), so a handler cannot re-enter it.
#include <hal/mmu.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <klib/printk.hpp>
#include <mm/heap.hpp>
#include <mm/tlsf.hpp>
#include <sched/wait.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

#include <fusion/runtime.h>
#include "runtime.hpp"

namespace {

// Heap size: RAM / 16, between 1 and 8 MiB, in max-order buddy blocks
// (4 MiB each, so 8 MiB takes two pools); a small board sets its own size
// (FUSION_VELA_HEAP_BYTES, cmake/kernel.cmake).
#ifdef FUSION_VELA_HEAP_BYTES
constexpr std::size_t kMaxHeap = FUSION_VELA_HEAP_BYTES;
constexpr std::size_t kMinHeap = FUSION_VELA_HEAP_BYTES;
#else
constexpr std::size_t kMaxHeap = 8u << 20;
constexpr std::size_t kMinHeap = 1u << 20;
#endif

constinit mm::Tlsf g_heap;
constinit sched::Mutex g_lock;
bool g_ready = false;   // guarded by g_lock
bool g_failed = false;  // guarded by g_lock

std::size_t target_size() {
  const std::size_t ram = mm::page_allocator().total_pages() * mm::kPageSize;
  std::size_t want = ram / 16;
  if (want > kMaxHeap) want = kMaxHeap;
  if (want < kMinHeap) want = kMinHeap;
  return want;
}

bool ready_locked() {
  if (g_ready || g_failed) return g_ready;
  std::size_t left = target_size();
  bool first = true;
  while (left > 0) {
    unsigned order = mm::kMaxOrder;
    while (order > 0 && (mm::kPageSize << order) > left) --order;
    mm::PhysAddr pa = 0;
    bool got = false;
    for (;;) {
      if (auto r = mm::alloc_pages(order); r.ok()) {
        pa = *r;
        got = true;
        break;
      }
      if (order == 0) break;
      --order;
    }
    if (!got) break;
    const std::size_t bytes = mm::kPageSize << order;
    void* va = hal::phys_to_virt(pa);
    const bool added = first ? g_heap.init(va, bytes) : g_heap.add_pool(va, bytes);
    if (!added) {
      mm::free_pages(pa, order);
      break;
    }
    first = false;
    left = bytes >= left ? 0 : left - bytes;
  }
  g_ready = !first;
  g_failed = first;
  if (g_ready) {
    klib::printk("vela: application heap %zu KiB (TLSF)\n", g_heap.stats().capacity >> 10);
  }
  return g_ready;
}

// The heap's critical section: asynchronous signal delivery is deferred
// while the lock is held (the lock is not recursive: a handler calling
// malloc there would deadlock). A signal that arrived meanwhile is
// delivered when the section ends, as it would have been at that point.
class HeapSection {
 public:
  HeapSection() {
    defer_.emplace();  // before the lock: no handler may run while it is held
    g_lock.lock();
  }
  ~HeapSection() {
    g_lock.unlock();
    defer_.reset();
    kernel::ProcessThread* t = kernel::current_thread();
    if (t && t->signals.no_deliver == 0 && t->signals.depth == 0 &&
        sched::current()->preempt_count == 0 && t->signals.notify.load(std::memory_order_relaxed))
      kernel::signal_deliver();
  }
  HeapSection(const HeapSection&) = delete;
  HeapSection& operator=(const HeapSection&) = delete;

 private:
  std::optional<kernel::SignalDeferGuard> defer_;
};

void* fail_nomem() {
  vela_set_errno(vela_errno_from(klib::Error::NOMEM));
  return nullptr;
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) {
  void* p;
  {
    HeapSection guard;
    p = ready_locked() ? g_heap.alloc(size) : nullptr;
  }
  return p ? p : fail_nomem();
}

void free(void* ptr) {
  if (!ptr) return;
  HeapSection guard;
  g_heap.free(ptr);
}

void* calloc(std::size_t n, std::size_t size) {
  std::size_t total;
  if (__builtin_mul_overflow(n, size, &total)) return fail_nomem();
  void* p = malloc(total);
  if (p) __builtin_memset(p, 0, total);
  return p;
}

void* realloc(void* ptr, std::size_t size) {
  void* p;
  {
    HeapSection guard;
    if (!ready_locked()) return fail_nomem();
    p = g_heap.realloc(ptr, size);
  }
  if (!p && size != 0) return fail_nomem();
  return p;
}

void* memalign(std::size_t align, std::size_t size) {
  if (align == 0 || (align & (align - 1)) != 0) {
    vela_set_errno(vela_errno_from(klib::Error::INVAL));
    return nullptr;
  }
  void* p;
  {
    HeapSection guard;
    p = ready_locked() ? g_heap.alloc_aligned(align, size) : nullptr;
  }
  return p ? p : fail_nomem();
}

void* aligned_alloc(std::size_t align, std::size_t size) { return memalign(align, size); }

int posix_memalign(void** out, std::size_t align, std::size_t size) {
  if (align < sizeof(void*) || (align & (align - 1)) != 0) {
    return vela_errno_from(klib::Error::INVAL);
  }
  const int saved = vela_get_errno();  // posix_memalign leaves errno alone
  void* p = memalign(align, size);
  vela_set_errno(saved);
  if (!p) return vela_errno_from(klib::Error::NOMEM);
  *out = p;
  return 0;
}

void* valloc(std::size_t size) { return memalign(mm::kPageSize, size); }

void* pvalloc(std::size_t size) {
  return memalign(mm::kPageSize, (size + mm::kPageSize - 1) & ~(mm::kPageSize - 1));
}

std::size_t malloc_usable_size(void* ptr) {
  if (!ptr) return 0;
  HeapSection guard;
  return g_heap.usable_size(ptr);
}

int fusion_heap_info(struct fusion_heap_info* info) {
  HeapSection guard;
  if (!info || !ready_locked()) return -1;
  const auto st = g_heap.stats();
  *info = {st.capacity,    st.used_bytes,  st.free_bytes,
           st.used_blocks, st.free_blocks, st.largest_free};
  return 0;
}

std::size_t fusion_heap_bytes_in_use() {
  HeapSection guard;
  return g_heap.bytes_in_use();
}

int fusion_heap_check() {
  HeapSection guard;
  return g_heap.check_invariants() ? 1 : 0;
}

}  // extern "C"
