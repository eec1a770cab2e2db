#include "core/junk/rules.hpp"

#include <algorithm>
#include <bitset>
#include <utility>

namespace leadsync::core::junk {

struct rules::state {
  std::bitset<all_codes.size()> disabled;
  domain_set disposable;
  domain_set extra_disposable;
  domain_set allowed;
  domain_set blocked;
  domain_set competitors;
  string_set role_accounts;
  string_set placeholder_names;
  string_set purchased_sources;
  std::vector<attribute_match> purchased_attributes;
};

namespace {

std::string known_codes() {
  std::string out;
  for (const std::string_view code : all_codes) {
    out += out.empty() ? "" : ", ";
    out += code;
  }
  return out;
}

std::optional<std::size_t> code_index(std::string_view code) {
  const auto it = std::find(all_codes.begin(), all_codes.end(), code);
  if (it == all_codes.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - all_codes.begin());
}

void check_domains(std::string_view option, const std::vector<std::string>& entries,
                   std::vector<rules_problem>& problems) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!normalise_domain_entry(entries[i])) {
      problems.push_back({std::string(option), i, quoted_value(entries[i]) + " is not a domain name"});
    }
  }
}

void check_phrases(std::string_view option, const std::vector<std::string>& entries,
                   std::vector<rules_problem>& problems) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (normalise_phrase(entries[i]).empty()) {
      problems.push_back({std::string(option), i, "the entry is empty"});
    }
  }
}

domain_set compile_domains(const std::vector<std::string>& entries) {
  std::vector<std::string> canonical;
  canonical.reserve(entries.size());
  for (const std::string& entry : entries) {
    if (auto domain = normalise_domain_entry(entry)) {
      canonical.push_back(std::move(*domain));
    }
  }
  return domain_set(std::move(canonical));
}

string_set compile_phrases(const std::vector<std::string>& entries) {
  string_set out;
  for (const std::string& entry : entries) {
    out.insert(normalise_phrase(entry));
  }
  return out;
}

}  // namespace

std::vector<std::string> default_role_accounts() {
  return {"info",      "sales",    "admin",   "support",   "contact",  "hello",    "office",
          "marketing", "noreply",  "no-reply", "webmaster", "team",     "hr",       "jobs",
          "careers",   "billing",  "enquiries", "inquiries", "test",    "donotreply", "do-not-reply",
          "postmaster", "abuse",   "mailer-daemon"};
}

std::vector<std::string> default_placeholder_names() {
  return {// cartoon and stock names
          "mickey mouse", "minnie mouse", "donald duck", "daisy duck", "bugs bunny", "homer simpson",
          "santa claus", "john doe", "jane doe", "joe bloggs", "lorem ipsum",
          // form-filler phrases
          "test test", "test user", "testing testing", "first last", "firstname lastname",
          "first name last name", "your name", "no name", "fake name", "foo bar", "asdf asdf",
          // single words: a first or last name that is one of these is not a name
          "test", "testing", "tester", "asdf", "xxx", "dummy", "fake", "placeholder", "firstname",
          "lastname", "noname"};
}

std::vector<rules_problem> validate(const rules_config& config) {
  std::vector<rules_problem> problems;
  for (std::size_t i = 0; i < config.disabled_checks.size(); ++i) {
    if (!code_index(config.disabled_checks[i])) {
      problems.push_back({"disabled_checks", i,
                          quoted_value(config.disabled_checks[i]) + " is not a check; known: " + known_codes()});
    }
  }
  check_domains("extra_disposable_domains", config.extra_disposable_domains, problems);
  check_domains("allowed_domains", config.allowed_domains, problems);
  check_domains("blocked_domains", config.blocked_domains, problems);
  check_domains("competitor_domains", config.competitor_domains, problems);
  for (std::size_t i = 0; i < config.role_accounts.size(); ++i) {
    const std::string local = normalise_phrase(config.role_accounts[i]);
    if (local.empty() || local.find_first_of(" @") != std::string::npos) {
      problems.push_back({"role_accounts", i,
                          quoted_value(config.role_accounts[i]) + " is not the part before the @ of an address"});
    }
  }
  check_phrases("placeholder_names", config.placeholder_names, problems);
  check_phrases("purchased_list_sources", config.purchased_list_sources, problems);
  for (std::size_t i = 0; i < config.purchased_list_attributes.size(); ++i) {
    const attribute_match& m = config.purchased_list_attributes[i];
    if (trim(m.key).empty() || trim(m.value).empty()) {
      problems.push_back({"purchased_list_attributes", i, "both the attribute and its value must be given"});
    }
  }
  return problems;
}

