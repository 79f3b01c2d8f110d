// KTEST: the process object: id allocation, thread spawn/exit/join, zombies
// and waitpid (WNOHANG, specific/any child, ECHILD), orphan reaping, and
// that everything is freed afterwards.
#include <kernel/ktest.hpp>
#include <kernel/process.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

#include <atomic>

namespace {

std::atomic<int> g_ran{0};
sched::Semaphore g_gate{0};

void exit_with(void* arg) {
  g_ran.fetch_add(1);
  kernel::thread_exit_current(static_cast<int>(reinterpret_cast<std::uintptr_t>(arg)), false);
}

void wait_gate(void*) {
  (void)g_gate.down();
  g_ran.fetch_add(1);
}

// Spawns a grandchild that waits on the gate, then exits at once (orphaning it).
void spawn_grandchild(void*) {
  auto p = kernel::process_create("kt-grand", kernel::current_process());
  if (!p.ok()) return;
  kernel::ThreadParams params;
  params.name = "kt-grand";
  auto t = kernel::thread_spawn(*p, params, wait_gate, nullptr);
  if (t.ok()) kernel::thread_put(*t);
}

// Exited threads release their ids and stacks once off their CPUs, which is
// asynchronous: wait (30 s is a hang bound, not a timing claim) until the
// count is back to BEFORE, so no test leaves its ids to the next one's baseline.
void wait_until_pids_back_to(std::size_t before) {
  for (int i = 0; i < 30000 && kernel::pids_in_use() != before; ++i) sched::sleep_ns(1'000'000);
}

void wait_until_heap_back_to(std::size_t before) {
  for (int i = 0; i < 30000 && mm::kmalloc_bytes_in_use() != before; ++i) {
    sched::sleep_ns(1'000'000);
  }
}

kernel::Process* spawn(const char* name, void (*fn)(void*), void* arg) {
  auto p = kernel::process_create(name, nullptr);
  if (!p.ok()) return nullptr;
  kernel::ThreadParams params;
  params.name = name;
  auto t = kernel::thread_spawn(*p, params, fn, arg);
  if (!t.ok()) {
    kernel::process_abandon(*p);
    return nullptr;
  }
  kernel::thread_put(*t);
  return *p;
}

}  // namespace

KTEST(process, pid_alloc_wraps_and_reuses) {
  const std::size_t before = kernel::pids_in_use();
  auto a = kernel::pid_alloc();
  auto b = kernel::pid_alloc();
  KT_ASSERT(a.ok() && b.ok());
  KT_EXPECT(*a > 0 && *b > 0 && *a != *b);
  kernel::pid_free(*a);
  auto c = kernel::pid_alloc();
  KT_ASSERT(c.ok());
  KT_EXPECT(*c != *a);  // not reused at once
  kernel::pid_free(*b);
  kernel::pid_free(*c);
  kernel::pid_free(*c);  // double free is ignored
  kernel::pid_free(0);   // the kernel's id is never freed
  KT_EXPECT_EQ(kernel::pids_in_use(), before);
  KT_EXPECT_EQ(kernel::kernel_process()->pid, 0);
  KT_EXPECT_EQ(kernel::current_pid(), 0);  // KTEST runs on a kernel thread
  KT_EXPECT(kernel::current_thread() == nullptr);
}

