#pragma once

// Small readers shared by the product and CRM-feedback source formats:
// timestamps in the shapes vendors send, scalar texts by JSON pointer with
// located errors, and name/kind helpers. Pure functions; no I/O.
//
// Candidates for adapters/sources/json_body.hpp once it settles: parse_rfc3339,
// parse_time and field_reader are not specific to these two families.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/value.hpp>

#include "core/inbound_request.hpp"
#include "core/options.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::adapters::product {

// RFC 3339 date-time: "2012-12-02T00:30:08.276Z", any number of fraction
// digits (kept to milliseconds), 'Z' or a numeric offset ("+02:00"; the
// colon-less "+0200" Salesforce writes is accepted too). nullopt otherwise.
std::optional<core::timestamp> parse_rfc3339(std::string_view text);

// Unix seconds or milliseconds (as parse_epoch) or RFC 3339.
std::optional<core::timestamp> parse_time(std::string_view text);

// Reads scalar texts out of one JSON value by RFC 6901 pointer. `prefix` is
// the pointer of `root` inside the whole body ("/batch/2"), so errors say
// where in the body the problem is. The first error sticks: read every
// field, then check failure() once.
class field_reader {
 public:
  field_reader(const boost::json::value& root, std::string prefix = {});

  // The value as text: strings as they are, numbers and booleans in JSON
  // notation; "" when absent or null. An object or array is an unmappable
  // error naming `field`.
  std::string text(std::string_view pointer, std::string_view field);

  // The first non-empty text among `pointers`.
  std::string first(std::initializer_list<std::string_view> pointers, std::string_view field);

  // The raw value, or nullptr when absent.
  const boost::json::value* find(std::string_view pointer) const;

  // Records a missing-field error unless one is already recorded.
  void require(const std::string& value, std::string_view pointer, std::string_view field);

  const std::optional<core::error>& failure() const { return failure_; }

 private:
  const boost::json::value& root_;
  std::string prefix_;
  std::optional<core::error> failure_;
};

// "Ada King Lovelace" -> {"Ada", "King Lovelace"}; one word -> {word, ""}.
// The same split as contact_fields.hpp uses for forms and chat.
std::pair<std::string, std::string> split_name(std::string_view full);

// Lower-case ASCII copy.
std::string lower(std::string_view text);

// nullopt when `name` is usable as an event kind or stage name
// ([a-z0-9_], 1..64 characters, as check_kind in contact_fields.hpp), else
// what is wrong.
std::optional<std::string> check_identifier(std::string_view name);

// `defaults` overlaid with `configured` (configured entries win).
core::string_map merged(core::string_map defaults, const core::string_map& configured);

// The Standard Webhooks message id: svix-id wins over webhook-id, as in the
// Svix libraries; nullopt when neither header is present and non-empty.
std::optional<std::string> standard_webhooks_id(const core::inbound_request& request);

}  // namespace leadsync::adapters::product
