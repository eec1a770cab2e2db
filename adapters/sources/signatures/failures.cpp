#include "adapters/sources/signatures/failures.hpp"

#include <string>

namespace leadsync::adapters::signatures {

core::error missing_header(std::string_view header) {
  return {core::error_kind::unauthorized, "missing_signature",
          "missing header " + std::string{header}};
}

core::error malformed_header(std::string_view header, std::string_view problem) {
  return {core::error_kind::unauthorized, "malformed_signature_header",
          "header " + std::string{header} + ": " + std::string{problem}};
}

core::error bad_signature() {
  return {core::error_kind::unauthorized, "bad_signature",
          "the signature does not match the request with any configured secret "
          "(check the secret, and that nothing in between rewrites the body)"};
}

std::optional<core::error> check_freshness(std::int64_t sent_ms, core::timestamp now,
                                           std::chrono::seconds tolerance) {
  const std::int64_t now_ms = core::to_millis(now);
  const std::int64_t limit_ms = std::chrono::milliseconds{tolerance}.count();
  const std::string window = std::to_string(tolerance.count()) + " s";
  // Both values are bounded by the parsers (at most 15 digits of ms), so the
  // differences cannot overflow.
  if (now_ms - sent_ms > limit_ms) {
    return core::error{core::error_kind::unauthorized, "stale_timestamp",
                       "the request timestamp is more than " + window +
                           " old (a replay, or a clock out of sync)"};
  }
  if (sent_ms - now_ms > limit_ms) {
    return core::error{core::error_kind::unauthorized, "stale_timestamp",
                       "the request timestamp is more than " + window +
                           " in the future (a clock out of sync?)"};
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::signatures
