#include "daemon/delivery.hpp"

#include <algorithm>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "daemon/transport.hpp"

namespace leadsync::daemon {

namespace asio = boost::asio;

struct delivery::lane {
  connector conn;
  asio::steady_timer timer;
  std::shared_ptr<spdlog::logger> log;
};

delivery::delivery(core::sqlite_options db, std::vector<connector> connectors, config::delivery_config options)
    : db_options_(std::move(db)), options_(options) {
  for (auto& c : connectors) {
    auto log = spdlog::get("delivery")->clone("crm." + c.name);
    lanes_.push_back(std::make_unique<lane>(lane{std::move(c), asio::steady_timer{ioc_}, std::move(log)}));
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

// Waits for due updates or sends one batch and records every record's result.
asio::awaitable<void> delivery::deliver_once(lane& l) {
  core::crm_adapter& adapter = *l.conn.adapter;
  {
    const auto now = core::now_utc();
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
      const core::outbound_response response = co_await send(*request);
      exchange->on_response(response, core::now_utc());
    }
    const core::exchange_result outcome = exchange->finish();
    const std::vector<core::record_result>& results = outcome.records;

    std::vector<core::stage_update> delivered;
    const auto after = core::now_utc();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const core::stage_update& u = batch[i];
      const core::record_result& r = i < results.size() ? results[i] : core::record_result{};
      switch (r.outcome) {
        case core::delivery_outcome::delivered:
        case core::delivery_outcome::skipped:
          delivered.push_back(u);
          break;
        case core::delivery_outcome::retry: {
          const auto delay = r.retry_after ? std::min(*r.retry_after, options_.retry_max) : backoff(u.attempts);
          store_->reschedule(u, after + delay, r.message);
          l.log->warn("delivery failed, will retry lead_id={} stage={} attempt={} retry_in_ms={} error=\"{}\"",
                      u.lead_id, u.stage, u.attempts + 1, delay.count(), r.message);
          break;
        }
        case core::delivery_outcome::reject:
          store_->move_to_dead_letters(u, r.message, after);
          l.log->error("delivery rejected, dead-lettered lead_id={} stage={} error=\"{}\"", u.lead_id, u.stage,
                       r.message);
          break;
      }
    }
    if (!delivered.empty()) {
      store_->mark_delivered(delivered);
      l.log->info("delivered updates={}", delivered.size());
    }
  }
}

}  // namespace leadsync::daemon
