// The ELF loader: reads and validates the executable (elf.hpp), maps each
// PT_LOAD segment as a demand-zero area filled from the file, reserves the
// stack, writes the initial stack (initial_stack.hpp) and starts the main
// thread in user mode. The new process is a child of the caller and inherits
// its files.
#include <fs/init.hpp>
#include <fs/vfs.hpp>
#include <hal/user.hpp>
#include <kernel/process.hpp>
#include <kernel/signal.hpp>
#include <kernel/user.hpp>
#include <klib/printk.hpp>
#include <linux_compat/elf.hpp>
#include <linux_compat/exec.hpp>
#include <linux_compat/initial_stack.hpp>
#include <mm/address_space.hpp>
#include <mm/heap.hpp>
#include <sched/sched.hpp>

#include <new>

#include "linux_process.hpp"
#include "signal_frame.hpp"

namespace linux_compat {
namespace {

// Static-PIE images are placed here (as Linux's ELF_ET_DYN_BASE, 2/3 of the
// smaller lower half).
constexpr std::uintptr_t kPieBase = 0x2aaaa00000;
constexpr std::size_t kStackBuildMax = 64 * 1024;  // argv + envp + auxv, E2BIG beyond
constexpr std::size_t kChunk = 4096;

struct StartInfo {
  std::uintptr_t entry;
  std::uintptr_t sp;
};

const kernel::SignalRules& linux_rules() {
  static const kernel::SignalRules rules = [] {
    kernel::SignalRules r;
    r.uncatchable = kernel::sig_bit(9) | kernel::sig_bit(19);  // SIGKILL, SIGSTOP
    // SIGCHLD, SIGCONT, SIGURG, SIGWINCH; job control (SIGSTOP/TSTP/TTIN/TTOU)
    // is not implemented: ignored rather than stopping.
    r.default_ignore = kernel::sig_bit(17) | kernel::sig_bit(18) | kernel::sig_bit(23) |
                       kernel::sig_bit(28) | kernel::sig_bit(19) | kernel::sig_bit(20) |
                       kernel::sig_bit(21) | kernel::sig_bit(22);
    r.queued = ~std::uint64_t{0} << 32;  // SIGRTMIN (32) and up
    // User handlers run from frames built on the way back to user mode
    // (signal_deliver.cpp), never through the core's synchronous invoke.
    r.invoke = [](const kernel::SignalAction&, const kernel::SigInfo& info) {
      kernel::user_exit_signalled(info.signo);
    };
    r.terminate = [](int signo) { kernel::user_exit_signalled(signo); };
    r.user_return = deliver_signals;
    return r;
  }();
  return rules;
}

void release_linux(kernel::Process* p) {
  if (p->personality) {
    static_cast<LinuxProcess*>(p->personality)->~LinuxProcess();
    mm::kfree(p->personality);
    p->personality = nullptr;
  }
  // A process that never ran (creation failed late) still holds its space
  // (shared with the parent after vfork).
  if (p->address_space) {
    mm::AddressSpace::put(p->address_space);
    p->address_space = nullptr;
  }
}

void user_main(void* arg) {
  const StartInfo info = *static_cast<StartInfo*>(arg);
  mm::kfree(arg);
  // x0 / a0 = 0: no rtld_fini for the C runtime to register.
  kernel::user_start(info.entry, info.sp, 0);
}

const char* basename(const char* path) {
  const char* b = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/' && p[1]) b = p + 1;
  return b;
}

klib::Error reject(const char* path, const char* why) {
  klib::printk("linux: %s: not executable: %s\n", path, why);
  return klib::Error::NOEXEC;
}

// Maps and fills every loadable segment at `bias`.
klib::Result<void> load_segments(mm::AddressSpace* as, fs::OpenFile* f, const elf::Image& img,
                                 std::uintptr_t bias) {
  auto* chunk = static_cast<unsigned char*>(mm::kmalloc(kChunk));
  if (!chunk) return klib::Err(klib::Error::NOMEM);
  klib::Result<void> result = klib::ok();
  for (unsigned i = 0; i < img.nsegments && result.ok(); ++i) {
    const elf::Segment& s = img.segments[i];
    const std::uintptr_t start = (s.vaddr + bias) & ~std::uintptr_t{hal::kPageSize - 1};
    const std::uintptr_t end =
        (s.vaddr + bias + s.memsz + hal::kPageSize - 1) & ~std::uintptr_t{hal::kPageSize - 1};
    auto area = as->map_anonymous(start, end - start, s.prot, mm::VmaKind::Anonymous, true);
    if (!area.ok()) {
      result = klib::Err(area.error());
      break;
    }
    for (std::uint64_t done = 0; done < s.filesz;) {
      std::size_t n = s.filesz - done < kChunk ? s.filesz - done : kChunk;
      auto got = fs::file_pread(f, chunk, n, s.offset + done);
      if (!got.ok()) {
        result = klib::Err(got.error());
        break;
      }
      if (*got == 0) {
        result = klib::Err(klib::Error::NOEXEC);  // the file shrank under us
        break;
      }
      if (auto w = as->write(s.vaddr + bias + done, chunk, *got); !w.ok()) {
        result = klib::Err(w.error());
        break;
      }
      done += *got;
    }
  }
  mm::kfree(chunk);
  return result;
}

std::size_t count(const char* const* v) {
  std::size_t n = 0;
  while (v && v[n]) ++n;
  return n;
}

// Builds the initial stack and returns the user sp.
klib::Result<std::uintptr_t> write_stack(mm::AddressSpace* as, const elf::Image& img,
                                         std::uintptr_t bias, const char* path,
                                         const char* const* argv, const char* const* envp,
                                         const kernel::Credentials& cred) {
  TRY(as->map_anonymous(mm::kUserStackTop - mm::kUserStackSize, mm::kUserStackSize,
                        mm::kProtRead | mm::kProtWrite, mm::VmaKind::Stack, true));
  const AuxEntry aux[] = {
      {AT_PHDR, img.phdr_vaddr + bias},
      {AT_PHENT, elf::kPhdrSize},
      {AT_PHNUM, img.header.phnum},
      {AT_PAGESZ, hal::kPageSize},
      {AT_BASE, 0},
      {AT_FLAGS, 0},
      {AT_ENTRY, img.header.entry + bias},
      {AT_UID, cred.uid},
      {AT_EUID, cred.euid},
      {AT_GID, cred.gid},
      {AT_EGID, cred.egid},
      {AT_HWCAP, hal::user_hwcap()},
      {AT_CLKTCK, 100},
      {AT_SECURE, 0},
  };
  StackSpec spec;
  spec.argv = argv;
  spec.argc = count(argv);
  spec.envp = envp;
  spec.envc = count(envp);
  spec.execfn = path;
  spec.aux = aux;
  spec.naux = sizeof aux / sizeof aux[0];
  // AT_RANDOM: 16 bytes from the kernel's generator (glibc seeds its stack
  // protector and pointer guard from them).
  if (auto rnd = fs::open_file(fs::kernel_context(), "/dev/urandom", 0); rnd.ok()) {
    (void)fs::file_read(*rnd, spec.random, sizeof spec.random);
    fs::file_put(*rnd);
  }
  auto* buf = static_cast<std::uint8_t*>(mm::kmalloc(kStackBuildMax));
  if (!buf) return klib::Err(klib::Error::NOMEM);
  auto built = build_initial_stack(spec, mm::kUserStackTop, buf, kStackBuildMax);
  if (!built.ok()) {
    mm::kfree(buf);
    return klib::Err(built.error());
  }
  auto w = as->write(built->sp, buf + kStackBuildMax - built->used, built->used);
  mm::kfree(buf);
  TRY(w);
  return built->sp;
}

}  // namespace

namespace {

struct Loaded {
  mm::AddressSpace* as = nullptr;
  std::uintptr_t entry = 0;
  std::uintptr_t sp = 0;
  std::uintptr_t sigreturn_code = 0;
};

// One read-only, executable page holding the rt_sigreturn call signal
// handlers return to (Linux's vDSO __kernel_rt_sigreturn / sigreturn code;
// no vDSO image, so no AT_SYSINFO_EHDR).
klib::Result<std::uintptr_t> map_sigreturn_code(mm::AddressSpace* as) {
  const std::uintptr_t at = TRY(as->map_anonymous(0, hal::kPageSize, mm::kProtRead | mm::kProtExec,
                                                  mm::VmaKind::Anonymous, false));
  std::size_t words = 0;
  const std::uint32_t* code = arch_sigreturn_code(&words);
  TRY(as->write(at, code, words * sizeof *code));
  return at;
}

// Opens, validates and loads `path` into a new address space with its
// initial stack. Nothing else changes, so a failure leaves the caller as it
// was (execve relies on this).
klib::Result<Loaded> load_image(const char* path, const char* const* argv, const char* const* envp,
                                const kernel::Credentials& cred) {
  if (!path) return klib::Err(klib::Error::FAULT);
  kernel::Process* self = kernel::current_process();
  fs::OpenFile* f = TRY(fs::open_file(kernel::process_files(self), path, fs::oflag::RDONLY));
  // Everything below releases the file on the way out.
  struct FileRef {
    fs::OpenFile* f;
    ~FileRef() { fs::file_put(f); }
  } file_ref{f};
  const fs::Stat st = fs::vnode_stat(f->vnode);
  if ((st.mode & fs::mode::IFMT) != fs::mode::IFREG) return klib::Err(klib::Error::ACCES);

  unsigned char ehdr[elf::kHeaderSize];
  const std::size_t got = TRY(fs::file_pread(f, ehdr, sizeof ehdr, 0));
  const char* why = "?";
  auto header = elf::parse_header(ehdr, got, st.size, hal::user_elf_machine(), &why);
  if (!header.ok()) return klib::Err(reject(path, why));
  const std::size_t ph_bytes = std::size_t{header->phnum} * elf::kPhdrSize;
  auto* phdrs = static_cast<unsigned char*>(mm::kmalloc(ph_bytes));
  if (!phdrs) return klib::Err(klib::Error::NOMEM);
  elf::Image img;
  auto ph_got = fs::file_pread(f, phdrs, ph_bytes, header->phoff);
  auto parsed = ph_got.ok() ? elf::parse_segments(*header, phdrs, *ph_got, st.size, &img, &why)
                            : klib::Result<void>(klib::Err(ph_got.error()));
  mm::kfree(phdrs);
  if (!parsed.ok())
    return klib::Err(parsed.error() == klib::Error::NOEXEC ? reject(path, why) : parsed.error());
  if (img.has_interp)
    return klib::Err(
        reject(path, "dynamically linked (PT_INTERP); only static executables run so far"));
  const std::uintptr_t bias = img.header.pie ? kPieBase - img.lo : 0;
  if (img.lo + bias < mm::kMmapMin || img.hi + bias > mm::kMmapTop)
    return klib::Err(reject(path, "segments outside the user address range"));

  mm::AddressSpace* as = TRY(mm::AddressSpace::create());
  if (auto r = load_segments(as, f, img, bias); !r.ok()) {
    mm::AddressSpace::destroy(as);
    return klib::Err(r.error());
  }
  as->set_brk_base(img.hi + bias);
  auto sp = write_stack(as, img, bias, path, argv, envp, cred);
  if (!sp.ok()) {
    mm::AddressSpace::destroy(as);
    return klib::Err(sp.error());
  }
  auto tramp = map_sigreturn_code(as);
  if (!tramp.ok()) {
    mm::AddressSpace::destroy(as);
    return klib::Err(tramp.error());
  }
  Loaded out;
  out.sigreturn_code = *tramp;
  out.as = as;
  out.entry = img.header.entry + bias;
  out.sp = *sp;
  return out;
}

void set_name(kernel::Process* p, const char* path) {
  const char* b = basename(path);
  std::size_t i = 0;
  for (; b[i] && i + 1 < kernel::kProcessNameMax; ++i) p->name[i] = b[i];
  p->name[i] = '\0';
}

}  // namespace

klib::Result<int> spawn(const char* path, const char* const* argv, const char* const* envp) {
  kernel::Process* parent = kernel::current_process();
  const Loaded image = TRY(load_image(path, argv, envp, parent->cred));
  kernel::Process* p = nullptr;
  auto fail = [&](klib::Error e) -> klib::Result<int> {
    if (p) {
      kernel::process_abandon(p);  // release_linux frees the space
    } else {
      mm::AddressSpace::destroy(image.as);
    }
    return klib::Err(e);
  };
  auto created = kernel::process_create(basename(path), parent);
  if (!created.ok()) return fail(created.error());
  p = *created;
  void* lp = mm::kzalloc(sizeof(LinuxProcess));
  if (!lp) return fail(klib::Error::NOMEM);
  p->personality = new (lp) LinuxProcess();
  p->release_personality = release_linux;
  p->address_space = image.as;
  p->user_syscall = syscall_entry;
  static_cast<LinuxProcess*>(p->personality)->sigreturn_code = image.sigreturn_code;
  record_exec(p, path, argv);
  kernel::signal_init_process(p, &linux_rules());

  auto* start = static_cast<StartInfo*>(mm::kmalloc(sizeof(StartInfo)));
  if (!start) return fail(klib::Error::NOMEM);
  *start = {image.entry, image.sp};
  kernel::ThreadParams params;
  params.name = p->name;
  // SCHED_OTHER, as on Linux: the fair class, below every RT thread, so a
  // busy Linux program never starves vsh or the Vela services.
  params.policy = sched::Policy::Fair;
  params.priority = 0;  // nice 0
  auto t = kernel::thread_spawn(p, params, user_main, start);
  if (!t.ok()) {
    mm::kfree(start);
    return fail(t.error());
  }
  const int pid = p->pid;
  kernel::thread_put(*t);
  return pid;
}

klib::Result<void> exec_current(hal::TrapFrame* frame, const char* path, const char* const* argv,
                                const char* const* envp) {
  kernel::Process* p = kernel::current_process();
  LinuxProcess* lp = current_linux();
  if (!lp || !p->address_space) return klib::Err(klib::Error::INVAL);
  // TODO(threads): other threads of the caller keep running until they
  // exit; Linux kills them first (de_thread).
  const Loaded image = TRY(load_image(path, argv, envp, p->cred));
  // The point of no return: switch to the new space, drop the old one.
  sched::Thread* self = sched::current();
  mm::AddressSpace* old = p->address_space;
  hal::context_attach_user(&self->ctx, image.as->table());
  p->address_space = image.as;
  mm::AddressSpace::put(old);  // a vfork child drops its parent's reference
  vfork_release(p);
  // Fresh registers and FP state; caught signals go back to their default.
  if (kernel::ProcessThread* t = kernel::current_thread(); t && t->user_fp)
    hal::context_attach_current(&self->ctx, 0, t->user_fp);
  kernel::signal_reset_for_exec();
  lp->sigreturn_code = image.sigreturn_code;
  lp->clear_child_tid = 0;
  record_exec(p, path, argv);
  lp->robust_list = 0;
  lp->robust_len = 0;
  if (LinuxThread* lt = current_linux_thread(false)) *lt = LinuxThread{};
  if (fs::FdTable* fds = p->files.fds) fds->close_on_exec();
  set_name(p, path);
  hal::trap_frame_reset_user(*frame, image.entry, image.sp, 0);
  return klib::ok();
}

}  // namespace linux_compat
