#include "daemon/checkpointer.hpp"

#include <spdlog/spdlog.h>

#include "core/store.hpp"

namespace leadsync::daemon {

checkpointer::checkpointer(core::sqlite_options db, std::chrono::milliseconds interval)
    : db_options_(std::move(db)), interval_(interval) {}

checkpointer::~checkpointer() { stop(); }

void checkpointer::start() {
  db_ = std::make_unique<core::sqlite::database>(db_options_.path, db_options_.full_sync);
  thread_ = std::thread([this] { run(); });
}

void checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
    checkpoint();
  }
}

void checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

void checkpointer::checkpoint() {
  try {
    core::sqlite::statement q(db_->handle(), "PRAGMA wal_checkpoint(PASSIVE)");
    while (q.step()) {
    }
  } catch (const core::store_error& e) {
    // The next round tries again; the log keeps growing until one works.
    spdlog::get("writer")->warn("checkpoint failed error=\"{}\"", e.what());
  }
}

}  // namespace leadsync::daemon
