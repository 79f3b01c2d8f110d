// Pipes and FIFOs. A Pipe hangs off its vnode (Vnode::file_priv) while any
// end is open: an anonymous pipe's vnode belongs to no filesystem, a FIFO's
// to the filesystem holding its name. Readers and writers share one
// WaitPoint; every state change wakes both it and the poll head.
#include <fs/pipe.hpp>
#include <fs/platform.hpp>
#include <fs/poll.hpp>

namespace fs {
namespace {

using klib::Err;
using klib::Error;
using klib::Result;

struct Pipe {
  Lock lock;  // the ring and the counters
  WaitPoint wait;
  PollHead poll;
  int readers = 0, writers = 0;
  std::uint64_t reader_opens = 0, writer_opens = 0;  // FIFO open rendezvous
  std::size_t head = 0, count = 0;
  unsigned char buf[kPipeBuf];
};

Lock g_attach_lock;  // creating and freeing Vnode::file_priv pipes

void notify(Pipe* p) {
  p->wait.wake_all();
  p->poll.wake();
}

void close_end(OpenFile* f);

// Finds or creates the vnode's pipe and counts this open, both under the
// attach lock so a concurrent last close cannot free the pipe in between.
Result<Pipe*> attach(OpenFile* f) {
  LockGuard g(g_attach_lock);
  Vnode* v = f->vnode;
  if (!v->file_priv) {
    v->file_priv = make<Pipe>();
    if (!v->file_priv) return Err(Error::NOMEM);
  }
  auto* p = static_cast<Pipe*>(v->file_priv);
  LockGuard pg(p->lock);
  if (f->readable()) ++p->readers, ++p->reader_opens;
  if (f->writable()) ++p->writers, ++p->writer_opens;
  return p;
}

Result<void> open_end(OpenFile* f, bool fifo) {
  Pipe* p = TRY(attach(f));
  f->priv = p;
  notify(p);
  const bool rd = f->readable(), wr = f->writable();
  if (!fifo || rd == wr) return klib::ok();
  // POSIX FIFO open: a reader waits for a writer and vice versa, unless
  // O_NONBLOCK (then a lone writer gets NXIO) or O_RDWR.
  p->lock.lock();
  const std::uint64_t* peer = rd ? &p->writer_opens : &p->reader_opens;
  const int* peer_count = rd ? &p->writers : &p->readers;
  const std::uint64_t seen = *peer;
  if (f->nonblocking()) {
    const bool alone = wr && *peer_count == 0;
    p->lock.unlock();
    if (alone) {
      close_end(f);  // a failed open gets no close call from the VFS
      return Err(Error::NXIO);
    }
    return klib::ok();
  }
  while (*peer_count == 0 && *peer == seen) {
    const std::uint64_t gen = p->wait.generation();
    p->lock.unlock();
    p->wait.wait(gen, kWaitForever);
    p->lock.lock();
  }
  p->lock.unlock();
  return klib::ok();
}

Result<void> open_fifo(OpenFile* f) { return open_end(f, true); }
Result<void> open_anon(OpenFile* f) { return open_end(f, false); }

void close_end(OpenFile* f) {
  Pipe* p = static_cast<Pipe*>(f->priv);
  if (!p) return;
  f->priv = nullptr;
  LockGuard g(g_attach_lock);
  p->lock.lock();
  if (f->readable()) --p->readers;
  if (f->writable()) --p->writers;
  const bool last = p->readers == 0 && p->writers == 0;
  p->lock.unlock();
  notify(p);
  if (last) {
    // The data of a FIFO does not outlive its last open (POSIX).
    f->vnode->file_priv = nullptr;
    destroy(p);
  }
}

Result<std::size_t> read(OpenFile* f, void* out, std::size_t n, std::uint64_t*) {
  Pipe* p = static_cast<Pipe*>(f->priv);
  if (n == 0) return std::size_t{0};
  p->lock.lock();
  while (p->count == 0) {
    if (p->writers == 0) {
      p->lock.unlock();
      return std::size_t{0};  // EOF
    }
    if (f->nonblocking()) {
      p->lock.unlock();
      return Err(Error::AGAIN);
    }
    const std::uint64_t gen = p->wait.generation();
    p->lock.unlock();
    p->wait.wait(gen, kWaitForever);
    p->lock.lock();
  }
  const std::size_t take = n < p->count ? n : p->count;
  auto* dst = static_cast<unsigned char*>(out);
  for (std::size_t i = 0; i < take; ++i) dst[i] = p->buf[(p->head + i) % kPipeBuf];
  p->head = (p->head + take) % kPipeBuf;
  p->count -= take;
  p->lock.unlock();
  notify(p);
  return take;
}

// Writes of at most kPipeBuf bytes are atomic (PIPE_BUF): they wait for
// room for all of it. Larger writes may be split between readers.
Result<std::size_t> write(OpenFile* f, const void* in, std::size_t n, std::uint64_t*) {
  Pipe* p = static_cast<Pipe*>(f->priv);
  const auto* src = static_cast<const unsigned char*>(in);
  std::size_t done = 0;
  p->lock.lock();
  while (done < n) {
    if (p->readers == 0) {
      p->lock.unlock();
      if (done) return done;
      return Err(Error::PIPE);  // the caller raises SIGPIPE where it has signals
    }
    const std::size_t space = kPipeBuf - p->count;
    const std::size_t need = n <= kPipeBuf ? n - done : 1;
    if (space < need) {
      if (f->nonblocking()) {
        p->lock.unlock();
        if (done) return done;
        return Err(Error::AGAIN);
      }
      const std::uint64_t gen = p->wait.generation();
      p->lock.unlock();
      p->wait.wait(gen, kWaitForever);
      p->lock.lock();
      continue;
    }
    const std::size_t put = space < n - done ? space : n - done;
    for (std::size_t i = 0; i < put; ++i)
      p->buf[(p->head + p->count + i) % kPipeBuf] = src[done + i];
    p->count += put;
    done += put;
    notify(p);
  }
  p->lock.unlock();
  return done;
}

short poll(OpenFile* f, PollTable* pt) {
  Pipe* p = static_cast<Pipe*>(f->priv);
  if (pt) pt->add(p->poll);
  LockGuard g(p->lock);
  short mask = 0;
  if (f->readable()) {
    if (p->count) mask |= pollev::IN;
    if (p->writers == 0) mask |= pollev::HUP;
  }
  if (f->writable()) {
    if (p->count < kPipeBuf) mask |= pollev::OUT;
    if (p->readers == 0) mask |= pollev::ERR;
  }
  return mask;
}

const FileOps kAnonPipeOps = {open_anon, close_end, read, write, nullptr, nullptr, poll, false};

void release_anon(Vnode* v) { destroy(v); }
const VnodeOps kAnonVnodeOps = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,     nullptr,
                                nullptr, nullptr, nullptr, nullptr, nullptr, release_anon};

std::atomic<std::uint64_t> g_pipe_ino{1};

}  // namespace

const FileOps kFifoFileOps = {open_fifo, close_end, read, write, nullptr, nullptr, poll, false};

Result<void> pipe_create(OpenFile* ends[2], int flags) {
  auto* v = make<Vnode>();
  if (!v) return Err(Error::NOMEM);
  vnode_init(v, nullptr, VType::Fifo, 0600, g_pipe_ino.fetch_add(1, std::memory_order_relaxed));
  v->ops = &kAnonVnodeOps;
  v->fops = &kAnonPipeOps;
  const int nb = flags & oflag::NONBLOCK;
  auto r = file_open_vnode(v, oflag::RDONLY | nb);
  if (!r) {
    vnode_put(v);
    return Err(r.error());
  }
  auto w = file_open_vnode(v, oflag::WRONLY | nb);
  vnode_put(v);  // the open files hold it now
  if (!w) {
    file_put(*r);
    return Err(w.error());
  }
  ends[0] = *r;
  ends[1] = *w;
  return klib::ok();
}

}  // namespace fs
