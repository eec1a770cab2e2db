#include "daemon/delivery.hpp"

#include <algorithm>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>


namespace leadsync::daemon {

namespace asio = boost::asio;

struct delivery::lane {
  connector conn;
  asio::steady_timer timer;
  std::shared_ptr<spdlog::logger> log;
  connector_state state;                    // guarded by state_mutex_
  std::set<std::string> unmapped_reported;  // stages already logged as not sent (once each)
};

delivery::delivery(core::sqlite_options db, std::vector<connector> connectors, config::delivery_config options)
    : db_options_(std::move(db)), options_(options) {
  for (auto& c : connectors) {
    auto log = spdlog::get("delivery")->clone("crm." + c.name);
    connector_state state;
    state.name = c.name;
    lanes_.push_back(
        std::make_unique<lane>(lane{std::move(c), asio::steady_timer{ioc_}, std::move(log), std::move(state), {}}));
  }
}

delivery::~delivery() { stop(std::chrono::milliseconds{0}); }

void delivery::start() {
  store_ = core::open_sqlite_store(db_options_);
  for (auto& l : lanes_) {
    ++running_;
    asio::co_spawn(ioc_, run_lane(*l), [this, &l = *l](std::exception_ptr e) {
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
  thread_ = std::thread([this] { ioc_.run(); });
}

void delivery::wake() {
  asio::post(ioc_, [this] {
    for (auto& l : lanes_) {
      l->timer.cancel();
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

void delivery::stop(std::chrono::milliseconds deadline) {
  if (!thread_.joinable()) {
    return;
  }
  stopping_ = true;
  wake();
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (running_ > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  if (running_ > 0) {
    spdlog::get("delivery")->warn("shutdown deadline reached with sends in flight; they stay queued");
  }
  ioc_.stop();
  thread_.join();
}

std::chrono::milliseconds delivery::backoff(int attempts) {
  // Exponential from retry_initial, capped at retry_max, with jitter in
  // [50%, 100%] so a recovering CRM is not hit by every lane at once.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(attempts, 30);
  const auto raw = std::min<std::int64_t>(options_.retry_max.count(), options_.retry_initial.count() << shift);
  std::uniform_int_distribution<std::int64_t> jitter(raw / 2, raw);
  return std::chrono::milliseconds{std::max<std::int64_t>(1, jitter(rng))};
}

asio::awaitable<void> delivery::run_lane(lane& l) {
  while (!stopping_) {
    bool failed = false;
    try {
      co_await deliver_once(l);
    } catch (const core::store_error& e) {
      l.log->error("outbox unavailable, retrying error=\"{}\"", e.what());
      failed = true;
    }
    if (failed) {
      l.timer.expires_after(options_.poll_interval);
      co_await l.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
}

// Waits (for due updates, or while the CRM asked us to hold off) or sends
// one batch and records every record's result.
asio::awaitable<void> delivery::deliver_once(lane& l) {
  core::crm_adapter& adapter = *l.conn.adapter;
  const auto now = core::now_utc();
  std::optional<core::timestamp> paused_until;
  {
    std::lock_guard lock(state_mutex_);
    paused_until = l.state.paused_until;
  }
  if (paused_until && now < *paused_until) {
    l.timer.expires_after(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(*paused_until - now),
                                   options_.poll_interval));
    co_await l.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return;
  }
  if (paused_until) {
    l.log->info("pause over, resuming deliveries");
    std::lock_guard lock(state_mutex_);
    l.state.paused_until.reset();
    l.state.pause_reason.clear();
  }

  std::vector<core::stage_update> batch = store_->due_updates(l.conn.name, now, adapter.max_batch());
  if (batch.empty()) {
    auto wait = options_.poll_interval;
    if (auto next = store_->next_due(l.conn.name)) {
      wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now),
                        std::chrono::milliseconds{1}, options_.poll_interval);
    }
    l.timer.expires_after(wait);
    co_await l.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return;
  }

  std::unique_ptr<core::crm_exchange> exchange = adapter.begin(batch, now);
  while (auto request = exchange->next_request(core::now_utc())) {
    const core::outbound_response response = co_await transport_.send(*request);
    exchange->on_response(response, core::now_utc());
  }
  record_results(l, batch, exchange->finish());
}

void delivery::record_results(lane& l, std::span<const core::stage_update> batch,
                              const core::exchange_result& outcome) {
  const auto after = core::now_utc();
  if (outcome.pause_until && *outcome.pause_until > after) {
    l.log->warn("connector paused until {} reason=\"{}\"", core::format_rfc3339(*outcome.pause_until),
                outcome.pause_reason);
  }
  std::vector<core::stage_update> done;
  std::vector<std::pair<std::string, std::string>> aliases;
  connector_state counts;
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
        auto delay = r.retry_after ? std::min(*r.retry_after, options_.retry_max) : backoff(u.attempts);
        if (outcome.pause_until && *outcome.pause_until > after + delay) {
          delay = std::chrono::duration_cast<std::chrono::milliseconds>(*outcome.pause_until - after);
        }
        store_->reschedule(u, after + delay, r.message);
        ++counts.retried;
        l.log->warn("delivery failed, will retry lead_id={} stage={} attempt={} retry_in_ms={} error=\"{}\"",
                    u.lead_id, u.stage, u.attempts + 1, delay.count(), r.message);
        break;
      }
      case core::delivery_outcome::reject:
        store_->move_to_dead_letters(u, r.message, r.code, after);
        ++counts.dead_lettered;
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
  std::lock_guard lock(state_mutex_);
  l.state.delivered += counts.delivered;
  l.state.skipped += counts.skipped;
  l.state.retried += counts.retried;
  l.state.dead_lettered += counts.dead_lettered;
  l.state.crm = l.conn.adapter->status();
  if (outcome.pause_until && *outcome.pause_until > after) {
    l.state.paused_until = outcome.pause_until;
    l.state.pause_reason = outcome.pause_reason;
  }
}

}  // namespace leadsync::daemon
