// Thread-specific data: pthread_key_create/delete/getspecific/setspecific
// and the destructor pass at thread exit (up to DESTRUCTOR_ITERATIONS rounds).
#include <klib/spinlock.hpp>

#include "pthread_internal.hpp"

namespace vela {
namespace {

struct Key {
  bool used = false;
  void (*destructor)(void*) = nullptr;
};
klib::SpinLockIrq g_keys_lock;
Key g_keys[vabi::kKeysMax];

}  // namespace

void run_key_destructors(Tcb* self) {
  for (int round = 0; round < vabi::kDestructorIterations; ++round) {
    bool any = false;
    for (int k = 0; k < vabi::kKeysMax; ++k) {
      void* v = self->keys[k];
      if (!v) continue;
      void (*dtor)(void*);
      {
        klib::SpinGuard guard(g_keys_lock);
        dtor = g_keys[k].used ? g_keys[k].destructor : nullptr;
      }
      self->keys[k] = nullptr;
      if (dtor) {
        dtor(v);
        any = true;
      }
    }
    if (!any) return;
  }
}

}  // namespace vela

using namespace vela;

VELA_API(int, pthread_key_create, int* key, void (*destructor)(void*)) {
  if (!key) return err(Error::INVAL);
  klib::SpinGuard guard(g_keys_lock);
  for (int k = 0; k < vabi::kKeysMax; ++k) {
    if (g_keys[k].used) continue;
    g_keys[k].used = true;
    g_keys[k].destructor = destructor;
    *key = k;
    return 0;
  }
  return err(Error::AGAIN);
}

VELA_API(int, pthread_key_delete, int key) {
  if (key < 0 || key >= vabi::kKeysMax) return err(Error::INVAL);
  {
    klib::SpinGuard guard(g_keys_lock);
    if (!g_keys[key].used) return err(Error::INVAL);
    g_keys[key] = Key{};
  }
  // Values of this key left in threads are never passed to a destructor
  // (POSIX); clear the caller's so a reused key starts empty.
  if (Tcb* self = current_tcb()) self->keys[key] = nullptr;
  return 0;
}

static bool key_valid(int key) {
  if (key < 0 || key >= vabi::kKeysMax) return false;
  klib::SpinGuard guard(g_keys_lock);
  return g_keys[key].used;
}

VELA_API(int, pthread_setspecific, int key, const void* value) {
  Tcb* self = current_tcb();
  if (!self || !key_valid(key)) return err(Error::INVAL);
  self->keys[key] = const_cast<void*>(value);
  return 0;
}

VELA_API(void*, pthread_getspecific, int key) {
  Tcb* self = current_tcb();
  if (!self || !key_valid(key)) return nullptr;
  return self->keys[key];
}
