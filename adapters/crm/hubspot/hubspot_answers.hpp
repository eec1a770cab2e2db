#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadsync::adapters::hubspot {

// Reading HubSpot's JSON answers (wire-formats.md 4.2, 4.6). HubSpot says
// every field is optional, so every reader here tolerates absent or
// mistyped fields and never throws.

// A whole-request error body, or one entry of a batch answer's errors[].
struct hubspot_error {
  std::string category;        // VALIDATION_ERROR, OBJECT_NOT_FOUND, ...
  std::string message;
  std::string correlation_id;  // what HubSpot support asks for
  std::string first_code;      // errors[0].code (INVALID_OPTION ...)
  std::string policy_name;     // 429: TEN_SECONDLY_ROLLING, SECONDLY, DAILY
  std::vector<std::string> trace_ids;       // context.objectWriteTraceId
  std::vector<std::string> context_values;  // every other string under context (ids, emails)

  // errors[0].code when present, else the category.
  std::string code() const;
  // The message, with the correlation id when there is one.
  std::string describe() const;
  // Whether the error names this email in its context or message (any case).
  bool names_email(std::string_view email) const;
};

// One entry of a batch answer's results[].
struct hubspot_result {
  std::string id;        // the contact's HubSpot id
  std::string trace_id;  // objectWriteTraceId, echoed
  std::string email;     // properties.email
};

// The 200/207 envelope of batch/upsert and batch/update.
struct batch_answer {
  std::vector<hubspot_result> results;
  std::vector<hubspot_error> errors;
};

// nullopt when the body is not a JSON object with a results or errors array.
std::optional<batch_answer> parse_batch_answer(std::string_view body);

// Whatever of an error body is readable; all fields empty when it is not JSON.
hubspot_error parse_error(std::string_view body);

// ASCII lower case, for comparing emails and categories.
std::string lower(std::string_view text);

}  // namespace leadsync::adapters::hubspot
