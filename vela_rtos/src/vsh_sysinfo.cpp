// Kernel facts for vsh (fusion/sysinfo.h): the thread list joined with the
// process registry, the dmesg ring and memory statistics.
#include <kernel/boot.hpp>
#include <kernel/log.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>
#include <sched/thread.hpp>

#include <cstddef>
#include <cstdint>

namespace vabi {
struct fusion_thread_info {
  int pid, tid, priority, cpu;
  char policy[8];
  char state[12];
  char name[32];
  unsigned long long runtime_us;
};
struct fusion_mem_info {
  unsigned long long ram_bytes, page_bytes_total, page_bytes_free, kmalloc_bytes_in_use;
};
struct fusion_machine_info {
  const char* board;
  const char* arch;
  const char* model;
  unsigned cpus_online, cpus_possible;
  unsigned long long ram_bytes;
};
}  // namespace vabi

namespace {

void copy(char* dst, std::size_t cap, const char* src) {
  std::size_t i = 0;
  for (; src && src[i] && i + 1 < cap; ++i) dst[i] = src[i];
  dst[i] = '\0';
}

struct Collect {
  vabi::fusion_thread_info* out;
  unsigned* ids;  // sched thread id of each row
  int max;
  int count;
};

}  // namespace

extern "C" int fusion_thread_list(vabi::fusion_thread_info* out, int max) {
  if (!out || max < 0) max = 0;
  auto* ids = max ? static_cast<unsigned*>(mm::kmalloc(sizeof(unsigned) * max)) : nullptr;
  if (max && !ids) return -1;
  Collect c{out, ids, max, 0};
  // Both walks only copy: the callbacks run under the registries' locks.
  sched::for_each_thread([&c](const auto& t) {  // generic: see policy below
    if (c.count < c.max) {
      vabi::fusion_thread_info& r = c.out[c.count];
      r = {};
      c.ids[c.count] = t.id;
      r.priority = t.priority;
      r.cpu = t.cpu;
      // The policy name arrives with the scheduler's RT/fair classes.
      if constexpr (requires { t.policy; })
        copy(r.policy, sizeof r.policy, t.policy);
      else
        copy(r.policy, sizeof r.policy, t.priority < 0 ? "idle" : "rr");
      copy(r.state, sizeof r.state, t.state);
      copy(r.name, sizeof r.name, t.name);
      r.runtime_us = t.runtime_ns / 1000;
    }
    ++c.count;
  });
  const int filled = c.count < max ? c.count : max;
  kernel::for_each_process([&](const kernel::Process& p) {
    p.threads.for_each([&](kernel::ProcessThread* pt) {
      if (!pt->thread) return;
      for (int i = 0; i < filled; ++i) {
        if (ids[i] != pt->thread->id) continue;
        out[i].pid = p.pid;
        out[i].tid = pt->tid;
        // A task's main thread is named after the task.
        if (pt == p.main_thread) copy(out[i].name, sizeof out[i].name, p.name);
      }
    });
  });
  mm::kfree(ids);
  return c.count;
}

extern "C" void fusion_dmesg(void (*fn)(const char*, std::size_t, void*), void* ctx) {
  if (fn) kernel::log_for_each_chunk(fn, ctx);
}

extern "C" void fusion_machine_info(vabi::fusion_machine_info* out) {
  if (!out) return;
  const auto& m = kernel::machine_info();
  out->board = m.board;
  out->arch = FUSION_ARCH_NAME;
  out->model = m.model;
  out->cpus_online = m.cpus_online;
  out->cpus_possible = m.cpus_possible;
  out->ram_bytes = m.ram_bytes;
}

extern "C" void fusion_mem_info(vabi::fusion_mem_info* out) {
  if (!out) return;
  const auto& pa = mm::page_allocator();
  out->ram_bytes = kernel::machine_info().ram_bytes;
  out->page_bytes_total = static_cast<unsigned long long>(pa.total_pages()) * 4096;
  out->page_bytes_free = static_cast<unsigned long long>(pa.free_pages()) * 4096;
  out->kmalloc_bytes_in_use = mm::kmalloc_bytes_in_use();
}
