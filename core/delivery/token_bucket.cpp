#include "core/delivery/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace leadsync::core::delivery {

token_bucket::token_bucket(double rate_per_second, double burst)
    : rate_(std::max(0.0, rate_per_second)), burst_(std::max(1.0, burst)), tokens_(burst_) {}

void token_bucket::refill(timestamp now) {
  if (!last_) {
    last_ = now;
    return;
  }
  if (now <= *last_) {
    return;
  }
  const double elapsed_ms = static_cast<double>((now - *last_).count());
  tokens_ = std::min(burst_, tokens_ + elapsed_ms * rate_ / 1000.0);
  last_ = now;
}

std::chrono::milliseconds token_bucket::try_take(timestamp now) {
  if (unlimited()) {
    return std::chrono::milliseconds{0};
  }
  refill(now);
  // A tiny epsilon: 1000 ms at 1/s must give a whole token despite rounding.
  if (tokens_ >= 1.0 - 1e-9) {
    tokens_ = std::max(0.0, tokens_ - 1.0);
    return std::chrono::milliseconds{0};
  }
  // Rounded up (less a rounding error) so the wait always ends with a whole token.
  const double missing_ms = (1.0 - tokens_) * 1000.0 / rate_;
  return std::chrono::milliseconds{
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(missing_ms - 1e-6)))};
}

double token_bucket::available(timestamp now) {
  if (unlimited()) {
    return burst_;
  }
  refill(now);
  return tokens_;
}

}  // namespace leadsync::core::delivery
