#include "daemon/delivery.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "core/delivery/batch_verdict.hpp"
#include "core/delivery/request_budget.hpp"
#include "core/delivery/retry_policy.hpp"
#include "core/delivery/token_bucket.hpp"

namespace leadsync::daemon {

namespace asio = boost::asio;
namespace policy = core::delivery;
using std::chrono::milliseconds;

namespace {

// How often a lane refreshes its outbox gauges (two indexed queries).
constexpr auto gauge_refresh = std::chrono::milliseconds{250};

milliseconds until(core::timestamp then, core::timestamp now, milliseconds cap) {
  return std::clamp(std::chrono::duration_cast<milliseconds>(then - now), milliseconds{1}, cap);
}

policy::retry_settings retry_settings_of(const config::delivery_config& c) {
  policy::retry_settings s;
  s.initial = c.retry_initial;
  s.max = c.retry_max;
  s.max_attempts = c.max_attempts;
  s.max_age = c.max_age;
  return s;
}

}  // namespace

struct delivery::lane {
  lane(connector c, const config::delivery_config& defaults, asio::io_context& ioc)
      : conn(std::move(c)),
        settings(conn.settings.value_or(defaults)),
        log(spdlog::get("delivery")->clone("crm." + conn.name)),
        bucket(settings.requests_per_second, settings.burst.value_or(std::max(1.0, settings.requests_per_second))),
        budget(settings.daily_request_budget),
        breaker(policy::circuit_settings{settings.circuit_failures, settings.circuit_open, 10}),
        retry(retry_settings_of(settings)) {
    for (int i = 0; i < settings.workers; ++i) {
      timers.push_back(std::make_unique<asio::steady_timer>(ioc));
    }
    state.name = conn.name;
    state.daily_request_budget = settings.daily_request_budget;
  }

  connector conn;
  config::delivery_config settings;
  std::shared_ptr<spdlog::logger> log;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;  // one per worker; a wake cancels them all
  connector_state state;                                    // guarded by state_mutex_
  // Everything below: delivery thread only.
  std::set<std::string> unmapped_reported;    // stages already logged as not sent (once each)
  std::unordered_set<std::int64_t> claimed;   // outbox ids in a batch in flight
  policy::token_bucket bucket;
  policy::request_budget budget;
  policy::circuit_breaker breaker;
  policy::retry_settings retry;
  std::optional<core::timestamp> paused_until;   // the CRM's pause or the used-up request budget
  std::string pause_reason;
  std::string last_failure;                      // the message of the last failed batch, for the circuit's reason
  std::optional<core::timestamp> partial_since;  // linger: when the partial batch waiting became due
  std::uint64_t wakeups = 0;                     // a worker that sees this change does not go to sleep
  std::chrono::steady_clock::time_point gauges_at{};
};

// What the daemon saw of one exchange, beyond what the adapter reports.
struct delivery::exchange_notes {
  bool outage = false;     // an answer said the CRM is down (status 0, 408, 429, 5xx)
  bool cut_short = false;  // a request was not sent: the daily request budget is used up
};

delivery::delivery(core::sqlite_options db, std::vector<connector> connectors, config::delivery_config options)
    : db_options_(std::move(db)), options_(options) {
  for (auto& c : connectors) {
    lanes_.push_back(std::make_unique<lane>(std::move(c), options_, *ioc_));
  }
}

delivery::~delivery() {
  stop(milliseconds{0});
  // Coroutines still suspended (sends past the stop deadline) die with the
  // io_context: let that happen while the lanes, transport and store they
  // refer to are still alive, and after the lanes' timers, which belong to it.
  for (auto& l : lanes_) {
    l->timers.clear();
  }
  transport_.close_idle();  // its pooled sockets belong to the io_context too
  ioc_.reset();
}

void delivery::start() {
  store_ = core::open_sqlite_store(db_options_);
  const auto now = core::now_utc();
  for (auto& l : lanes_) {
    publish(*l, now);  // what the last run left behind (an open circuit) no longer holds
    for (std::size_t w = 0; w < l->timers.size(); ++w) {
      ++running_;
      asio::co_spawn(*ioc_, run_worker(*l, w), [this, &l = *l](std::exception_ptr e) {
        --running_;
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            l.log->critical("delivery loop stopped error=\"{}\"", ex.what());
          }
        }
      });
    }
  }
  thread_ = std::thread([this] { ioc_->run(); });
}

void delivery::wake_lane(lane& l) {
  ++l.wakeups;
  for (auto& t : l.timers) {
    t->cancel();
  }
}

void delivery::wake() {
  asio::post(*ioc_, [this] {
    for (auto& l : lanes_) {
      wake_lane(*l);
    }
  });
}

std::vector<connector_state> delivery::states() const {
  std::lock_guard lock(state_mutex_);
  std::vector<connector_state> out;
  for (const auto& l : lanes_) {
    out.push_back(l->state);
  }
  return out;
}

