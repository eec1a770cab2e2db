#include "core/expression/vocabulary.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>

#include "core/expression/limits.hpp"

namespace leadsync::core::expr {
namespace {

constexpr std::size_t max_distance = 2;
// Longer unknown words get no suggestion: edit distance is quadratic and a
// hostile expression can hold many long names.
constexpr std::size_t max_suggest_length = 64;

constexpr std::array<std::string_view, 7> keywords{"and", "or", "not", "in", "true", "false", "null"};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_identifier(std::string_view s) {
  if (s.empty() || !is_letter(s.front())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return is_letter(c) || is_digit(c); });
}

// Identifiers joined by dots, the first one not a keyword.
bool is_dotted_name(std::string_view s) {
  std::size_t start = 0;
  bool first = true;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view segment = s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
    if (!is_identifier(segment) || (first && is_keyword(segment))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    first = false;
    start = dot + 1;
  }
}

void require(bool condition, std::string_view what, std::string_view name) {
  if (!condition) {
    throw std::invalid_argument("expression vocabulary: " + std::string(what) + " '" + std::string(name) + "'");
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent swaps, which
// is what "scroe" for "score" is.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::size_t> before(m + 1);
  std::vector<std::size_t> previous(m + 1);
  std::vector<std::size_t> current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

class best_match {
 public:
  explicit best_match(std::string_view unknown) : needle_(lower(unknown)) {}

  void consider(std::string_view candidate) {
    const std::size_t longer = std::max(needle_.size(), candidate.size());
    const std::size_t shorter = std::min(needle_.size(), candidate.size());
    if (longer - shorter > max_distance) {
      return;
    }
    const std::size_t d = edit_distance(needle_, lower(candidate));
    if (d < distance_ && d < needle_.size()) {
      distance_ = d;
      best_ = std::string(candidate);
    }
  }

  std::optional<std::string> result() const { return best_; }

 private:
  std::string needle_;
  std::size_t distance_ = max_distance + 1;
  std::optional<std::string> best_;
};

}  // namespace

bool is_keyword(std::string_view word) noexcept {
  return std::find(keywords.begin(), keywords.end(), word) != keywords.end();
}

vocabulary& vocabulary::add_name(std::string_view name, name_id id) {
  require(is_dotted_name(name), "not a valid name", name);
  require(!names_.contains(name), "name declared twice", name);
  names_.emplace(std::string(name), id);
  return *this;
}

vocabulary& vocabulary::add_namespace(std::string_view prefix, name_id id) {
  require(is_dotted_name(prefix), "not a valid namespace", prefix);
  require(!namespaces_.contains(prefix), "namespace declared twice", prefix);
  namespaces_.emplace(std::string(prefix), id);
  return *this;
}

vocabulary& vocabulary::add_function(std::string_view name, function_id id, std::size_t min_args,
                                     std::size_t max_args) {
  require(is_identifier(name) && !is_keyword(name), "not a valid function name", name);
  require(!functions_.contains(name), "function declared twice", name);
  require(min_args <= max_args && max_args <= max_call_args, "bad arity for function", name);
  functions_.emplace(std::string(name), function_entry{id, min_args, max_args});
  return *this;
}

std::optional<name_ref> vocabulary::resolve_name(std::string_view name) const {
  if (const auto it = names_.find(name); it != names_.end()) {
    return name_ref{it->second, {}};
  }
  // Longest namespace first: cut at each dot from the right.
  std::size_t dot = name.rfind('.');
  while (dot != std::string_view::npos && dot > 0) {
    if (const auto it = namespaces_.find(name.substr(0, dot)); it != namespaces_.end()) {
      return name_ref{it->second, name.substr(dot + 1)};
    }
    dot = name.rfind('.', dot - 1);
  }
  return std::nullopt;
}

const vocabulary::function_entry* vocabulary::find_function(std::string_view name) const {
  const auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

bool vocabulary::is_namespace(std::string_view name) const { return namespaces_.contains(name); }

std::optional<std::string> vocabulary::suggest_name(std::string_view unknown) const {
  if (unknown.size() > max_suggest_length) {
    return std::nullopt;
  }
  best_match match(unknown);
  for (const auto& [name, id] : names_) {
    match.consider(name);
  }
  // "qualifier.budget" -> "qualifiers.budget": try each namespace in place of
  // each dotted head of the unknown name.
  for (const auto& [prefix, id] : namespaces_) {
    for (std::size_t dot = unknown.find('.'); dot != std::string_view::npos; dot = unknown.find('.', dot + 1)) {
      match.consider(prefix + std::string(unknown.substr(dot)));
    }
  }
  return match.result();
}

std::optional<std::string> vocabulary::suggest_function(std::string_view unknown) const {
  if (unknown.size() > max_suggest_length) {
    return std::nullopt;
  }
  best_match match(unknown);
  for (const auto& [name, entry] : functions_) {
    match.consider(name);
  }
  return match.result();
}

}  // namespace leadsync::core::expr
