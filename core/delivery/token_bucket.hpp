#pragma once

#include <chrono>
#include <optional>

#include "core/time.hpp"

namespace leadsync::core::delivery {

// Requests per second for one connector: the bucket holds up to `burst`
// tokens, refills at `rate` tokens a second and each request takes one. It
// starts full, so a quiet connector may send `burst` requests at once. Rate 0
// means unlimited. No clock of its own: callers pass `now`; a clock that goes
// back counts as no time passing. Not thread-safe (one per connector, used
// from the delivery thread).
class token_bucket {
 public:
  // burst < 1 is taken as 1.
  token_bucket(double rate_per_second, double burst);

  bool unlimited() const { return rate_ <= 0; }
  // Takes a token and returns 0, or takes nothing and returns how long until
  // one is there (at least 1 ms).
  std::chrono::milliseconds try_take(timestamp now);
  // Tokens in the bucket at `now` (burst when unlimited).
  double available(timestamp now);

 private:
  void refill(timestamp now);

  double rate_;
  double burst_;
  double tokens_;
  std::optional<timestamp> last_;
};

}  // namespace leadsync::core::delivery
