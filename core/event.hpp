#pragma once

#include <string>
#include <string_view>

#include "core/options.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace leadsync::core {

// The canonical event every source format maps into. Sources fill what they
// know; empty strings mean "not given".
//
// Kinds in use (sources may add their own; the lead definition scores kinds):
//   form_submit, demo_request, content_download, webinar_attended   (forms)
//   chat_started, chat_message, chat_qualified                      (live chat)
//   page_view, product_signup, product_event, teammate_invited,
//   trial_started, trial_converted, subscription_started,
//   subscription_canceled, identify                                 (product)
//   crm_stage_changed                                               (CRM feedback)
struct event {
  std::string source;           // configured source name (the <source> of /hooks/<source>)
  std::string source_event_id;  // the sender's idempotency key; unique per source
  std::string kind;
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

  // ids of this person in other systems: "hubspot_contact_id",
  // "stripe_customer_id", "segment_user_id", "intercom_contact_id", ...
  string_map external_ids;

  // qualification answers (BANT/CHAMP), the raw material of CQLs:
  // budget, authority, need, timeline, challenges, priority
  string_map qualifiers;

  // anything else worth keeping: form id, page, campaign, event name, plan,
  // trial_end, for crm_stage_changed the new "stage" ...
  string_map attributes;
};

// Trims and lower-cases an email. Returns "" when there is no usable address.
std::string normalise_email(std::string_view raw);

// The stored form of an event (a JSON object) and back.
std::string to_json(const event& e);
result<event> event_from_json(std::string_view json);

}  // namespace leadsync::core
