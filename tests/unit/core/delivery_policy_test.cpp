// The delivery policies on their own, with time passed in: the token bucket,
// the rolling daily request budget, the circuit breaker (and how a batch
// counts for it) and the retry policy.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/delivery/batch_verdict.hpp"
#include "core/delivery/circuit_breaker.hpp"
#include "core/delivery/request_budget.hpp"
#include "core/delivery/retry_policy.hpp"
#include "core/delivery/token_bucket.hpp"

namespace leadsync::core::delivery {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const timestamp t0 = from_millis(INT64_C(1'700'000'040'000));  // a whole minute

timestamp at(milliseconds offset) { return t0 + offset; }

// ---- token bucket -------------------------------------------------------------

TEST(TokenBucket, StartsFullAndLetsTheBurstThroughAtOnce) {
  token_bucket bucket(5, 3);
  EXPECT_EQ(bucket.try_take(t0), 0ms);
  EXPECT_EQ(bucket.try_take(t0), 0ms);
  EXPECT_EQ(bucket.try_take(t0), 0ms);
  // Empty: the next token comes after 1/5 s, and nothing was taken by asking.
  EXPECT_EQ(bucket.try_take(t0), 200ms);
  EXPECT_EQ(bucket.try_take(at(150ms)), 50ms);
  EXPECT_EQ(bucket.try_take(at(200ms)), 0ms);
  EXPECT_EQ(bucket.try_take(at(200ms)), 200ms);
}

TEST(TokenBucket, RefillsAtTheRateButNeverPastTheBurst) {
  token_bucket bucket(2, 4);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(bucket.try_take(t0), 0ms);
  }
  // An hour idle refills to the burst, not to 7200 tokens.
  const timestamp later = at(1h);
  EXPECT_DOUBLE_EQ(bucket.available(later), 4.0);
  int taken = 0;
  while (bucket.try_take(later) == 0ms) {
    ++taken;
  }
  EXPECT_EQ(taken, 4);
  // Steady state: exactly `rate` requests a second.
  int in_ten_seconds = 0;
  for (milliseconds t = 1h; t <= 1h + 10s; t += 10ms) {
    while (bucket.try_take(at(t)) == 0ms) {
      ++in_ten_seconds;
    }
  }
  EXPECT_EQ(in_ten_seconds, 20);
}

TEST(TokenBucket, FractionalRatesAndBurstBelowOne) {
  token_bucket bucket(0.5, 0.2);  // burst is at least one request
  EXPECT_EQ(bucket.try_take(t0), 0ms);
  EXPECT_EQ(bucket.try_take(t0), 2000ms);
  EXPECT_EQ(bucket.try_take(at(1999ms)), 1ms);
  EXPECT_EQ(bucket.try_take(at(2000ms)), 0ms);
}

TEST(TokenBucket, RateZeroIsUnlimitedAndAClockGoingBackAddsNothing) {
  token_bucket unlimited(0, 1);
  EXPECT_TRUE(unlimited.unlimited());
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(unlimited.try_take(t0), 0ms);
  }
  token_bucket bucket(1, 1);
  EXPECT_EQ(bucket.try_take(at(10s)), 0ms);
  EXPECT_EQ(bucket.try_take(at(5s)), 1000ms);  // the clock jumped back: still empty
  EXPECT_EQ(bucket.try_take(at(10s + 500ms)), 500ms);
  EXPECT_EQ(bucket.try_take(at(11s)), 0ms);
}

// ---- rolling request budget ------------------------------------------------------

TEST(RequestBudget, RefusesPastTheLimitUntilTheOldestMinuteLeavesTheWindow) {
  request_budget budget(3);
  EXPECT_TRUE(budget.try_take(at(0s)));
  EXPECT_TRUE(budget.try_take(at(10min + 30s)));
  EXPECT_TRUE(budget.try_take(at(20h)));
  EXPECT_EQ(budget.used(at(20h)), 3);
  EXPECT_FALSE(budget.try_take(at(20h)));
  EXPECT_FALSE(budget.try_take(at(23h + 59min + 59s)));
  // The first request (minute 0) frees its slot when minute 1440 begins.
  EXPECT_EQ(budget.available_at(at(23h)), at(24h));
  EXPECT_TRUE(budget.try_take(at(24h)));
  EXPECT_FALSE(budget.try_take(at(24h + 5min)));
  // The second one was made during minute 10: free from minute 1450 on, not at 24h 10min 30s.
  EXPECT_EQ(budget.available_at(at(24h + 5min)), at(24h + 10min));
  EXPECT_TRUE(budget.try_take(at(24h + 10min)));
  EXPECT_EQ(budget.used(at(24h + 10min)), 3);
}

