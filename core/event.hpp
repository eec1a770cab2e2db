#pragma once

#include <string>
#include <string_view>

#include "core/options.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// The canonical event every source format maps into. Sources fill what they
// know; empty strings mean "not given".
struct event {
  std::string source;           // configured source name (the <source> of /hooks/<source>)
  std::string source_event_id;  // the sender's idempotency key; unique per source
  std::string kind;             // form_submit, chat_message, product_signup, ...
  timestamp occurred_at{};      // when it happened at the sender (received_at if unknown)
  timestamp received_at{};      // when leadsyncd accepted it

  // identity
  std::string email;  // as sent; normalise_email() gives the lead key
  std::string anonymous_id;

  // contact and firmographics
  std::string first_name;
  std::string last_name;
  std::string company;
  std::string title;
  std::string phone;

  // anything else the mapping names (form id, page, campaign, qualifiers ...)
  string_map attributes;
};

// Trims and lower-cases an email. Returns "" when there is no usable address.
std::string normalise_email(std::string_view raw);

// The stored form of an event (a JSON object) and back.
std::string to_json(const event& e);
result<event> event_from_json(std::string_view json);

}  // namespace leadsync::core
