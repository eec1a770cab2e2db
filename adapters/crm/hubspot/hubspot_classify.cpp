#include "adapters/crm/hubspot/hubspot_classify.hpp"

#include <string>

#include "adapters/crm/common/http_answer.hpp"

namespace leadsync::adapters::hubspot {
namespace {

core::record_result retry(std::string message, std::string code) {
  core::record_result r;
  r.outcome = core::delivery_outcome::retry;
  r.message = std::move(message);
  r.code = std::move(code);
  return r;
}

core::record_result reject(std::string message, std::string code) {
  core::record_result r;
  r.outcome = core::delivery_outcome::reject;
  r.message = std::move(message);
  r.code = std::move(code);
  return r;
}

std::string http_code(int status) { return "http_" + std::to_string(status); }

bool contains(const std::string& text, std::string_view word) { return text.find(word) != std::string::npos; }

// UNVERIFIED wording: HubSpot's answer to more inputs than it takes was not in
// the sources read; this catches "... inputs ... limit/size/maximum/100 ...".
bool about_input_count(const hubspot_error& e) {
  if (e.category != "VALIDATION_ERROR") {
    return false;
  }
  const std::string m = lower(e.message);
  return contains(m, "input") && (contains(m, "limit") || contains(m, "size") || contains(m, "maximum") ||
                                  contains(m, "too many") || contains(m, "exceed") || contains(m, "100"));
}

bool is_credentials_category(std::string_view category) {
  return category == "INVALID_AUTHENTICATION" || category == "EXPIRED_AUTHENTICATION" ||
         category == "MISSING_SCOPES";
}

}  // namespace

verdict classify(const core::outbound_response& response, core::timestamp now) {
  verdict v;
  const int status = response.status;
  if (status >= 200 && status < 300) {
    v.what = verdict::kind::batch;
    return v;
  }
  const hubspot_error e = status == 0 ? hubspot_error{} : parse_error(response.body);
  if (status == 429) {
    v.what = verdict::kind::throttled;
    v.throttle = throttle_pause(response, e, now);
    return v;
  }
  const std::string code = e.code().empty() ? http_code(status) : e.code();
  if (status == 401 || status == 403) {
    // The account's problem, not the record's: dead-lettering every update
    // would lose them all to a rotated token.
    v.each = retry("HubSpot refused the credentials or scopes (HTTP " + std::to_string(status) +
                       "): check the token and that the private app has the crm.objects.contacts.read and "
                       ".write scopes; HubSpot says: " + e.describe(),
                   code);
    return v;
  }
  if (e.category == "OBJECT_NOT_FOUND" && (status == 400 || status == 404)) {
    v.what = verdict::kind::not_found;
    v.error = e;
    v.each = reject("HubSpot found no such contact: " + e.describe(), code);
    return v;
  }
  if (status == 400 && about_input_count(e)) {
    // The daemon cannot split a batch; a smaller batch_size is the cure.
    v.each = retry("HubSpot refused the number of inputs; lower batch_size: " + e.describe(), code);
    return v;
  }
  if (is_transient_status(status) || status == 477) {
    v.each = retry(describe_failure(response), status == 0 ? std::string{} : http_code(status));
    v.each.retry_after = retry_after(response.headers, now);
    return v;
  }
  if (status == 404 || status == 405 || status < 200 || (status >= 300 && status < 400)) {
    v.each = retry("HubSpot has no such endpoint (HTTP " + std::to_string(status) + "): check base_url; " +
                       describe_failure(response),
                   http_code(status));
    return v;
  }
  v.what = verdict::kind::reject;
  v.each = reject("HubSpot rejected the request (HTTP " + std::to_string(status) +
                      "): " + (e.message.empty() ? describe_failure(response) : e.describe()),
                  code);
  return v;
}

core::record_result record_error(const hubspot_error& error) {
  const std::string code = error.code().empty() ? std::string{"hubspot_error"} : error.code();
  if (error.category == "RATE_LIMITS" || is_credentials_category(error.category)) {
    return retry("HubSpot: " + error.describe(), code);
  }
  return reject("HubSpot: " + error.describe(), code);
}

}  // namespace leadsync::adapters::hubspot