void delivery::stop(milliseconds deadline) {
  if (!thread_.joinable()) {
    return;
  }
  stopping_ = true;
  wake();
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (running_ > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds{10});
  }
  if (running_ > 0) {
    spdlog::get("delivery")->warn("shutdown deadline reached with sends in flight; they stay queued");
  }
  ioc_->stop();
  thread_.join();
}

asio::awaitable<void> delivery::run_worker(lane& l, std::size_t worker) {
  asio::steady_timer& timer = *l.timers[worker];
  while (!stopping_) {
    const std::uint64_t seen = l.wakeups;
    milliseconds wait{0};
    try {
      wait = co_await work_once(l);
    } catch (const core::store_error& e) {
      l.log->error("outbox unavailable, retrying error=\"{}\"", e.what());
      wait = l.settings.poll_interval;
    }
    // A wake while we were busy means there may be work the decision missed.
    if (wait.count() > 0 && !stopping_ && l.wakeups == seen) {
      timer.expires_after(wait);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
}

// Decides what this worker does now: wait (paused, circuit open, nothing
// due, lingering for a fuller batch) or deliver one batch. Returns how long
// to wait before deciding again (0: at once).
asio::awaitable<milliseconds> delivery::work_once(lane& l) {
  const config::delivery_config& opt = l.settings;
  const auto now = core::now_utc();
  refresh_gauges(l, now);

  if (l.paused_until) {
    if (now < *l.paused_until) {
      co_return until(*l.paused_until, now, opt.poll_interval);
    }
    l.log->info("pause over, resuming deliveries");
    l.paused_until.reset();
    l.pause_reason.clear();
    publish(l, now);
  }
  // Open: nothing is sent, so nothing counts as an attempt, until the period ends.
  if (auto open_until = l.breaker.open_until(); open_until && now < *open_until) {
    co_return until(*open_until, now, opt.poll_interval);
  }
  if (l.breaker.probe_in_flight()) {
    co_return opt.poll_interval;  // the probe's end wakes us
  }
  if (const auto free_at = l.budget.available_at(now); free_at > now) {
    pause(l, free_at,
          "daily_request_budget of " + std::to_string(opt.daily_request_budget) + " requests per 24 h used up", now);
    co_return until(free_at, now, opt.poll_interval);
  }

  const bool probing = l.breaker.state() != policy::circuit_state::closed;
  const std::size_t max_batch = probing ? 1 : std::max<std::size_t>(1, l.conn.adapter->max_batch());
  const auto nothing_due = [&] {
    l.partial_since.reset();
    milliseconds wait = opt.poll_interval;
    // A due update that is claimed is not ours to wait for: its batch's end wakes us.
    if (auto next = store_->next_due(l.conn.name); next && *next > now) {
      wait = until(*next, now, opt.poll_interval);
    }
    return wait;
  };
  // Linger for a fuller batch, counted from when the oldest waiting update
  // became due: a fresh update is due from its stage change, a retried one
  // from when a worker first saw it due. Decided on a count, not on the
  // rows: a busy writer wakes us after every commit, and reading a partial
  // batch at each wake-up cost more than delivering it.
  if (!probing && opt.linger.count() > 0) {
    const std::size_t enough = max_batch + l.claimed.size();  // claimed rows stay due until their batch ends
    const core::store::due_summary due = store_->summarize_due(l.conn.name, now, enough);
    if (due.count == 0) {
      co_return nothing_due();
    }
    if (due.count < enough) {
      core::timestamp since = l.partial_since.value_or(now);
      if (due.oldest_fresh) {
        since = std::min(since, *due.oldest_fresh);
      }
      l.partial_since = since;
      if (now < since + opt.linger) {
        co_return until(since + opt.linger, now, opt.linger);
      }
    }
  }
  std::vector<core::stage_update> batch = due_unclaimed(l, now, max_batch);
  if (batch.empty()) {
    co_return nothing_due();
  }
  l.partial_since.reset();

  const auto permit = l.breaker.acquire(now);
  if (permit == policy::circuit_breaker::permit::wait) {
    co_return opt.poll_interval;
  }
  const bool probe = permit == policy::circuit_breaker::permit::probe;
  if (probe) {
    batch.resize(1);
    l.log->info("circuit half-open, probing with one update lead_id={}", batch.front().lead_id);
    publish(l, now);
  }
  co_await deliver(l, std::move(batch), probe);
  co_return milliseconds{0};
}

std::vector<core::stage_update> delivery::due_unclaimed(lane& l, core::timestamp now, std::size_t limit) {
  // Ask for enough rows that the claimed ones cannot hide the rest.
  std::vector<core::stage_update> rows = store_->due_updates(l.conn.name, now, limit + l.claimed.size());
  std::erase_if(rows, [&](const core::stage_update& u) { return l.claimed.contains(u.outbox_id); });
  if (rows.size() > limit) {
    rows.resize(limit);
  }
  return rows;
}

// Claims the batch, runs the exchange and records the results. The claims
// (and a probe the breaker handed out) are released whatever happens; a
// coroutine destroyed at shutdown releases nothing, which no longer matters.
asio::awaitable<void> delivery::deliver(lane& l, std::vector<core::stage_update> batch, bool probe) {
  for (const auto& u : batch) {
    l.claimed.insert(u.outbox_id);
  }
  const auto release = [&] {
    for (const auto& u : batch) {
      l.claimed.erase(u.outbox_id);
    }
    wake_lane(l);  // the claimed leads (and the probe slot) are free for every worker again
  };
  try {
    std::unique_ptr<core::crm_exchange> exchange = l.conn.adapter->begin(batch, core::now_utc());
    exchange_notes notes;
    while (auto request = exchange->next_request(core::now_utc())) {
      const core::outbound_response response = co_await send_limited(l, *request, notes);
      exchange->on_response(response, core::now_utc());
    }
    record_results(l, batch, exchange->finish(), notes, probe);
  } catch (...) {
    if (probe) {
      l.breaker.release_probe();  // a no-op once record_results judged the probe
    }
    release();
    throw;
  }
  release();
}

// One CRM request, once the connector's token bucket and daily budget allow
// it. Rate waits are short and taken in place; a used-up daily budget is not
// waited for: the request is not sent and the exchange sees a transport
// failure, so its records are retried after the pause.
asio::awaitable<core::outbound_response> delivery::send_limited(lane& l, const core::outbound_request& request,
                                                                exchange_notes& notes) {
  asio::steady_timer throttle(*ioc_);
  for (;;) {
    const auto now = core::now_utc();
    if (const auto free_at = l.budget.available_at(now); free_at > now) {
      notes.cut_short = true;
      const std::string reason = "daily_request_budget of " + std::to_string(l.settings.daily_request_budget) +
                                 " requests per 24 h used up";
      pause(l, free_at, reason, now);
      core::outbound_response refused;
      refused.transport_error = reason + "; request not sent";
      co_return refused;
    }
    const milliseconds wait = l.bucket.try_take(now);
    if (wait.count() == 0) {
      l.budget.try_take(now);
      break;
    }
    throttle.expires_after(wait);
    co_await throttle.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  core::outbound_response response = co_await transport_.send(request);
  if (policy::signals_outage(response.status)) {
    notes.outage = true;
  }
  co_return response;
}

void delivery::record_results(lane& l, std::span<const core::stage_update> batch,
                              const core::exchange_result& outcome, const exchange_notes& notes, bool probe) {
  const auto after = core::now_utc();
  if (outcome.pause_until && *outcome.pause_until > after) {
    pause(l, *outcome.pause_until, outcome.pause_reason, after);
  }
  // Retries wait out a pause (the CRM's or the budget's): no sense in being due before it ends.
  const core::timestamp hold = l.paused_until ? std::max(*l.paused_until, after) : after;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<core::stage_update> done;
  std::vector<std::pair<std::string, std::string>> aliases;
  connector_state counts;
  // Dead letters carry the attempts made, this one included.
  const auto dead_letter = [&](const core::stage_update& u, const std::string& message, const std::string& code) {
    core::stage_update failed = u;
    failed.attempts = u.attempts + 1;
    store_->move_to_dead_letters(failed, message, code, after);
    ++counts.dead_lettered;
    ++counts.dead_letters_by_code[code.empty() ? "none" : code];
  };
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const core::stage_update& u = batch[i];
    const core::record_result r = i < outcome.records.size() ? outcome.records[i] : core::record_result{};
    switch (r.outcome) {
      case core::delivery_outcome::delivered:
        done.push_back(u);
        ++counts.delivered;
        if (r.external_id && !r.external_id->second.empty()) {
          aliases.emplace_back("id:" + r.external_id->first + ":" + r.external_id->second, u.lead_key);
        }
        break;
      case core::delivery_outcome::skipped:
        done.push_back(u);
        ++counts.skipped;
        if (l.unmapped_reported.insert(u.stage).second) {
          l.log->warn("stage \"{}\" has no mapping for this connector; updates in that stage are not sent",
                      u.stage);
        }
        break;
      case core::delivery_outcome::retry: {
        const auto d = policy::decide_retry(l.retry, u.attempts, u.changed_at, r.retry_after, after, unit(rng_));
        if (d.give_up) {
          dead_letter(u, r.message, std::string{d.code});
          l.log->error("delivery gave up, dead-lettered lead_id={} stage={} code={} attempts={} error=\"{}\"",
                       u.lead_id, u.stage, d.code, u.attempts + 1, r.message);
          break;
        }
        milliseconds delay = d.delay;
        if (hold > after + delay) {
          delay = std::chrono::duration_cast<milliseconds>(hold - after);
        }
        store_->reschedule(u, after + delay, r.message);
        ++counts.retried;
        l.log->warn("delivery failed, will retry lead_id={} stage={} attempt={} retry_in_ms={} error=\"{}\"",
                    u.lead_id, u.stage, u.attempts + 1, delay.count(), r.message);
        break;
      }
      case core::delivery_outcome::reject:
        dead_letter(u, r.message, r.code);
        l.log->error("delivery rejected, dead-lettered lead_id={} stage={} code={} error=\"{}\"", u.lead_id,
                     u.stage, r.code, r.message);
        break;
    }
  }
  if (!done.empty()) {
    store_->mark_delivered(done);
  }
  if (!aliases.empty()) {
    store_->add_aliases(aliases);
  }
  if (counts.delivered > 0) {
    l.log->info("delivered updates={}", counts.delivered);
  }

  const auto verdict = policy::judge_batch(outcome.records, notes.outage, notes.cut_short);
  if (verdict == policy::batch_verdict::failed && !outcome.records.empty()) {
    l.last_failure = outcome.records.front().message;
  }
  const auto before = l.breaker.state();
  l.breaker.record(verdict, probe, after);
  const auto now_state = l.breaker.state();
  if (now_state != before) {
    if (now_state == policy::circuit_state::open) {
      l.log->error("circuit open, sending nothing for {} ms failed_batches={} error=\"{}\"",
                   l.breaker.open_period().count(), l.breaker.consecutive_failures(), l.last_failure);
    } else if (now_state == policy::circuit_state::closed) {
      l.log->info("circuit closed, the CRM answers again");
    }
  }
  {
    std::lock_guard lock(state_mutex_);
    l.state.delivered += counts.delivered;
    l.state.skipped += counts.skipped;
    l.state.retried += counts.retried;
    l.state.dead_lettered += counts.dead_lettered;
    for (const auto& [code, n] : counts.dead_letters_by_code) {
      l.state.dead_letters_by_code[code] += n;
    }
    l.state.crm = l.conn.adapter->status();
  }
  if (now_state != before) {
    publish(l, after);
  }
}

void delivery::pause(lane& l, core::timestamp until_time, std::string reason, core::timestamp now) {
  if (l.paused_until && *l.paused_until >= until_time) {
    return;
  }
  l.log->warn("connector paused until {} reason=\"{}\"", core::format_rfc3339(until_time), reason);
  l.paused_until = until_time;
  l.pause_reason = std::move(reason);
  publish(l, now);
}

// The lane's pause and circuit, to the metrics snapshot and the store
// (`leadsyncctl status` reads it from another process). The status row holds
// whichever of the two keeps deliveries back longer.
void delivery::publish(lane& l, core::timestamp now) {
  core::connector_status status;
  status.connector = l.conn.name;
  status.circuit = std::string{policy::to_string(l.breaker.state())};
  status.updated_at = now;
  if (l.paused_until) {
    status.paused_until = l.paused_until;
    status.reason = l.pause_reason;
  }
  const auto open_until = l.breaker.open_until();
  if (open_until && (!status.paused_until || *open_until > *status.paused_until)) {
    status.paused_until = open_until;
    status.reason = "circuit open after " + std::to_string(l.breaker.consecutive_failures()) +
                    " failed batches: " + l.last_failure;
  } else if (l.breaker.state() == policy::circuit_state::half_open && status.reason.empty()) {
    status.reason = "circuit half-open: probing with one update";
  }
  {
    std::lock_guard lock(state_mutex_);
    l.state.paused_until = l.paused_until;
    l.state.pause_reason = l.pause_reason;
    l.state.circuit = l.breaker.state();
    l.state.circuit_open_until = l.breaker.open_until();
  }
  try {
    store_->save_connector_status(status);
  } catch (const core::store_error& e) {
    // Status is for operators; deliveries go on without it.
    l.log->warn("connector status not saved error=\"{}\"", e.what());
  }
}

void delivery::refresh_gauges(lane& l, core::timestamp now) {
  const auto steady = std::chrono::steady_clock::now();
  if (steady - l.gauges_at < gauge_refresh) {
    return;
  }
  l.gauges_at = steady;
  const std::size_t depth = store_->outbox_depth(l.conn.name);
  const std::optional<core::timestamp> oldest = store_->oldest_pending(l.conn.name);
  const std::int64_t used = l.budget.unlimited() ? 0 : l.budget.used(now);
  std::lock_guard lock(state_mutex_);
  l.state.outbox_depth = depth;
  l.state.oldest_pending = oldest;
  l.state.requests_last_24h = used;
}

}  // namespace leadsync::daemon
