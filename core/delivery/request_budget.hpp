#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/time.hpp"

namespace leadsync::core::delivery {

// At most `limit` requests in any rolling window (24 h for
// daily_request_budget). Requests are counted per minute: one made during
// minute m counts until minute m + window begins, so the budget is never
// exceeded and a slot frees at most a minute late. Memory is one counter per
// minute of the window, whatever the limit. Limit 0 means unlimited. In
// memory only: a restart starts from zero. No clock of its own; a clock that
// goes back counts as no time passing. Not thread-safe.
class request_budget {
 public:
  explicit request_budget(std::int64_t limit, std::chrono::minutes window = std::chrono::hours{24});

  bool unlimited() const { return limit_ <= 0; }
  std::int64_t limit() const { return limit_; }
  // Counts a request and returns true when the window has room for it.
  bool try_take(timestamp now);
  // Requests counted in the window ending at `now`.
  std::int64_t used(timestamp now);
  // `now` when there is room, else when the oldest counted minute leaves the window.
  timestamp available_at(timestamp now);

 private:
  void advance(timestamp now);

  std::int64_t limit_;
  std::vector<std::int64_t> per_minute_;  // ring: slot minute % size
  std::int64_t newest_minute_ = -1;        // minute (since the epoch) of the newest slot; -1 before the first call
  std::int64_t total_ = 0;
};

}  // namespace leadsync::core::delivery
