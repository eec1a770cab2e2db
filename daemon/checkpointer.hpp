#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/sqlite/sqlite_db.hpp"
#include "core/sqlite/sqlite_store.hpp"

namespace leadsync::daemon {

// Copies the write-ahead log into the database file from a thread of its
// own, every `interval`. PASSIVE: it never waits for, nor blocks, a writer
// or a reader. SQLite's automatic checkpoint at the end of a commit (every
// 1,000 pages) stays on: it is what restarts the log, so the file stays
// small under steady load, but it finds little left to copy, and the
// writer's commits (the 202s waiting on them) no longer pay for the copying.
class checkpointer {
 public:
  explicit checkpointer(core::sqlite_options db, std::chrono::milliseconds interval = std::chrono::milliseconds{50});
  ~checkpointer();
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  // Opens its connection (throws core::store_error) and starts the thread.
  void start();
  // Runs a last checkpoint and joins.
  void stop();

 private:
  void run();
  void checkpoint();

  core::sqlite_options db_options_;
  std::chrono::milliseconds interval_;
  std::unique_ptr<core::sqlite::database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace leadsync::daemon