KTEST(process, waitpid_reaps_exit_status) {
  const std::size_t heap = mm::kmalloc_bytes_in_use();
  const std::size_t pids = kernel::pids_in_use();
  g_ran = 0;
  int status = 0;
  KT_EXPECT(kernel::wait_child(-1, &status, kernel::kWaitNoHang).error() == klib::Error::CHILD);
  kernel::Process* p = spawn("kt-exit7", exit_with, reinterpret_cast<void*>(7));
  KT_ASSERT(p);
  const kernel::Pid pid = p->pid;
  auto r = kernel::wait_child(pid, &status, 0);
  KT_ASSERT(r.ok());
  KT_EXPECT_EQ(*r, pid);
  KT_EXPECT_EQ(status, 7 << 8);
  KT_EXPECT_EQ(g_ran.load(), 1);
  KT_EXPECT(kernel::wait_child(pid, &status, 0).error() == klib::Error::CHILD);
  KT_EXPECT(kernel::wait_child(0, &status, 0).error() == klib::Error::INVAL);
  KT_EXPECT(kernel::wait_child(-1, &status, 0x100).error() == klib::Error::INVAL);

  // WNOHANG with a running child, then any-child wait.
  kernel::Process* q = spawn("kt-gate", wait_gate, nullptr);
  KT_ASSERT(q);
  const kernel::Pid qpid = q->pid;
  auto none = kernel::wait_child(-1, &status, kernel::kWaitNoHang);
  KT_EXPECT(none.ok() && *none == 0);
  bool listed = false;
  kernel::for_each_process([&](const kernel::Process& proc) { listed |= proc.pid == qpid; });
  KT_EXPECT(listed);
  g_gate.up();
  auto any = kernel::wait_child(-1, &status, 0);
  KT_EXPECT(any.ok() && *any == qpid && status == 0);
  wait_until_pids_back_to(pids);
  KT_EXPECT_EQ(kernel::pids_in_use(), pids);
  wait_until_heap_back_to(heap);
  KT_EXPECT_EQ(mm::kmalloc_bytes_in_use(), heap);
}

KTEST(process, orphans_are_reaped_by_the_kernel) {
  const std::size_t pids = kernel::pids_in_use();
  const std::size_t procs = kernel::process_count();
  g_ran = 0;
  kernel::Process* p = spawn("kt-parent", spawn_grandchild, nullptr);
  KT_ASSERT(p);
  int status = -1;
  auto r = kernel::wait_child(p->pid, &status, 0);
  KT_EXPECT(r.ok() && status == 0);
  KT_EXPECT_EQ(kernel::process_count(), procs + 1);  // the orphaned grandchild
  g_gate.up();
  // Reaping is asynchronous; 30 s is a hang bound, not a timing claim.
  for (int i = 0; i < 30000 && kernel::process_count() != procs; ++i) sched::sleep_ns(1'000'000);
  KT_EXPECT_EQ(kernel::process_count(), procs);
  KT_EXPECT_EQ(g_ran.load(), 1);
  wait_until_pids_back_to(pids);
  KT_EXPECT_EQ(kernel::pids_in_use(), pids);
}

KTEST(process, threads_join_and_detach) {
  const std::size_t pids = kernel::pids_in_use();
  auto p = kernel::process_create("kt-threads", nullptr);
  KT_ASSERT(p.ok());
  g_ran = 0;
  kernel::ThreadParams params;
  params.name = "kt-main";
  auto main = kernel::thread_spawn(*p, params, wait_gate, nullptr);
  KT_ASSERT(main.ok());
  KT_EXPECT_EQ((*main)->tid, (*p)->pid);
  params.name = "kt-second";
  auto second = kernel::thread_spawn(*p, params, exit_with, reinterpret_cast<void*>(3));
  KT_ASSERT(second.ok());
  KT_EXPECT((*second)->tid != (*p)->pid);
  kernel::ProcessThread* found = kernel::thread_get((*second)->tid);
  KT_EXPECT(found == *second);
  kernel::thread_put(found);
  KT_EXPECT(kernel::thread_join(*second, nullptr, nullptr).ok());
  KT_EXPECT_EQ((*second)->exit_code, 3);
  KT_EXPECT(kernel::thread_join(*second, nullptr, nullptr).error() == klib::Error::INVAL);
  kernel::thread_put(*second);
  KT_EXPECT(kernel::thread_detach(*main).ok());
  KT_EXPECT(kernel::thread_detach(*main).error() == klib::Error::INVAL);
  kernel::thread_put(*main);
  g_gate.up();
  int status = -1;
  const kernel::Pid pid = (*p)->pid;
  auto r = kernel::wait_child(pid, &status, 0);
  KT_EXPECT(r.ok() && *r == pid && status == 0);
  KT_EXPECT_EQ(g_ran.load(), 2);
  wait_until_pids_back_to(pids);
  KT_EXPECT_EQ(kernel::pids_in_use(), pids);
}
