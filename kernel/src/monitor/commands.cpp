// The monitor's commands. Each prints to the console and returns a shell
// status (0 = success), which `tools/run --exec` passes on as its exit code.
#include <hal/power.hpp>
#include <kernel/boot.hpp>
#include <kernel/log.hpp>
#include <klib/printk.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

#include "monitor.hpp"

// vela_rtos/src/runtime/runtime.hpp (not on the kernel's include path).
namespace vela {
klib::Result<int> start_builtin(const char* name, int argc, char** argv);
}

namespace monitor {
namespace {

struct Command {
  const char* name;
  const char* help;
  int (*run)(int argc, char** argv);
};

int cmd_help(int, char**);

int cmd_info(int, char**) {
  const auto& m = kernel::machine_info();
  klib::printk("Board: %s (%s)\n", m.board, FUSION_ARCH_NAME);
  if (m.model) klib::printk("Model: %s\n", m.model);
  klib::printk("CPUs: %u online of %u\n", m.cpus_online, m.cpus_possible);
  klib::printk("Memory: %llu MiB\n", static_cast<unsigned long long>(m.ram_bytes >> 20));
  return 0;
}

int cmd_mem(int, char**) {
  const auto& pa = mm::page_allocator();
  const auto& m = kernel::machine_info();
  klib::printk("RAM:       %8llu KiB\n", static_cast<unsigned long long>(m.ram_bytes >> 10));
  klib::printk("reserved:  %8llu KiB (kernel, DTB, firmware, page descriptors)\n",
               static_cast<unsigned long long>(m.reserved_bytes >> 10));
  klib::printk("pages:     %8zu free of %zu\n", pa.free_pages(), pa.total_pages());
  klib::printk("kmalloc:   %8zu bytes in use\n", mm::kmalloc_bytes_in_use());
  klib::printk("free blocks by order:");
  for (unsigned o = 0; o <= mm::kMaxOrder; ++o) klib::printk(" %zu", pa.free_blocks(o));
  klib::printk("\n");
  return 0;
}

int cmd_threads(int, char**) {
  // PRIO is the effective priority (raised by inheritance), BASE the one asked
  // for; fair-class threads show their nice value instead.
  klib::printk("%-4s %-16s %-9s %-5s %4s %4s %4s %4s %12s\n", "TID", "NAME", "STATE", "POL", "PRIO",
               "BASE", "NICE", "CPU", "RUNTIME(us)");
  sched::for_each_thread([](const sched::ThreadInfo& t) {
    klib::printk("%-4u %-16s %-9s %-5s %4d %4d %4d %4d %12llu\n", t.id, t.name, t.state, t.policy,
                 t.priority, t.base_priority, t.nice, t.cpu,
                 static_cast<unsigned long long>(t.runtime_ns / 1000));
  });
  return 0;
}

int cmd_uptime(int, char**) {
  const std::uint64_t ms = sched::uptime_ns() / 1000000;
  klib::printk("up %llu.%03llu s\n", static_cast<unsigned long long>(ms / 1000),
               static_cast<unsigned long long>(ms % 1000));
  return 0;
}

int cmd_dmesg(int, char**) {
  kernel::log_for_each_chunk(
      [](const char* s, std::size_t n, void*) { klib::printk("%.*s", static_cast<int>(n), s); },
      nullptr);
  return 0;
}

int cmd_poweroff(int, char**) {
  klib::printk("powering off\n");
  hal::poweroff(0);
}

int cmd_echo(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) klib::printk(i + 1 < argc ? "%s " : "%s", argv[i]);
  klib::printk("\n");
  return 0;
}

// Recursion the compiler cannot flatten, to run off the end of the stack.
[[gnu::noinline]] int overflow_stack(volatile int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  return overflow_stack(depth + 1) + frame[0];
}

void overflow_in_thread(void*) { overflow_stack(0); }

// Faults on purpose so the fault report and backtrace can be seen:
// `crash` writes to an unmapped address, `crash stack` overflows a kernel
// thread's stack into its guard page.
[[gnu::noinline]] int cmd_crash(int argc, char** argv) {
  if (argc > 1 && __builtin_strcmp(argv[1], "stack") == 0) {
    klib::printk("crash: overflowing a kernel thread's stack\n");
    auto t = sched::thread_create("overflow", overflow_in_thread, nullptr);
    if (!t.ok()) return 1;
    (void)sched::thread_join(*t);
    return 1;  // not reached: the overflow stops the machine
  }
  klib::printk("crash: writing to an unmapped address\n");
  *reinterpret_cast<volatile int*>(0x10) = 1;
  return 0;
}

// Runs a Vela builtin application (FUSION_BUILTIN) as a task and returns
// its exit status: `run hello a b`. Until vsh exists.
int cmd_run(int argc, char** argv) {
  if (argc < 2) {
    klib::printk("usage: run <builtin> [args...]\n");
    return 2;
  }
  auto status = vela::start_builtin(argv[1], argc - 1, argv + 1);
  if (!status.ok()) {
    klib::printk("run: %s: %s\n", argv[1], klib::error_name(status.error()));
    return 127;
  }
  return *status;
}

const Command kCommands[] = {
    {"help", "list commands", cmd_help},
    {"info", "board, CPUs and memory", cmd_info},
    {"mem", "page allocator and heap statistics", cmd_mem},
    {"threads", "every kernel thread", cmd_threads},
    {"uptime", "time since boot", cmd_uptime},
    {"dmesg", "the kernel log", cmd_dmesg},
    {"poweroff", "power the machine off", cmd_poweroff},
    {"echo", "print the arguments", cmd_echo},
    {"crash", "fault on purpose: 'crash' (bad pointer) or 'crash stack' (overflow)", cmd_crash},
    {"run", "run a Vela builtin application: run <name> [args]", cmd_run},
};

int cmd_help(int, char**) {
  for (const auto& c : kCommands) klib::printk("  %-10s %s\n", c.name, c.help);
  return 0;
}

int run_words(char* cmd) {
  char* argv[16];
  int argc = 0;
  for (char* p = cmd; *p && argc < 16;) {
    while (*p == ' ' || *p == '\t') *p++ = '\0';
    if (!*p) break;
    argv[argc++] = p;
    while (*p && *p != ' ' && *p != '\t') ++p;
  }
  if (argc == 0) return 0;
  for (const auto& c : kCommands)
    if (__builtin_strcmp(c.name, argv[0]) == 0) return c.run(argc, argv);
  klib::printk("%s: unknown command (try help)\n", argv[0]);
  return 127;
}

}  // namespace

int execute(char* line) {
  int status = 0;
  char* p = line;
  while (*p) {
    // Split at the next ';' or '&&'; '&&' runs the rest only on success.
    char* end = p;
    bool and_then = false;
    while (*end && *end != ';' && !(end[0] == '&' && end[1] == '&')) ++end;
    char* next = end;
    if (*end == ';') {
      *end = '\0';
      next = end + 1;
    } else if (*end == '&') {
      and_then = true;
      *end = '\0';
      next = end + 2;
    }
    status = run_words(p);
    if (and_then && status != 0) break;
    p = next;
  }
  return status;
}

void run_interactive() {
  static char line[kLineMax];
  klib::printk("Fusion monitor. Type 'help' for commands.\n");
  for (;;) {
    klib::printk("fusion> ");
    if (read_line(line)) execute(line);
  }
}

}  // namespace monitor
