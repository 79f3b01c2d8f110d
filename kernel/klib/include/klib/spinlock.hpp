// Spinlocks. SpinLock is a ticket lock (FIFO fair across CPUs); SpinLockIrq
// also masks interrupts on the local CPU for the critical section, which every
// lock shared with an interrupt handler must be. RAII guards only: no manual
// lock/unlock pairs in kernel code.
#pragma once

#include <atomic>
#include <cstdint>

#include <hal/cpu.hpp>

namespace klib {

class SpinLock {
 public:
  void lock() {
    const std::uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    while (serving_.load(std::memory_order_acquire) != ticket) hal::cpu_relax();
  }
  bool try_lock() {
    std::uint32_t serving = serving_.load(std::memory_order_relaxed);
    std::uint32_t expected = serving;
    return next_.compare_exchange_strong(expected, serving + 1, std::memory_order_acquire);
  }
  void unlock() { serving_.fetch_add(1, std::memory_order_release); }
  bool is_locked() const {
    return next_.load(std::memory_order_relaxed) != serving_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint32_t> next_{0};
  std::atomic<std::uint32_t> serving_{0};
};

class SpinLockIrq {
 public:
  hal::IrqFlags lock() {
    hal::IrqFlags flags = hal::irq_save();
    inner_.lock();
    return flags;
  }
  void unlock(hal::IrqFlags flags) {
    inner_.unlock();
    hal::irq_restore(flags);
  }
  bool is_locked() const { return inner_.is_locked(); }

 private:
  SpinLock inner_;
};

class SpinGuard {
 public:
  explicit SpinGuard(SpinLockIrq& l) : lock_(l), flags_(l.lock()) {}
  ~SpinGuard() { lock_.unlock(flags_); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  SpinLockIrq& lock_;
  hal::IrqFlags flags_;
};

// For a bare SpinLock. It masks interrupts too: the kernel preempts only
// from interrupt exit, so this is what keeps the holder from being switched
// out (another thread on this CPU spinning on the lock would never let it
// run again). klib cannot call the scheduler's preempt_disable, and
// masking is cheaper anyway.
class PlainSpinGuard {
 public:
  explicit PlainSpinGuard(SpinLock& l) : lock_(l), flags_(hal::irq_save()) { lock_.lock(); }
  ~PlainSpinGuard() {
    lock_.unlock();
    hal::irq_restore(flags_);
  }
  PlainSpinGuard(const PlainSpinGuard&) = delete;
  PlainSpinGuard& operator=(const PlainSpinGuard&) = delete;

 private:
  SpinLock& lock_;
  hal::IrqFlags flags_;
};

}  // namespace klib
