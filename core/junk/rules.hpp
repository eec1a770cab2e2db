#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/junk/domain_set.hpp"
#include "core/junk/text.hpp"
#include "core/options.hpp"
#include "core/result.hpp"

// The junk rules: what the config says (rules_config, plain data the config
// loader fills) and the compiled, immutable form classify() reads (rules).
namespace leadsync::core::junk {

// The stable reason codes, in the order classify() reports them. Stored in
// the audit trail and matched by CRM mappings: never rename one.
namespace codes {
inline constexpr std::string_view invalid_email = "invalid_email";
inline constexpr std::string_view disposable_domain = "disposable_domain";
inline constexpr std::string_view blocked_domain = "blocked_domain";
inline constexpr std::string_view competitor = "competitor";
inline constexpr std::string_view role_account = "role_account";
inline constexpr std::string_view placeholder_name = "placeholder_name";
inline constexpr std::string_view keyboard_mash = "keyboard_mash";
inline constexpr std::string_view placeholder_phone = "placeholder_phone";
inline constexpr std::string_view purchased_list = "purchased_list";
}  // namespace codes

inline constexpr std::array<std::string_view, 9> all_codes{
    codes::invalid_email, codes::disposable_domain, codes::blocked_domain,
    codes::competitor,    codes::role_account,      codes::placeholder_name,
    codes::keyboard_mash, codes::placeholder_phone, codes::purchased_list};

// An attribute value that marks a purchased list, e.g. list_source = "purchased".
// The key is compared exactly, the value ignoring ASCII case and surrounding
// whitespace.
struct attribute_match {
  std::string key;
  std::string value;
};

// The defaults rules_config starts with; a configured list replaces them.
std::vector<std::string> default_role_accounts();
std::vector<std::string> default_placeholder_names();

// The junk rules as configured. Every list replaces its default when given;
// domain entries may be written "example.com", "*.example.com" or
// "@example.com" and always cover subdomains.
struct rules_config {
  std::vector<std::string> disabled_checks;          // codes of checks that do not run
  std::string disposable_domains_file;               // "" = no shipped list (see load())
  std::vector<std::string> extra_disposable_domains;  // added to the file's list
  std::vector<std::string> allowed_domains;           // never reported as disposable
  std::vector<std::string> blocked_domains;
  std::vector<std::string> competitor_domains;
  std::vector<std::string> role_accounts = default_role_accounts();          // local parts
  std::vector<std::string> placeholder_names = default_placeholder_names();  // "first last" or one word
  std::vector<std::string> purchased_list_sources;                          // configured source names
  std::vector<attribute_match> purchased_list_attributes{{"list_source", "purchased"}};
};

// One problem in a rules_config: the option (e.g. "blocked_domains"), the
// index of the list entry at fault, and what is wrong. The config loader turns
// these into located errors.
struct rules_problem {
  std::string option;
  std::size_t index = 0;
  std::string message;
};

// Every problem at once; empty when build() will succeed.
std::vector<rules_problem> validate(const rules_config& config);

// The compiled rules. Immutable once built and cheap to copy (one shared
// pointer; the disposable list is shared, not copied), so the daemon builds
// them at config load and hands copies to every thread. All lookups take
// lower-case input, as check_email() produces it.
class rules {
 public:
  // The defaults with no disposable list: every check but disposable_domain
  // is useful as is.
  rules();

  // Compiles `config` with `disposable` as the shipped list (pure: the file
  // named in config is not read here). Fails with every validate() problem.
  static result<rules> build(const rules_config& config, domain_set disposable = {});

  // build() after reading config.disposable_domains_file, when set, with
  // load_domain_file(). Defined in domain_file.cpp, the only file I/O here.
  static result<rules> load(const rules_config& config);

  // The defaults plus the disposable list at `path`.
  static result<rules> with_disposable_file(const std::filesystem::path& path);

  // Whether the check with this code runs.
  bool enabled(std::string_view code) const;

  // The list entry a domain matches (itself or a parent), or nullopt.
  // disposable_match() honours allowed_domains and extra_disposable_domains.
  std::optional<std::string_view> disposable_match(std::string_view lower_domain) const;
  std::optional<std::string_view> blocked_match(std::string_view lower_domain) const;
  std::optional<std::string_view> competitor_match(std::string_view lower_domain) const;

  // Whether a lower-case local part (its "+tag" ignored) is a role account.
  bool is_role_account(std::string_view lower_local) const;

  // Normalised placeholder names (see normalise_phrase).
  const string_set& placeholder_names() const;

  // Whether a source name (any case) is configured as a purchased list.
  bool is_purchased_source(std::string_view source) const;

  // The first configured attribute match found in `attributes`, or nullptr.
  const attribute_match* purchased_attribute(const string_map& attributes) const;

  std::size_t disposable_count() const;  // entries in the shipped list

 private:
  struct state;
  explicit rules(std::shared_ptr<const state> s);

  std::shared_ptr<const state> state_;
};

}  // namespace leadsync::core::junk
