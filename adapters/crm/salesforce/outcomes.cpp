#include "adapters/crm/salesforce/outcomes.hpp"

#include "adapters/crm/common/http_answer.hpp"

namespace leadsync::adapters::salesforce {
namespace {

std::string describe_all(const std::vector<sf_error>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += (out.empty() ? "" : "; ") + describe(e);
  }
  return out;
}

// jsforce's list of 401 bodies that no new token can cure.
bool is_configuration_401(std::string_view body) {
  return body.find("This session is not valid for use with the REST API") != std::string_view::npos ||
         body.find("Connected app is not attached to Agent") != std::string_view::npos;
}

}  // namespace

record_verdict judge_record(const record_answer& answer, bool may_insert, bool placeholders_help) {
  if (answer.success) {
    return {record_step::deliver, {}, {}};
  }
  if (answer.errors.empty()) {
    return {record_step::reject, "UNKNOWN", "salesforce reported a failure without an error"};
  }
  const std::string& code = answer.errors.front().code;
  record_verdict v{record_step::reject, code.empty() ? "UNKNOWN" : code, describe_all(answer.errors)};
  // With allOrNone false a rollback is not expected; if one comes, the
  // record itself was fine.
  if (code == "UNABLE_TO_LOCK_ROW" || code == "ALL_OR_NONE_OPERATION_ROLLED_BACK") {
    v.step = record_step::retry;
  } else if (code == "REQUIRED_FIELD_MISSING" && placeholders_help) {
    v.step = record_step::add_placeholders;
  } else if (code == "DUPLICATES_DETECTED" && may_insert) {
    v.step = record_step::attach;
  }
  return v;
}

request_verdict judge_request_failure(const core::outbound_response& response) {
  if (response.status == 0) {
    return {request_step::stop, "transport", describe_failure(response)};
  }
  const auto errors = parse_request_errors(response.body);
  request_verdict v;
  v.code =
      errors.empty() || errors.front().code.empty() ? "http_" + std::to_string(response.status) : errors.front().code;
  v.message = errors.empty() ? describe_failure(response)
                             : "HTTP " + std::to_string(response.status) + ": " + describe_all(errors);
  for (const auto& e : errors) {
    if (e.code == "REQUEST_LIMIT_EXCEEDED") {
      return {request_step::pause, e.code, "salesforce REQUEST_LIMIT_EXCEEDED: " + describe(e)};
    }
  }
  if (response.status == 401) {
    v.step = is_configuration_401(response.body) ? request_step::configuration : request_step::new_token;
  } else if (is_transient_status(response.status)) {
    v.step = request_step::stop;
  } else if (v.code == "UNABLE_TO_LOCK_ROW") {
    v.step = request_step::retry;
  }
  return v;
}

}  // namespace leadsync::adapters::salesforce
