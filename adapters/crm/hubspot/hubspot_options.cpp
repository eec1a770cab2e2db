#include "adapters/crm/hubspot/hubspot_options.hpp"

#include <algorithm>
#include <set>

#include <boost/url/parse.hpp>

#include "adapters/crm/common/secret_option.hpp"

namespace leadsync::adapters::hubspot {
namespace {

// HubSpot's default lifecyclestage values in their order (wire-formats.md
// 4.4). Accounts may customise them, hence the option.
const std::vector<std::string> default_order{"subscriber",         "lead",        "marketingqualifiedlead",
                                             "salesqualifiedlead", "opportunity", "customer",
                                             "evangelist",         "other"};

bool is_loopback_host(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1";
}

// https:// anywhere; plain http:// only to this machine (a test double or a
// local proxy), so the token never crosses a network in clear text.
std::optional<std::string> check_base_url(const std::string& text, std::vector<core::option_error>& errors) {
  auto url = boost::urls::parse_uri(text);
  if (!url || url->host().empty() || (url->scheme() != "https" && url->scheme() != "http")) {
    errors.push_back({"base_url", "expected an https:// URL such as https://api.hubapi.com, got \"" + text + "\""});
    return std::nullopt;
  }
  if (url->scheme() == "http" && !is_loopback_host(url->host())) {
    errors.push_back({"base_url", "http:// is only allowed for 127.0.0.1 or localhost; use https://"});
    return std::nullopt;
  }
  if (url->has_query() || url->has_fragment() || url->has_userinfo()) {
    errors.push_back({"base_url", "expected scheme, host and an optional path only (no user, query or fragment)"});
    return std::nullopt;
  }
  std::string out = text;
  while (out.ends_with('/')) {
    out.pop_back();
  }
  return out;
}

std::vector<std::string> read_order(const core::option_values& values, std::vector<core::option_error>& errors) {
  if (!values.has("lifecycle_order")) {
    return default_order;
  }
  auto order = values.list_or_empty("lifecycle_order");
  if (order.empty()) {
    errors.push_back({"lifecycle_order", "expected at least one lifecyclestage value"});
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& value : order) {
    if (value.empty()) {
      errors.push_back({"lifecycle_order", "contains an empty value"});
    } else if (!seen.insert(value).second) {
      errors.push_back({"lifecycle_order", "lists \"" + value + "\" twice"});
    }
  }
  return order;
}

void check_stages(const settings& s, bool given, std::vector<core::option_error>& errors) {
  if (!given || s.stages.empty()) {
    errors.push_back({"stages", "map at least one of our stages to a HubSpot lifecyclestage value, e.g. "
                                "mql = \"marketingqualifiedlead\""});
    return;
  }
  for (const auto& [stage, value] : s.stages) {
    if (value.empty()) {
      errors.push_back({"stages." + stage, "expected a lifecyclestage value, got an empty string"});
    } else if (!s.rank(value)) {
      errors.push_back({"stages." + stage, "\"" + value + "\" is not in lifecycle_order; add it there in HubSpot's "
                                           "order (custom stages have numeric ids)"});
    }
  }
}

void check_properties(const settings& s, std::vector<core::option_error>& errors) {
  for (const auto& [property, field] : s.properties) {
    if (property.empty() || property.find_first_of(" \t\r\n\"") != std::string::npos) {
      errors.push_back({"properties." + property, "not a HubSpot property name"});
    } else if (property == "email" || property == "lifecyclestage") {
      errors.push_back({"properties." + property, "the connector sets " + property + " itself"});
    } else if (field.empty() || field == "fields.") {
      errors.push_back({"properties." + property, "expected an update field name (e.g. first_name, score)"});
    }
  }
}

}  // namespace

std::optional<std::size_t> settings::rank(const std::string& value) const {
  auto it = std::find(lifecycle_order.begin(), lifecycle_order.end(), value);
  if (it == lifecycle_order.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - lifecycle_order.begin());
}

const std::vector<core::option_spec>& option_specs() {
  static const std::vector<core::option_spec> specs = [] {
    std::vector<core::option_spec> out{
        {"base_url", core::option_type::string, false,
         "API root (default https://api.hubapi.com; http:// only for 127.0.0.1/localhost)"},
    };
    for (auto& spec : secret_option_specs("token", "private-app access token, sent as Authorization: Bearer")) {
      out.push_back(std::move(spec));
    }
    out.insert(out.end(), {
        {"stages", core::option_type::string_map, true,
         "our stage -> HubSpot lifecyclestage value (e.g. mql = \"marketingqualifiedlead\"); unmapped stages are "
         "skipped"},
        {"lifecycle_order", core::option_type::string_list, false,
         "the account's lifecyclestage values, earliest first (default: HubSpot's standard order)"},
        {"allow_backwards", core::option_type::boolean, false,
         "move a contact back to an earlier stage by clearing lifecyclestage first (default false)"},
        {"properties", core::option_type::string_map, false,
         "HubSpot property -> update field (first_name, company, score, fields.<trait> ...), sent as strings"},
        {"batch_size", core::option_type::integer, false, "contacts per request, 1 to 100 (default 100)"},
        {"timeout_ms", core::option_type::integer, false, "per request, connect included (default 30000)"},
        {"ca_file", core::option_type::string, false, "PEM file of CAs to trust instead of the system store"},
    });
    return out;
  }();
  return specs;
}

std::optional<settings> read_settings(const core::option_values& values, std::vector<core::option_error>& errors) {
  const std::size_t errors_before = errors.size();
  settings s;
  if (auto url = check_base_url(values.string_or("base_url", "https://api.hubapi.com"), errors)) {
    s.base_url = std::move(*url);
  }
  if (auto token = read_secret(values, "token", true, errors)) {
    s.token = std::move(*token);
    if (s.token.find_first_of("\r\n") != std::string::npos) {
      errors.push_back({"token", "the token contains a line break"});
    }
  }
  s.lifecycle_order = read_order(values, errors);
  s.stages = values.map_or_empty("stages");
  check_stages(s, values.has("stages"), errors);
  s.allow_backwards = values.boolean_or("allow_backwards", false);
  s.properties = values.map_or_empty("properties");
  check_properties(s, errors);
  const std::int64_t batch = values.integer_or("batch_size", 100);
  if (batch < 1 || batch > 100) {
    errors.push_back({"batch_size", "expected 1 to 100 (HubSpot's batch limit)"});
  }
  s.batch_size = static_cast<std::size_t>(std::clamp<std::int64_t>(batch, 1, 100));
  const std::int64_t timeout_ms = values.integer_or("timeout_ms", 30'000);
  if (timeout_ms < 1 || timeout_ms > 600'000) {
    errors.push_back({"timeout_ms", "expected milliseconds from 1 to 600000"});
  }
  s.timeout = std::chrono::milliseconds{timeout_ms};
  s.ca_file = values.string_or("ca_file", "");
  if (values.has("ca_file") && s.ca_file.empty()) {
    errors.push_back({"ca_file", "expected a path to a PEM file, got an empty string"});
  }
  if (errors.size() != errors_before) {
    return std::nullopt;
  }
  return s;
}

}  // namespace leadsync::adapters::hubspot
