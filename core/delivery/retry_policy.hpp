#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/time.hpp"

namespace leadsync::core::delivery {

struct retry_settings {
  std::chrono::milliseconds initial{1000};  // the first backoff step
  std::chrono::milliseconds max{300'000};   // backoff steps never grow past this
  int max_attempts = 25;                    // failed attempts before the update is dead-lettered
  // A stage change this old is dead-lettered at its next failure.
  std::chrono::milliseconds max_age{std::chrono::hours{72}};
  // A CRM's Retry-After is honoured up to the larger of this and `max`: a CRM
  // asking for ten minutes gets ten minutes, one asking for a day does not
  // park an update for a day.
  std::chrono::milliseconds retry_after_cap{std::chrono::hours{1}};
};

// Exponential backoff with full jitter: uniform in [0, min(max, initial *
// 2^failures_before)], at least 1 ms. `unit` is a uniform random number in
// [0, 1] supplied by the caller (the policy has no randomness of its own).
std::chrono::milliseconds backoff(const retry_settings& s, int failures_before, double unit);

// What to do with an update whose delivery just failed transiently.
struct retry_decision {
  bool give_up = false;
  std::string_view code;               // when giving up: "max_attempts" or "max_age"
  std::chrono::milliseconds delay{0};  // when retrying: wait this long
};

// `failures_before` failed attempts preceded this one (stage_update::attempts).
// Gives up when this failure makes max_attempts, or when the stage change is
// max_age old at `now` (attempts are checked first); else retries after the
// CRM's Retry-After (capped as above) or after backoff().
retry_decision decide_retry(const retry_settings& s, int failures_before, timestamp changed_at,
                            std::optional<std::chrono::milliseconds> retry_after, timestamp now, double unit);

}  // namespace leadsync::core::delivery