TEST(RequestBudget, NeverMoreThanTheLimitInAnyRollingDay) {
  constexpr std::int64_t limit = 50;
  request_budget budget(limit);
  std::vector<timestamp> sent;
  // Try a request every 7 minutes for three days.
  for (milliseconds t = 0ms; t < 72h; t += 7min) {
    if (budget.try_take(at(t))) {
      sent.push_back(at(t));
    }
  }
  ASSERT_GT(sent.size(), 2 * limit);  // the window really rolls
  for (std::size_t i = 0; i < sent.size(); ++i) {
    std::int64_t in_window = 0;
    for (std::size_t j = i; j < sent.size() && sent[j] < sent[i] + 24h; ++j) {
      ++in_window;
    }
    ASSERT_LE(in_window, limit) << "window starting at request " << i;
  }
}

TEST(RequestBudget, AfterALongSilenceTheWholeBudgetIsBack) {
  request_budget budget(2);
  EXPECT_TRUE(budget.try_take(t0));
  EXPECT_TRUE(budget.try_take(t0));
  EXPECT_FALSE(budget.try_take(t0));
  EXPECT_EQ(budget.used(at(24h * 30)), 0);
  EXPECT_TRUE(budget.try_take(at(24h * 30)));
  EXPECT_TRUE(budget.try_take(at(24h * 30)));
  EXPECT_FALSE(budget.try_take(at(24h * 30)));
}

TEST(RequestBudget, ZeroIsUnlimited) {
  request_budget budget(0);
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_TRUE(budget.try_take(t0));
  }
  EXPECT_EQ(budget.available_at(t0), t0);
}

// ---- circuit breaker --------------------------------------------------------------

circuit_settings breaker_settings() { return circuit_settings{3, 10s, 10}; }

void fail(circuit_breaker& b, timestamp now, int times = 1) {
  for (int i = 0; i < times; ++i) {
    ASSERT_EQ(b.acquire(now), circuit_breaker::permit::send);
    b.record(batch_verdict::failed, false, now);
  }
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailedBatchesOnly) {
  circuit_breaker b(breaker_settings());
  fail(b, t0, 2);
  b.record(batch_verdict::ok, false, t0);  // a success in between starts the count again
  fail(b, t0, 2);
  b.record(batch_verdict::inconclusive, false, t0);  // neither
  EXPECT_EQ(b.state(), circuit_state::closed);
  EXPECT_EQ(b.consecutive_failures(), 2);
  fail(b, at(1s));
  EXPECT_EQ(b.state(), circuit_state::open);
  EXPECT_EQ(b.open_until(), at(11s));
}

TEST(CircuitBreaker, OpenSendsNothingThenHandsOutExactlyOneProbe) {
  circuit_breaker b(breaker_settings());
  fail(b, t0, 3);
  EXPECT_EQ(b.acquire(at(9999ms)), circuit_breaker::permit::wait);
  EXPECT_EQ(b.acquire(at(10s)), circuit_breaker::permit::probe);
  EXPECT_EQ(b.state(), circuit_state::half_open);
  EXPECT_TRUE(b.probe_in_flight());
  EXPECT_EQ(b.acquire(at(10s)), circuit_breaker::permit::wait);  // the other workers
  EXPECT_EQ(b.acquire(at(20s)), circuit_breaker::permit::wait);
  b.record(batch_verdict::ok, true, at(20s));
  EXPECT_EQ(b.state(), circuit_state::closed);
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_EQ(b.acquire(at(20s)), circuit_breaker::permit::send);
}

