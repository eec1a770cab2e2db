#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::adapters::signatures {

// The unauthorized errors every scheme returns, with their stable codes. The
// messages name headers and limits, never expected values or secrets.

// code "missing_signature": a header the scheme needs is absent.
core::error missing_header(std::string_view header);

// code "malformed_signature_header": a header is there but does not parse.
core::error malformed_header(std::string_view header, std::string_view problem);

// code "bad_signature": well-formed, but no configured secret produces it.
core::error bad_signature();

// code "stale_timestamp" when `sent_ms` is more than `tolerance` before or
// after `now` (both directions: a far-future timestamp would stay "fresh"
// long enough to be replayed).
std::optional<core::error> check_freshness(std::int64_t sent_ms, core::timestamp now,
                                           std::chrono::seconds tolerance);

}  // namespace leadsync::adapters::signatures
