#include "daemon/writer.hpp"

#include <chrono>

#include <spdlog/spdlog.h>


namespace leadsync::daemon {
namespace {

// Events (and due leads) per processing transaction when no request waits,
// and when requests wait for their commit: the slice bounds how long a 202
// waits behind processing (32 new leads take about 3 ms on the benchmark
// machine, bench/RESULTS.md).
constexpr std::size_t process_batch = 256;
constexpr std::size_t process_slice = 32;
constexpr auto retry_pause = std::chrono::seconds{1};

}  // namespace

writer::writer(core::sqlite_options db, std::shared_ptr<const core::lead_definition> definition,
               std::vector<std::string> connectors, std::function<void()> on_outbox_changed)
    : db_options_(std::move(db)),
      definition_(std::move(definition)),
      connectors_(std::move(connectors)),
      on_outbox_changed_(std::move(on_outbox_changed)) {}

writer::~writer() { stop(); }

void writer::start() {
  store_ = core::open_sqlite_store(db_options_);
  thread_ = std::thread([this] { run(); });
}

void writer::submit(std::vector<core::event> events, completion done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(events), std::move(done)});
  }
  wake_.notify_one();
}

void writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void writer::run() {
  bool backlog = true;  // events may be waiting from before a restart
  for (;;) {
    std::vector<pending> batch;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      if (queue_.empty() && !backlog && !stopping_) {
        // A timed-out wait retries processing that failed before.
        backlog = !wake_.wait_for(lock, retry_pause, [this] { return !queue_.empty() || stopping_; });
      }
      batch.swap(queue_);
      stopping = stopping_;
    }
    if (!batch.empty()) {
      commit(batch);
      backlog = true;
    }
    // Ingest comes first: process one batch, then look at the queue again.
    if (backlog) {
      backlog = process_some(ingest_waiting() ? process_slice : process_batch);
    }
    if (stopping && batch.empty() && !backlog) {
      return;
    }
  }
}

void writer::commit(std::vector<pending>& batch) {
  std::vector<core::event> all;
  for (auto& p : batch) {
    std::move(p.events.begin(), p.events.end(), std::back_inserter(all));
  }
  try {
    const std::vector<core::append_status> statuses = store_->append_events(all);
    std::size_t at = 0;
    for (auto& p : batch) {
      const std::size_t n = p.events.size();
      std::vector<core::append_status> mine(statuses.begin() + static_cast<std::ptrdiff_t>(at),
                                            statuses.begin() + static_cast<std::ptrdiff_t>(at + n));
      at += n;
      p.done(std::move(mine));
    }
    storage_ok_ = true;
  } catch (const core::store_error& e) {
    storage_ok_ = false;
    spdlog::get("writer")->error("event commit failed events={} error=\"{}\"", all.size(), e.what());
    for (auto& p : batch) {
      p.done(core::error{core::error_kind::internal, "storage_unavailable",
                         "the event could not be stored; retry later"});
    }
  }
}

core::processor::counters writer::processing_totals() const {
  std::lock_guard lock(totals_mutex_);
  return totals_;
}

void writer::add_totals(const core::processor::counters& pass) {
  if (pass.dropped_forgotten > 0) {
    // No address here: the point of forgetting is not to write it anywhere.
    spdlog::get("writer")->info("event for a forgotten person dropped events={}", pass.dropped_forgotten);
  }
  std::lock_guard lock(totals_mutex_);
  totals_.events += pass.events;
  totals_.transitions += pass.transitions;
  totals_.sla_breaches += pass.sla_breaches;
  totals_.dropped_forgotten += pass.dropped_forgotten;
  for (const auto& [stage, n] : pass.stage_changes) {
    totals_.stage_changes[stage] += n;
  }
}

void writer::reconfigure(std::shared_ptr<const core::lead_definition> definition,
                         std::vector<std::string> connectors) {
  std::lock_guard lock(mutex_);
  definition_ = std::move(definition);
  connectors_ = std::move(connectors);
}

bool writer::ingest_waiting() {
  std::lock_guard lock(mutex_);
  return !queue_.empty();
}

// Processes up to `limit` logged events, then up to `limit` leads whose time
// has come (decay, inactivity, SLA). Returns true when more may be waiting.
bool writer::process_some(std::size_t limit) {
  try {
    std::shared_ptr<const core::lead_definition> definition;
    std::vector<std::string> connectors;
    {
      std::lock_guard lock(mutex_);
      definition = definition_;
      connectors = connectors_;
    }
    core::processor proc(*store_, *definition, connectors);
    const std::size_t events = proc.run(limit);
    const std::size_t due = proc.run_due(core::now_utc(), limit);
    if (proc.totals().transitions > 0) {
      on_outbox_changed_();
    }
    add_totals(proc.totals());
    if (events > 0 || due > 0) {
      spdlog::get("writer")->debug("processed events={} due_leads={} transitions={}", events, due,
                                   proc.totals().transitions);
    }
    return events == limit || due == limit;
  } catch (const core::store_error& e) {
    spdlog::get("writer")->error("processing failed, retrying in 1s error=\"{}\"", e.what());
    return false;
  }
}

}  // namespace leadsync::daemon