rules::rules() : rules(build(rules_config{}).value()) {}

rules::rules(std::shared_ptr<const state> s) : state_(std::move(s)) {}

result<rules> rules::build(const rules_config& config, domain_set disposable) {
  if (const std::vector<rules_problem> problems = validate(config); !problems.empty()) {
    std::string message = "invalid junk rules: ";
    for (std::size_t i = 0; i < problems.size(); ++i) {
      message += i == 0 ? "" : "; ";
      message += problems[i].option + "[" + std::to_string(problems[i].index) + "]: " + problems[i].message;
    }
    return error{error_kind::malformed, "invalid_junk_rules", std::move(message)};
  }
  auto s = std::make_shared<state>();
  for (const std::string& code : config.disabled_checks) {
    s->disabled.set(*code_index(code));
  }
  s->disposable = std::move(disposable);
  s->extra_disposable = compile_domains(config.extra_disposable_domains);
  s->allowed = compile_domains(config.allowed_domains);
  s->blocked = compile_domains(config.blocked_domains);
  s->competitors = compile_domains(config.competitor_domains);
  s->role_accounts = compile_phrases(config.role_accounts);
  s->placeholder_names = compile_phrases(config.placeholder_names);
  s->purchased_sources = compile_phrases(config.purchased_list_sources);
  for (const attribute_match& m : config.purchased_list_attributes) {
    s->purchased_attributes.push_back({std::string(trim(m.key)), normalise_phrase(m.value)});
  }
  return rules(std::move(s));
}

bool rules::enabled(std::string_view code) const {
  const auto index = code_index(code);
  return index && !state_->disabled.test(*index);
}

std::optional<std::string_view> rules::disposable_match(std::string_view lower_domain) const {
  if (state_->allowed.match(lower_domain)) {
    return std::nullopt;
  }
  if (auto hit = state_->disposable.match(lower_domain)) {
    return hit;
  }
  return state_->extra_disposable.match(lower_domain);
}

std::optional<std::string_view> rules::blocked_match(std::string_view lower_domain) const {
  return state_->blocked.match(lower_domain);
}

std::optional<std::string_view> rules::competitor_match(std::string_view lower_domain) const {
  return state_->competitors.match(lower_domain);
}

bool rules::is_role_account(std::string_view lower_local) const {
  const std::string_view base = lower_local.substr(0, lower_local.find('+'));
  return state_->role_accounts.find(base) != state_->role_accounts.end();
}

const string_set& rules::placeholder_names() const {
  return state_->placeholder_names;
}

bool rules::is_purchased_source(std::string_view source) const {
  return !source.empty() && state_->purchased_sources.find(normalise_phrase(source)) != state_->purchased_sources.end();
}

const attribute_match* rules::purchased_attribute(const string_map& attributes) const {
  for (const attribute_match& m : state_->purchased_attributes) {
    const auto it = attributes.find(m.key);
    if (it != attributes.end() && normalise_phrase(it->second) == m.value) {
      return &m;
    }
  }
  return nullptr;
}

std::size_t rules::disposable_count() const {
  return state_->disposable.size();
}

}  // namespace leadsync::core::junk
