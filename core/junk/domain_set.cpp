#include "core/junk/domain_set.hpp"

#include <utility>

#include "core/junk/email_syntax.hpp"
#include "core/junk/text.hpp"

namespace leadsync::core::junk {

std::optional<std::string> normalise_domain_entry(std::string_view raw) {
  std::string_view entry = trim(raw);
  if (entry.substr(0, 2) == "*.") {
    entry.remove_prefix(2);
  } else if (!entry.empty() && (entry.front() == '@' || entry.front() == '.')) {
    entry.remove_prefix(1);
  }
  if (!entry.empty() && entry.back() == '.') {
    entry.remove_suffix(1);
  }
  std::string lower = ascii_lower(entry);
  if (!host_name_problem(lower).empty()) {
    return std::nullopt;
  }
  return lower;
}

domain_set::domain_set(std::vector<std::string> canonical_entries) {
  auto entries = std::make_shared<string_set>();
  entries->reserve(canonical_entries.size());
  for (std::string& entry : canonical_entries) {
    entries->insert(std::move(entry));
  }
  entries_ = std::move(entries);
}

bool domain_set::contains(std::string_view canonical_domain) const {
  return entries_ && entries_->find(canonical_domain) != entries_->end();
}

std::optional<std::string_view> domain_set::match(std::string_view lower_domain) const {
  if (!entries_ || entries_->empty()) {
    return std::nullopt;
  }
  std::string_view suffix = lower_domain;
  while (!suffix.empty()) {
    if (const auto it = entries_->find(suffix); it != entries_->end()) {
      return std::string_view(*it);
    }
    const std::size_t dot = suffix.find('.');
    if (dot == std::string_view::npos) {
      break;
    }
    suffix.remove_prefix(dot + 1);
  }
  return std::nullopt;
}

}  // namespace leadsync::core::junk
