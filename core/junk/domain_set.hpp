#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/junk/text.hpp"

// An immutable set of domains with "this domain or any subdomain of it"
// lookups: the shape of the disposable, blocked and competitor lists.
namespace leadsync::core::junk {

// A list entry as written in config or a data file, made canonical: trimmed,
// ASCII lower-case, a leading "*.", "@" or "." and a trailing "." dropped
// ("*.example.com", "@example.com" and "Example.COM." all mean example.com).
// nullopt when what is left is not a valid host name (see host_name_problem).
std::optional<std::string> normalise_domain_entry(std::string_view raw);

// Copying is cheap (the entries are shared) and a domain_set never changes
// after construction, so one instance may be read from any number of threads.
class domain_set {
 public:
  domain_set() = default;  // empty: matches nothing

  // Entries must already be canonical (normalise_domain_entry); duplicates
  // are fine.
  explicit domain_set(std::vector<std::string> canonical_entries);

  std::size_t size() const { return entries_ ? entries_->size() : 0; }
  bool empty() const { return size() == 0; }

  // Whether this exact entry is listed.
  bool contains(std::string_view canonical_domain) const;

  // The listed entry that `lower_domain` equals or is a subdomain of, or
  // nullopt. One hash lookup per label: "a.b.example.com" tries itself,
  // "b.example.com", "example.com" and "com". The longest match wins. The
  // returned view points into this set and lives as long as any copy of it.
  std::optional<std::string_view> match(std::string_view lower_domain) const;

 private:
  std::shared_ptr<const string_set> entries_;
};

}  // namespace leadsync::core::junk
