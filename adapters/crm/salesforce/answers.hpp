#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadsync::adapters::salesforce {

// Reading Salesforce's answers. Parsing is defensive: anything missing or of
// the wrong type reads as absent, never throws.

// One error, from a whole-request error array (`errorCode`) or a record's
// result (`statusCode`); both keys are accepted in both places.
struct sf_error {
  std::string code;
  std::string message;
  std::vector<std::string> fields;
  // DUPLICATES_DETECTED: the Ids of existing records of the written object
  // the duplicate rule matched (duplicateResult.matchResults[].matchRecords[].record.Id).
  std::vector<std::string> duplicate_ids;
};

// "message (fields: A, B)", or the code when there is no message.
std::string describe(const sf_error& e);

// One entry of an sObject Collections answer.
struct record_answer {
  bool success = false;
  std::string id;
  std::vector<sf_error> errors;
};

// The per-record results of a Collections request (a JSON array, in request
// order); nullopt when the body is not one. `object` filters duplicate matches.
std::optional<std::vector<record_answer>> parse_collection_results(std::string_view body, std::string_view object);

// A whole-request error body ([{"message","errorCode","fields"}]); empty when unreadable.
std::vector<sf_error> parse_request_errors(std::string_view body);

// One page of a SOQL query answer: (Id, Email) of each record and the
// relative URL of the next page ("" when done).
struct query_page {
  struct row {
    std::string id;
    std::string email;
  };
  std::vector<row> rows;
  std::string next_records_url;
};
std::optional<query_page> parse_query_page(std::string_view body);

// Sforce-Limit-Info "api-usage=18/5000; api-bursts=1/750": the api-usage pair.
struct api_usage {
  std::int64_t used = 0;
  std::int64_t limit = 0;
};
std::optional<api_usage> parse_limit_info(std::string_view header);

}  // namespace leadsync::adapters::salesforce
