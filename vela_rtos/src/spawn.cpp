// The spawn family: NuttX task_spawn (an entry point) and posix_spawn /
// posix_spawnp (a FUSION_BUILTIN application named by "path": this is a flat
// build with no executables), posix_spawnattr_* (flags, scheduling policy and
// priority, signal mask; the child has no inherited handlers, so SETSIGDEF
// holds trivially) and posix_spawn_file_actions_* (open/close/dup2 applied by
// the child to its own descriptor table before main). picolibc's <spawn.h>
// makes both object types opaque pointers, allocated here on the kernel heap.
#include <fs/vfs.hpp>
#include <mm/heap.hpp>

#include <new>

#include <fusion/builtin.h>
#include "fs_api_internal.hpp"
#include "spawn_internal.hpp"

namespace vela {
namespace {

// picolibc <spawn.h>.
constexpr short kSetSchedParam = 0x04, kSetScheduler = 0x08, kSetSigDef = 0x10, kSetSigMask = 0x20,
                kResetIds = 0x01, kSetPgroup = 0x02;
constexpr short kKnownFlags =
    kSetSchedParam | kSetScheduler | kSetSigDef | kSetSigMask | kResetIds | kSetPgroup;
constexpr std::uint32_t kAttrMagic = 0x53504154u, kActionsMagic = 0x53504641u;
constexpr int kMaxFd = 255;  // fs::FdTable's 256 slots

struct SpawnAttr {
  std::uint32_t magic = kAttrMagic;
  short flags = 0;
  int policy = vabi::kSchedRr;
  int priority = 0;  // 0: not set
  std::uint64_t mask = 0;
  std::uint64_t sigdefault = 0;
  int pgroup = 0;
  std::size_t stacksize = 0;
};

enum class Kind : std::uint8_t { Open, Close, Dup2 };

struct Action {
  Kind kind;
  int fd;     // the descriptor to open/close, or dup2's target
  int src;    // dup2's source
  int oflag;  // picolibc open flags
  std::uint32_t mode;
  Action* next;
  char path[];  // Open
};

struct FileActions {
  std::uint32_t magic = kActionsMagic;
  Action* head = nullptr;
  Action* tail = nullptr;
};

bool valid_fd(int fd) { return fd >= 0 && fd <= kMaxFd; }

SpawnAttr* attr_of(void* const* a) {
  if (!a || !*a) return nullptr;
  auto* s = static_cast<SpawnAttr*>(*a);
  return s->magic == kAttrMagic ? s : nullptr;
}

FileActions* actions_of(void* const* fa) {
  if (!fa || !*fa) return nullptr;
  auto* s = static_cast<FileActions*>(*fa);
  return s->magic == kActionsMagic ? s : nullptr;
}

void append(FileActions* fa, Action* a) {
  a->next = nullptr;
  if (fa->tail) {
    fa->tail->next = a;
  } else {
    fa->head = a;
  }
  fa->tail = a;
}

int add_action(void** handle, Kind kind, int fd, int src, const char* path, int oflag,
               std::uint32_t mode) {
  FileActions* fa = actions_of(handle);
  if (!fa) return err(Error::INVAL);
  if (!valid_fd(fd) || (kind == Kind::Dup2 && !valid_fd(src))) return err(Error::BADF);
  std::size_t len = 0;
  if (kind == Kind::Open) {
    if (!path) return err(Error::INVAL);
    while (path[len]) ++len;
  }
  auto* a = static_cast<Action*>(mm::kzalloc(sizeof(Action) + len + 1));
  if (!a) return err(Error::NOMEM);
  a->kind = kind;
  a->fd = fd;
  a->src = src;
  a->oflag = oflag;
  a->mode = mode;
  for (std::size_t i = 0; i < len; ++i) a->path[i] = path[i];
  append(fa, a);
  return 0;
}

// Runs on the child: the actions in order, on its own descriptor table.
int apply_actions(const void* ctx) {
  auto* fa = static_cast<const FileActions*>(ctx);
  fs::FsContext& files = current_fs();
  for (const Action* a = fa->head; a; a = a->next) {
    switch (a->kind) {
      case Kind::Close:
        // POSIX: closing a descriptor that is not open is not an error here.
        (void)fs::close(files, a->fd);
        break;
      case Kind::Dup2:
        if (auto r = files.fds ? files.fds->dup2(a->src, a->fd)
                               : klib::Result<int>(klib::Err(Error::BADF));
            !r)
          return static_cast<int>(r.error());
        break;
      case Kind::Open: {
        auto r = fs::open(files, a->path, oflags_to_fs(a->oflag), a->mode);
        if (!r) return static_cast<int>(r.error());
        if (*r != a->fd) {
          auto d = files.fds->dup2(*r, a->fd);
          (void)fs::close(files, *r);
          if (!d) return static_cast<int>(d.error());
        }
        break;
      }
    }
  }
  return 0;
}

// The caller's own policy and base priority (what a child inherits).
void inherited_sched(int* policy, int* priority) {
  Tcb* self = current_tcb();
  *policy = self ? self->policy : vabi::kSchedRr;
  *priority = self ? self->base_priority : sched::kDefaultPriority;
}

// task_spawn and posix_spawn: errno value, pid in *pid.
int spawn(int* pid, const char* name, const char* argv0, int (*entry)(int, char**),
          void* const* file_actions, void* const* attr, char* const argv[], int default_prio) {
  if (!entry) return err(Error::INVAL);
  const FileActions* fa = nullptr;
  if (file_actions && *file_actions) {
    fa = actions_of(file_actions);
    if (!fa) return err(Error::INVAL);
  }
  const SpawnAttr* at = nullptr;
  if (attr && *attr) {
    at = attr_of(attr);
    if (!at) return err(Error::INVAL);
  }
  int policy, priority;
  inherited_sched(&policy, &priority);
  if (default_prio > 0) priority = default_prio;
  if (at && (at->flags & kSetScheduler)) policy = at->policy;
  if (at && (at->flags & (kSetSchedParam | kSetScheduler)) && at->priority > 0)
    priority = at->priority;
  if (!valid_priority(policy, priority)) return err(Error::INVAL);
  TaskSpawn sp;
  if (at && (at->flags & kSetSigMask)) {
    sp.set_mask = true;
    sp.mask = at->mask;
  }
  if (fa && fa->head) {
    sp.setup = apply_actions;
    sp.ctx = fa;
  }
  auto r = create_task(name, argv0, entry, argv, policy, priority, &sp);
  if (!r) return err(r.error());
  if (pid) *pid = *r;
  return 0;
}

// The builtin a spawn path names: the whole string, or its last component
// ("/bin/hello" and "hello" both start `hello`).
const fusion_builtin* builtin_for(const char* path) {
  if (const fusion_builtin* b = fusion_builtin_find(path)) return b;
  const char* base = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/') base = p + 1;
  return *base ? fusion_builtin_find(base) : nullptr;
}

int spawn_builtin(int* pid, const char* path, void* const* fa, void* const* attr,
                  char* const argv[]) {
  if (!path || !*path) return err(Error::INVAL);
  const fusion_builtin* b = builtin_for(path);
  if (!b) return err(Error::NOENT);
  int prio = b->priority < 1                     ? 1
             : b->priority > sched::kMaxPriority ? sched::kMaxPriority
                                                 : b->priority;
  // argv[0] is the caller's (POSIX); the task is named after the builtin.
  const char* argv0 = argv && argv[0] ? argv[0] : b->name;
  return spawn(pid, b->name, argv0, b->main, fa, attr, argv && argv[0] ? argv + 1 : nullptr, prio);
}

}  // namespace
}  // namespace vela

