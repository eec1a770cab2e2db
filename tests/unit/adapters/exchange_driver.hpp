#pragma once

#include <functional>
#include <span>
#include <vector>

#include "core/adapter.hpp"

namespace leadsync::tests {

// Plays the daemon's part in a CRM exchange for unit tests: every request the
// adapter asks for is recorded in `sent` and answered by `answer`.
using crm_answer = std::function<core::outbound_response(const core::outbound_request&)>;

struct exchange_run {
  std::vector<core::outbound_request> sent;
  core::exchange_result result;
};

inline exchange_run run_exchange(core::crm_adapter& adapter, std::span<const core::stage_update> batch,
                                 const crm_answer& answer, core::timestamp now = core::from_millis(1'700'000'000'000),
                                 std::size_t max_requests = 50) {
  exchange_run run;
  auto exchange = adapter.begin(batch, now);
  while (auto request = exchange->next_request(now)) {
    run.sent.push_back(*request);
    if (run.sent.size() > max_requests) {
      ADD_FAILURE() << "the exchange asked for more than " << max_requests << " requests";
      break;
    }
    exchange->on_response(answer(*request), now);
  }
  run.result = exchange->finish();
  return run;
}

inline core::outbound_response answer_with(int status, std::string body = {}, core::header_list headers = {}) {
  core::outbound_response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace leadsync::tests
