#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/crm/salesforce/jwt.hpp"
#include "core/options.hpp"

namespace leadsync::adapters::salesforce {

enum class auth_flow { client_credentials, jwt, refresh_token };

// How a stage update finds its record: upsert on an external id field holding
// the lead key, or look the record up by email and update or create it.
enum class match_mode { external_id, email };

// A salesforce connector's options, checked. Built once at create(); the
// private key for the JWT flow is already loaded.
struct settings {
  std::string login_url;  // scheme://host[:port], no trailing slash
  auth_flow auth = auth_flow::client_credentials;
  std::string client_id;
  std::string client_secret;                           // "" when not given
  std::string refresh_token;                           // "" unless auth = refresh_token
  std::string username;                                // jwt `sub`
  std::shared_ptr<const rsa_private_key> private_key;  // jwt only
  std::string audience;                                // jwt `aud`
  std::string api_version;                             // "60.0"
  std::string object;                                  // "Lead"
  match_mode match = match_mode::external_id;
  std::string external_id_field;
  std::string stage_field;
  core::string_map stages;                                  // our stage -> picklist value
  std::vector<std::pair<std::string, std::string>> fields;  // CRM field -> update field name
  std::size_t batch_size = 200;
  int api_budget_percent = 90;
  std::chrono::minutes pause{15};
  std::chrono::minutes token_max_age{90};
  std::chrono::milliseconds timeout{30'000};
  std::string ca_file;

  // Lead inserts need LastName and Company (see README).
  bool object_is_lead() const;
  // ("salesforce_lead_id") for record_result::external_id.
  std::string id_system() const;
};

// The option declarations of type = "salesforce".
const std::vector<core::option_spec>& option_specs();

// Checks every option and reads secrets and the private key; all problems are
// added to `errors` (never with a secret in them). nullopt when there were any.
std::optional<settings> read_settings(const core::option_values& values, std::vector<core::option_error>& errors);

}  // namespace leadsync::adapters::salesforce
