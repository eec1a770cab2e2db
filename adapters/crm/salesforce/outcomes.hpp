#pragma once

#include <string>

#include "adapters/crm/salesforce/answers.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::salesforce {

// What Salesforce's answers mean for the records (wire-formats §3.5 and §5.2).
// The exchange decides what to send next from these verdicts.

enum class record_step {
  deliver,
  retry,             // transient for this record (row lock)
  reject,            // permanent for this payload
  add_placeholders,  // a Lead insert missing LastName/Company: send again with placeholders
  attach,            // a duplicate rule blocked the insert: update the matched record instead
};

struct record_verdict {
  record_step step = record_step::reject;
  std::string code;     // statusCode of the first error
  std::string message;  // every error, with its fields
};

// One Collections result. `may_insert`: the write could create a record (so a
// duplicate rule may block it); `placeholders_help`: it was a first upsert of
// a Lead whose mapping gave no LastName or Company.
record_verdict judge_record(const record_answer& answer, bool may_insert, bool placeholders_help);

enum class request_step {
  new_token,      // 401 a new token may cure
  configuration,  // 401 no token can cure (API access, scopes): retry the records, say so
  pause,          // REQUEST_LIMIT_EXCEEDED: pause the connector
  stop,           // transient (0, 408, 425, 429, 5xx): retry everything open, send nothing more
  retry,          // retry this request's records (a row lock for the whole request)
  reject,         // reject this request's records (400 INVALID_FIELD, 300 several matches, 404 ...)
};

struct request_verdict {
  request_step step = request_step::reject;
  std::string code;     // errorCode, "http_<status>" or "transport"
  std::string message;  // "HTTP 400: <messages>", or the transport error
};

// A non-2xx answer to an API request (not the token endpoint).
request_verdict judge_request_failure(const core::outbound_response& response);

}  // namespace leadsync::adapters::salesforce
