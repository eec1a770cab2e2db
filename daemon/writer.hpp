#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/definition.hpp"
#include "core/event.hpp"
#include "core/processor.hpp"
#include "core/result.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "core/store.hpp"

namespace leadsync::daemon {

// The one thread that writes events and lead state. Requests hand it their
// events with submit(); it appends everything pending in one transaction
// (group commit) and only then calls each completion, so a webhook is
// acknowledged only once its event is durable. Between commits it runs the
// processor over the event log and over leads whose re-check is due (at
// least once a second), and tells delivery when the outbox changed.
class writer {
 public:
  using append_result = core::result<std::vector<core::append_status>>;
  // Called on the writer thread; must not block.
  using completion = std::function<void(append_result)>;

  writer(core::sqlite_options db, std::shared_ptr<const core::lead_definition> definition,
         std::vector<std::string> connectors, std::function<void()> on_outbox_changed);
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // Opens the database (throws core::store_error) and starts the thread.
  void start();
  // Thread-safe. `done` gets one status per event, or an error if the commit failed.
  void submit(std::vector<core::event> events, completion done);
  // Commits what was submitted, processes what is logged, and joins.
  void stop();
  // Thread-safe: false once a commit failed, until one succeeds again (/readyz).
  bool storage_ok() const { return storage_ok_.load(); }

  // Thread-safe (a config reload): the next processing pass uses this
  // definition and these connectors; the pass in progress finishes on the old.
  void reconfigure(std::shared_ptr<const core::lead_definition> definition, std::vector<std::string> connectors);

  // Thread-safe: what the processor did since start (events, stage changes
  // by stage, SLA breaches, events of forgotten people dropped), for /metrics.
  core::processor::counters processing_totals() const;

 private:
  struct pending {
    std::vector<core::event> events;
    completion done;
  };

  void run();
  void commit(std::vector<pending>& batch);
  bool process_some(std::size_t limit);
  bool ingest_waiting();
  void add_totals(const core::processor::counters& pass);

  core::sqlite_options db_options_;
  std::shared_ptr<const core::lead_definition> definition_;  // guarded by mutex_
  std::vector<std::string> connectors_;                      // guarded by mutex_
  std::function<void()> on_outbox_changed_;
  std::unique_ptr<core::store> store_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<pending> queue_;
  bool stopping_ = false;
  std::atomic<bool> storage_ok_{true};
  mutable std::mutex totals_mutex_;
  core::processor::counters totals_;  // guarded by totals_mutex_
  std::thread thread_;
};

}  // namespace leadsync::daemon