using namespace vela;

// NuttX: task_spawn(&pid, name, entry, file_actions, attr, argv, envp). The
// task inherits the caller's priority unless attr sets one; argv[0] is the
// name and `argv` follows (as task_create). envp is not supported (ignored).
VELA_API(int, task_spawn, int* pid, const char* name, int (*entry)(int, char**),
         void* const* file_actions, void* const* attr, char* const argv[], char* const envp[]) {
  (void)envp;
  return spawn(pid, name, nullptr, entry, file_actions, attr, argv, 0);
}

VELA_API(int, posix_spawn, int* pid, const char* path, void* const* file_actions, void* const* attr,
         char* const argv[], char* const envp[]) {
  (void)envp;
  return spawn_builtin(pid, path, file_actions, attr, argv);
}

// No PATH search: builtins are found by name either way.
VELA_API(int, posix_spawnp, int* pid, const char* file, void* const* file_actions,
         void* const* attr, char* const argv[], char* const envp[]) {
  (void)envp;
  return spawn_builtin(pid, file, file_actions, attr, argv);
}

// --- attributes ----------------------------------------------------------------

VELA_API(int, posix_spawnattr_init, void** a) {
  if (!a) return err(Error::INVAL);
  void* mem = mm::kzalloc(sizeof(SpawnAttr));
  if (!mem) return err(Error::NOMEM);
  auto* s = new (mem) SpawnAttr();
  int policy;
  inherited_sched(&policy, &s->priority);
  s->policy = policy;
  *a = s;
  return 0;
}

VELA_API(int, posix_spawnattr_destroy, void** a) {
  SpawnAttr* s = attr_of(a);
  if (!s) return err(Error::INVAL);
  s->magic = 0;
  mm::kfree(s);
  *a = nullptr;
  return 0;
}

VELA_API(int, posix_spawnattr_setflags, void** a, short flags) {
  SpawnAttr* s = attr_of(a);
  if (!s || (flags & ~kKnownFlags)) return err(Error::INVAL);
  s->flags = flags;
  return 0;
}

