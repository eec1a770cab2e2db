#include "core/delivery/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace leadsync::core::delivery {

std::chrono::milliseconds backoff(const retry_settings& s, int failures_before, double unit) {
  const std::int64_t initial = std::max<std::int64_t>(1, s.initial.count());
  const std::int64_t max = std::max<std::int64_t>(initial, s.max.count());
  // Shift only as far as needed to pass max: no overflow for any attempt count.
  std::int64_t step = initial;
  for (int i = 0; i < failures_before && step < max; ++i) {
    step *= 2;
  }
  step = std::min(step, max);
  const double u = std::clamp(unit, 0.0, 1.0);
  const auto jittered = static_cast<std::int64_t>(std::llround(u * static_cast<double>(step)));
  return std::chrono::milliseconds{std::clamp<std::int64_t>(jittered, 1, step)};
}

retry_decision decide_retry(const retry_settings& s, int failures_before, timestamp changed_at,
                            std::optional<std::chrono::milliseconds> retry_after, timestamp now, double unit) {
  retry_decision d;
  if (failures_before + 1 >= s.max_attempts) {
    d.give_up = true;
    d.code = "max_attempts";
    return d;
  }
  if (now - changed_at >= s.max_age) {
    d.give_up = true;
    d.code = "max_age";
    return d;
  }
  if (retry_after) {
    const auto cap = std::max(s.retry_after_cap, s.max);
    d.delay = std::clamp(*retry_after, std::chrono::milliseconds{1}, cap);
  } else {
    d.delay = backoff(s, failures_before, unit);
  }
  return d;
}

}  // namespace leadsync::core::delivery