TEST(CircuitBreaker, AFailedProbeReopensForTwiceAsLongUpToTenTimes) {
  circuit_breaker b(breaker_settings());
  fail(b, t0, 3);
  timestamp now = t0;
  const std::vector<milliseconds> periods{20s, 40s, 80s, 100s, 100s};
  for (milliseconds expected : periods) {
    now = *b.open_until();
    ASSERT_EQ(b.acquire(now), circuit_breaker::permit::probe);
    b.record(batch_verdict::failed, true, now);
    ASSERT_EQ(b.state(), circuit_state::open);
    EXPECT_EQ(*b.open_until() - now, expected);
  }
  // Closing resets the period: the next opening is 10 s again.
  now = *b.open_until();
  ASSERT_EQ(b.acquire(now), circuit_breaker::permit::probe);
  b.record(batch_verdict::ok, true, now);
  fail(b, now, 3);
  EXPECT_EQ(*b.open_until() - now, 10s);
}

TEST(CircuitBreaker, AProbeNotSentOrCutShortLetsTheNextCallerProbe) {
  circuit_breaker b(breaker_settings());
  fail(b, t0, 3);
  ASSERT_EQ(b.acquire(at(10s)), circuit_breaker::permit::probe);
  b.release_probe();  // nothing was due
  EXPECT_EQ(b.state(), circuit_state::half_open);
  ASSERT_EQ(b.acquire(at(11s)), circuit_breaker::permit::probe);
  b.record(batch_verdict::inconclusive, true, at(11s));
  EXPECT_EQ(b.state(), circuit_state::half_open);
  EXPECT_EQ(b.acquire(at(12s)), circuit_breaker::permit::probe);
}

TEST(CircuitBreaker, BatchesSentBeforeItOpenedDoNotDecide) {
  circuit_breaker b(breaker_settings());
  fail(b, t0, 3);
  b.record(batch_verdict::ok, false, at(1s));  // a slow batch from before, answered now
  EXPECT_EQ(b.state(), circuit_state::open);
  ASSERT_EQ(b.acquire(at(10s)), circuit_breaker::permit::probe);
  b.record(batch_verdict::failed, false, at(10s));  // another old one
  EXPECT_EQ(b.state(), circuit_state::half_open);
  b.record(batch_verdict::ok, true, at(10s));
  EXPECT_EQ(b.state(), circuit_state::closed);
  EXPECT_EQ(to_string(b.state()), "closed");
  EXPECT_EQ(to_string(circuit_state::half_open), "half_open");
  EXPECT_EQ(to_string(circuit_state::open), "open");
}

record_result outcome_of(delivery_outcome o) {
  record_result r;
  r.outcome = o;
  return r;
}

TEST(BatchVerdict, FailedOnlyWhenNothingWentThroughAndTheCrmWasDown) {
  const std::vector<record_result> all_retried{outcome_of(delivery_outcome::retry),
                                               outcome_of(delivery_outcome::retry)};
  EXPECT_EQ(judge_batch(all_retried, true, false), batch_verdict::failed);
  // The CRM answered and asked for a retry itself (a locked row): it is up.
  EXPECT_EQ(judge_batch(all_retried, false, false), batch_verdict::ok);
  // Our own budget stopped the exchange: says nothing about the CRM.
  EXPECT_EQ(judge_batch(all_retried, false, true), batch_verdict::inconclusive);
  for (const auto o : {delivery_outcome::delivered, delivery_outcome::skipped, delivery_outcome::reject}) {
    const std::vector<record_result> one_through{outcome_of(delivery_outcome::retry), outcome_of(o)};
    EXPECT_EQ(judge_batch(one_through, true, false), batch_verdict::ok);
  }
  EXPECT_EQ(judge_batch({}, true, false), batch_verdict::inconclusive);
}

TEST(BatchVerdict, OutageStatuses) {
  for (const int status : {0, 408, 429, 500, 502, 503, 504, 521}) {
    EXPECT_TRUE(signals_outage(status)) << status;
  }
  for (const int status : {200, 201, 207, 400, 401, 403, 404, 409, 422}) {
    EXPECT_FALSE(signals_outage(status)) << status;
  }
}

