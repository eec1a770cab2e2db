#include "adapters/crm/salesforce/settings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/url/parse.hpp>

#include "adapters/crm/common/secret_option.hpp"

namespace leadsync::adapters::salesforce {
namespace {

using core::option_type;

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// sObject and field API names: they are pasted into URLs and SOQL, so only
// what Salesforce itself allows (Lead, Lead_Key__c, ns__Field__c).
bool is_api_name(std::string_view name) {
  if (name.empty() || name.size() > 80 || std::isalpha(static_cast<unsigned char>(name.front())) == 0) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

bool is_loopback(std::string_view host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

// Sets s.login_url (without a trailing slash) and the default audience, the
// URL's origin.
void read_login_url(const core::option_values& values, settings& s, std::vector<core::option_error>& errors) {
  const std::string text = values.string_or("login_url", "https://login.salesforce.com");
  auto url = boost::urls::parse_absolute_uri(text);
  const auto bad = [&](const std::string& why) { errors.push_back({"login_url", why + ", got \"" + text + "\""}); };
  if (!url || url->encoded_host().empty()) {
    return bad("expected a URL like https://login.salesforce.com");
  }
  const std::string host{url->encoded_host()};
  if (url->scheme() == "http") {
    if (!is_loopback(host)) {
      return bad("http:// is only allowed for 127.0.0.1 and localhost (tests); use https://");
    }
  } else if (url->scheme() != "https") {
    return bad("expected an https:// URL");
  }
  if (url->has_userinfo() || url->has_query() || url->has_fragment()) {
    return bad("expected only scheme, host and optional path");
  }
  std::string origin = std::string{url->scheme()} + "://" + std::string{url->encoded_host_and_port()};
  std::string path{url->encoded_path()};
  while (path.ends_with('/')) {
    path.pop_back();
  }
  s.login_url = origin + path;
  s.audience = std::move(origin);
}

void read_auth(const core::option_values& values, settings& s, std::vector<core::option_error>& errors) {
  const std::string auth = values.string_or("auth", "");
  if (auth == "client_credentials") {
    s.auth = auth_flow::client_credentials;
  } else if (auth == "jwt") {
    s.auth = auth_flow::jwt;
  } else if (auth == "refresh_token") {
    s.auth = auth_flow::refresh_token;
  } else {
    errors.push_back({"auth", "expected \"client_credentials\", \"jwt\" or \"refresh_token\", got \"" + auth + "\""});
    return;
  }
  s.client_id = values.string_or("client_id", "");
  if (s.client_id.empty()) {
    errors.push_back({"client_id", "missing: the connected app's consumer key"});
  }

  const auto given = [&](std::string_view name) {
    const std::string n{name};
    return values.has(n) || values.has(n + "_env") || values.has(n + "_file");
  };
  const auto not_used = [&](std::string_view name, std::string_view flows) {
    if (given(name)) {
      errors.push_back({std::string{name}, "only used with auth = " + std::string{flows} + ", not \"" + auth + "\""});
    }
  };

  if (s.auth == auth_flow::jwt) {
    not_used("client_secret", "\"client_credentials\" or \"refresh_token\"");
  } else {
    const bool required = s.auth == auth_flow::client_credentials;
    s.client_secret = read_secret(values, "client_secret", required, errors).value_or("");
  }
  if (s.auth == auth_flow::refresh_token) {
    s.refresh_token = read_secret(values, "refresh_token", true, errors).value_or("");
  } else {
    not_used("refresh_token", "\"refresh_token\"");
  }
  if (s.auth != auth_flow::jwt) {
    not_used("username", "\"jwt\"");
    not_used("private_key_file", "\"jwt\"");
    not_used("audience", "\"jwt\"");
    return;
  }
  s.username = values.string_or("username", "");
  if (s.username.empty()) {
    errors.push_back({"username", "missing: the Salesforce username the JWT bearer flow acts as"});
  }
  const std::string key_file = values.string_or("private_key_file", "");
  if (key_file.empty()) {
    errors.push_back({"private_key_file", "missing: the PEM RSA private key whose certificate the connected app has"});
  } else {
    auto loaded = rsa_private_key::load(key_file);
    if (auto* why = std::get_if<std::string>(&loaded)) {
      errors.push_back({"private_key_file", *why});
    } else {
      s.private_key = std::get<0>(std::move(loaded));
    }
  }
  if (values.has("audience")) {
    s.audience = values.string_or("audience", "");
    if (!s.audience.starts_with("https://") && !s.audience.starts_with("http://")) {
      errors.push_back({"audience", "expected a URL such as https://login.salesforce.com"});
    }
  }
}

void read_api_version(const core::option_values& values, settings& s, std::vector<core::option_error>& errors) {
  s.api_version = values.string_or("api_version", "60.0");
  const std::string& v = s.api_version;
  const auto dot = v.find('.');
  int major = 0;
  const bool shape = dot != std::string::npos && dot > 0 && dot + 2 == v.size() &&
                     std::isdigit(static_cast<unsigned char>(v.back())) != 0 &&
                     std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(dot),
                                 [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }) &&
                     std::from_chars(v.data(), v.data() + dot, major).ec == std::errc{};
  if (!shape) {
    errors.push_back({"api_version", "expected a version like \"60.0\", got \"" + v + "\""});
  } else if (major < 46) {
    errors.push_back({"api_version", "must be 46.0 or later (sObject Collections upsert), got \"" + v + "\""});
  }
}

void read_mapping(const core::option_values& values, settings& s, std::vector<core::option_error>& errors) {
  const auto api_name = [&](const char* key, std::string fallback) {
    std::string name = values.string_or(key, std::move(fallback));
    if (!is_api_name(name)) {
      errors.push_back({key, "expected an API name (letters, digits, underscores), got \"" + name + "\""});
    }
    return name;
  };
  s.object = api_name("object", "Lead");
  s.external_id_field = api_name("external_id_field", "Lead_Key__c");
  s.stage_field = api_name("stage_field", "Status");

  const std::string match = values.string_or("match", "external_id");
  if (match == "email") {
    s.match = match_mode::email;
  } else if (match != "external_id") {
    errors.push_back({"match", "expected \"external_id\" or \"email\", got \"" + match + "\""});
  }

  s.stages = values.map_or_empty("stages");
  if (s.stages.empty()) {
    errors.push_back({"stages", "missing: map each stage to its picklist value, e.g. mql = \"Working - Contacted\""});
  }
  for (const auto& [stage, value] : s.stages) {
    if (value.empty()) {
      errors.push_back({"stages." + stage, "expected a picklist value, got an empty string"});
    }
  }

  for (const auto& [field, source] : values.map_or_empty("fields")) {
    const std::string key = "fields." + field;
    if (!is_api_name(field)) {
      errors.push_back({key, "expected a field API name (letters, digits, underscores)"});
    } else if (equals_ignore_case(field, "Id") || equals_ignore_case(field, "attributes")) {
      errors.push_back({key, "cannot be written; records are addressed by match"});
    } else if (equals_ignore_case(field, s.stage_field)) {
      errors.push_back({key, "is the stage_field, which the stages map sets"});
    } else if (s.match == match_mode::external_id && equals_ignore_case(field, s.external_id_field)) {
      errors.push_back({key, "is the external_id_field, which always holds the lead key"});
    } else if (source.empty()) {
      errors.push_back({key, "expected the name of an update field (email, first_name, score, ...)"});
    } else {
      s.fields.emplace_back(field, source);
    }
  }
}

std::int64_t read_range(const core::option_values& values, const char* key, std::int64_t fallback, std::int64_t lo,
                        std::int64_t hi, std::vector<core::option_error>& errors) {
  const std::int64_t v = values.integer_or(key, fallback);
  if (v < lo || v > hi) {
    errors.push_back(
        {key, "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + std::to_string(v)});
    return fallback;
  }
  return v;
}

std::vector<core::option_spec> build_specs() {
  std::vector<core::option_spec> specs{
      {"login_url", option_type::string, false,
       "OAuth base, POST <login_url>/services/oauth2/token (default https://login.salesforce.com; "
       "auth = \"client_credentials\" needs the My Domain URL, https://<domain>.my.salesforce.com)"},
      {"auth", option_type::string, true, "\"client_credentials\", \"jwt\" or \"refresh_token\""},
      {"client_id", option_type::string, true, "the connected app's consumer key"},
  };
  for (auto& spec : secret_option_specs("client_secret",
                                        "consumer secret (client_credentials; optional for "
                                        "refresh_token)")) {
    specs.push_back(std::move(spec));
  }
  for (auto& spec : secret_option_specs("refresh_token", "refresh token (auth = \"refresh_token\")")) {
    specs.push_back(std::move(spec));
  }
  const std::vector<core::option_spec> rest{
      {"username", option_type::string, false, "Salesforce username, the JWT `sub` (auth = \"jwt\")"},
      {"private_key_file", option_type::string, false, "PEM RSA private key signing the JWT (auth = \"jwt\")"},
      {"audience", option_type::string, false, "JWT `aud` (default: login_url's origin)"},
      {"api_version", option_type::string, false, "REST API version, 46.0 or later (default \"60.0\")"},
      {"object", option_type::string, false, "sObject written (default \"Lead\")"},
      {"match", option_type::string, false,
       "\"external_id\" (upsert on external_id_field = lead key, the default) or \"email\" (look up by Email)"},
      {"external_id_field", option_type::string, false,
       "External ID field holding the lead key (default "
       "\"Lead_Key__c\")"},
      {"stage_field", option_type::string, false, "picklist field the stage is written to (default \"Status\")"},
      {"stages", option_type::string_map, true, "stage -> picklist value; unmapped stages are not sent"},
      {"fields", option_type::string_map, false, "CRM field API name -> update field (email, first_name, score, ...)"},
      {"batch_size", option_type::integer, false, "records per request, 1 to 200 (default 200)"},
      {"api_budget_percent", option_type::integer, false,
       "share of the org's daily API limit this connector may use, 1 to 100 (default 90)"},
      {"pause_minutes", option_type::integer, false,
       "pause after REQUEST_LIMIT_EXCEEDED or with the budget used up, 1 to 1440 (default 15)"},
      {"token_max_age_minutes", option_type::integer, false,
       "get a new access token when the current one is older, 1 to 1440 (default 90)"},
      {"timeout_ms", option_type::integer, false, "per request, connect included (default 30000)"},
      {"ca_file", option_type::string, false, "PEM CAs to trust instead of the system store"},
  };
  specs.insert(specs.end(), rest.begin(), rest.end());
  return specs;
}

}  // namespace

bool settings::object_is_lead() const { return equals_ignore_case(object, "Lead"); }

std::string settings::id_system() const {
  std::string lower = object;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return "salesforce_" + lower + "_id";
}

const std::vector<core::option_spec>& option_specs() {
  static const std::vector<core::option_spec> specs = build_specs();
  return specs;
}

std::optional<settings> read_settings(const core::option_values& values, std::vector<core::option_error>& errors) {
  const std::size_t before = errors.size();
  settings s;
  read_login_url(values, s, errors);
  read_auth(values, s, errors);
  read_api_version(values, s, errors);
  read_mapping(values, s, errors);
  s.batch_size = static_cast<std::size_t>(read_range(values, "batch_size", 200, 1, 200, errors));
  s.api_budget_percent = static_cast<int>(read_range(values, "api_budget_percent", 90, 1, 100, errors));
  s.pause = std::chrono::minutes{read_range(values, "pause_minutes", 15, 1, 1440, errors)};
  s.token_max_age = std::chrono::minutes{read_range(values, "token_max_age_minutes", 90, 1, 1440, errors)};
  s.timeout = std::chrono::milliseconds{read_range(values, "timeout_ms", 30'000, 1, 600'000, errors)};
  s.ca_file = values.string_or("ca_file", "");
  if (errors.size() != before) {
    return std::nullopt;
  }
  return s;
}

}  // namespace leadsync::adapters::salesforce
