#pragma once

// One Segment Spec message (identify, track, page) -> one canonical event.
// Shared by the single-message and `batch` bodies of format = "segment".

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/event.hpp"
#include "core/options.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::adapters::product {

struct segment_settings {
  core::string_map track_kinds;              // track event name -> kind
  std::vector<std::string> keep_properties;  // properties / traits copied into attributes
};

// The event for `message`, found at `prefix` in the body ("" or "/batch/3");
// nullopt for message types that carry no lead signal (group, alias, screen).
// `batch_context` is the batch's own "context" (it applies to every message
// of the batch), or nullptr. Errors are unmappable and say where in the body
// the problem is.
core::result<std::optional<core::event>> parse_segment_message(const boost::json::value& message,
                                                               const std::string& prefix,
                                                               const boost::json::value* batch_context,
                                                               const segment_settings& settings,
                                                               core::timestamp now);

}  // namespace leadsync::adapters::product