// ---- retry policy -----------------------------------------------------------------

retry_settings retry_defaults() {
  retry_settings s;
  s.initial = 100ms;
  s.max = 5000ms;
  s.max_attempts = 5;
  s.max_age = 72h;
  return s;
}

TEST(RetryPolicy, FullJitterStaysWithinTheExponentialCeiling) {
  const retry_settings s = retry_defaults();
  const std::vector<milliseconds> ceilings{100ms, 200ms, 400ms, 800ms, 1600ms, 3200ms, 5000ms, 5000ms};
  for (std::size_t attempt = 0; attempt < ceilings.size(); ++attempt) {
    const int n = static_cast<int>(attempt);
    EXPECT_EQ(backoff(s, n, 1.0), ceilings[attempt]) << "attempt " << attempt;
    EXPECT_EQ(backoff(s, n, 0.5), ceilings[attempt] / 2) << "attempt " << attempt;
    EXPECT_EQ(backoff(s, n, 0.0), 1ms) << "floor of 1 ms";
  }
  // Spread over the whole range, not [50 %, 100 %].
  EXPECT_EQ(backoff(s, 3, 0.1), 80ms);
  // Absurd attempt counts neither overflow nor pass max.
  EXPECT_EQ(backoff(s, 1'000'000, 1.0), 5000ms);
  EXPECT_EQ(backoff(s, 1'000'000, 0.25), 1250ms);
  // Out-of-range random numbers are clamped.
  EXPECT_EQ(backoff(s, 0, 7.0), 100ms);
  EXPECT_EQ(backoff(s, 0, -1.0), 1ms);
}

TEST(RetryPolicy, GivesUpAfterMaxAttemptsFailures) {
  const retry_settings s = retry_defaults();
  for (int before = 0; before < 4; ++before) {
    const auto d = decide_retry(s, before, t0, std::nullopt, at(1s), 1.0);
    EXPECT_FALSE(d.give_up) << "failure number " << before + 1;
    EXPECT_EQ(d.delay, backoff(s, before, 1.0));
  }
  const auto d = decide_retry(s, 4, t0, std::nullopt, at(1s), 1.0);  // the fifth failure
  EXPECT_TRUE(d.give_up);
  EXPECT_EQ(d.code, "max_attempts");
  retry_settings once = s;
  once.max_attempts = 1;
  EXPECT_TRUE(decide_retry(once, 0, t0, std::nullopt, t0, 0.5).give_up);
}

TEST(RetryPolicy, GivesUpOnceTheStageChangeIsMaxAgeOld) {
  const retry_settings s = retry_defaults();
  EXPECT_FALSE(decide_retry(s, 0, t0, std::nullopt, at(72h - 1ms), 0.5).give_up);
  const auto d = decide_retry(s, 0, t0, std::nullopt, at(72h), 0.5);
  EXPECT_TRUE(d.give_up);
  EXPECT_EQ(d.code, "max_age");
  // Both reached: attempts are named.
  EXPECT_EQ(decide_retry(s, 4, t0, std::nullopt, at(100h), 0.5).code, "max_attempts");
}

TEST(RetryPolicy, RetryAfterIsHonouredPastRetryMaxUpToAnHour) {
  const retry_settings s = retry_defaults();  // max 5 s
  EXPECT_EQ(decide_retry(s, 0, t0, 2s, t0, 1.0).delay, 2s);
  EXPECT_EQ(decide_retry(s, 0, t0, 10min, t0, 1.0).delay, 10min);
  EXPECT_EQ(decide_retry(s, 0, t0, 5h, t0, 1.0).delay, 1h);
  EXPECT_EQ(decide_retry(s, 0, t0, 0ms, t0, 1.0).delay, 1ms);
  retry_settings long_max = s;
  long_max.max = 2h;  // a retry_max above an hour raises the cap with it
  EXPECT_EQ(decide_retry(long_max, 0, t0, 5h, t0, 1.0).delay, 2h);
}

}  // namespace
}  // namespace leadsync::core::delivery