VELA_API(int, posix_spawnattr_getflags, void* const* a, short* flags) {
  SpawnAttr* s = attr_of(a);
  if (!s || !flags) return err(Error::INVAL);
  *flags = s->flags;
  return 0;
}

VELA_API(int, posix_spawnattr_setschedpolicy, void** a, int policy) {
  SpawnAttr* s = attr_of(a);
  if (!s || !valid_policy(policy)) return err(Error::INVAL);
  s->policy = policy;
  return 0;
}

VELA_API(int, posix_spawnattr_getschedpolicy, void* const* a, int* policy) {
  SpawnAttr* s = attr_of(a);
  if (!s || !policy) return err(Error::INVAL);
  *policy = s->policy;
  return 0;
}

VELA_API(int, posix_spawnattr_setschedparam, void** a, const vabi::sched_param* p) {
  SpawnAttr* s = attr_of(a);
  if (!s || !p || p->sched_priority < 1 || p->sched_priority > sched::kMaxPriority)
    return err(Error::INVAL);
  s->priority = p->sched_priority;
  return 0;
}

VELA_API(int, posix_spawnattr_getschedparam, void* const* a, vabi::sched_param* p) {
  SpawnAttr* s = attr_of(a);
  if (!s || !p) return err(Error::INVAL);
  p->sched_priority = s->priority;
  return 0;
}

VELA_API(int, posix_spawnattr_setsigmask, void** a, const std::uint64_t* set) {
  SpawnAttr* s = attr_of(a);
  if (!s || !set) return err(Error::INVAL);
  s->mask = *set;
  return 0;
}

VELA_API(int, posix_spawnattr_getsigmask, void* const* a, std::uint64_t* set) {
  SpawnAttr* s = attr_of(a);
  if (!s || !set) return err(Error::INVAL);
  *set = s->mask;
  return 0;
}

VELA_API(int, posix_spawnattr_setsigdefault, void** a, const std::uint64_t* set) {
  SpawnAttr* s = attr_of(a);
  if (!s || !set) return err(Error::INVAL);
  s->sigdefault = *set;
  return 0;
}

VELA_API(int, posix_spawnattr_getsigdefault, void* const* a, std::uint64_t* set) {
  SpawnAttr* s = attr_of(a);
  if (!s || !set) return err(Error::INVAL);
  *set = s->sigdefault;
  return 0;
}

// No process groups: the value is kept and reported back only.
VELA_API(int, posix_spawnattr_setpgroup, void** a, int pgroup) {
  SpawnAttr* s = attr_of(a);
  if (!s || pgroup < 0) return err(Error::INVAL);
  s->pgroup = pgroup;
  return 0;
}

VELA_API(int, posix_spawnattr_getpgroup, void* const* a, int* pgroup) {
  SpawnAttr* s = attr_of(a);
  if (!s || !pgroup) return err(Error::INVAL);
  *pgroup = s->pgroup;
  return 0;
}

// NuttX extension; the scheduler's stack size is fixed, so it is recorded only.
VELA_API(int, posix_spawnattr_setstacksize, void** a, std::size_t size) {
  SpawnAttr* s = attr_of(a);
  if (!s) return err(Error::INVAL);
  s->stacksize = size;
  return 0;
}

VELA_API(int, posix_spawnattr_getstacksize, void* const* a, std::size_t* size) {
  SpawnAttr* s = attr_of(a);
  if (!s || !size) return err(Error::INVAL);
  *size = s->stacksize;
  return 0;
}

// --- file actions ----------------------------------------------------------------

VELA_API(int, posix_spawn_file_actions_init, void** fa) {
  if (!fa) return err(Error::INVAL);
  void* mem = mm::kzalloc(sizeof(FileActions));
  if (!mem) return err(Error::NOMEM);
  *fa = new (mem) FileActions();
  return 0;
}

VELA_API(int, posix_spawn_file_actions_destroy, void** fa) {
  FileActions* s = actions_of(fa);
  if (!s) return err(Error::INVAL);
  while (Action* a = s->head) {
    s->head = a->next;
    mm::kfree(a);
  }
  s->magic = 0;
  mm::kfree(s);
  *fa = nullptr;
  return 0;
}

VELA_API(int, posix_spawn_file_actions_addopen, void** fa, int fd, const char* path, int oflag,
         std::uint32_t mode) {
  return add_action(fa, Kind::Open, fd, -1, path, oflag, mode);
}

VELA_API(int, posix_spawn_file_actions_addclose, void** fa, int fd) {
  return add_action(fa, Kind::Close, fd, -1, nullptr, 0, 0);
}

VELA_API(int, posix_spawn_file_actions_adddup2, void** fa, int fd, int newfd) {
  return add_action(fa, Kind::Dup2, newfd, fd, nullptr, 0, 0);
}
