#include "core/delivery/batch_verdict.hpp"

#include <algorithm>

namespace leadsync::core::delivery {

bool signals_outage(int status) { return status == 0 || status == 408 || status == 429 || status >= 500; }

batch_verdict judge_batch(std::span<const record_result> records, bool outage_seen, bool cut_short) {
  if (records.empty()) {
    return batch_verdict::inconclusive;
  }
  const bool all_retried = std::all_of(records.begin(), records.end(), [](const record_result& r) {
    return r.outcome == delivery_outcome::retry;
  });
  if (!all_retried) {
    return batch_verdict::ok;  // the CRM took or judged something: it is up
  }
  if (cut_short) {
    return batch_verdict::inconclusive;
  }
  return outage_seen ? batch_verdict::failed : batch_verdict::ok;
}

}  // namespace leadsync::core::delivery
