#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/expression/environment.hpp"

namespace leadsync::core::expr {

// The names and functions an expression may use, with the ids the
// environment will be asked for. Built once at start-up by the engine and
// handed to compile(); compile() reports every other name as unknown.
//
// Names are identifiers (letters, digits, '_'; not starting with a digit)
// joined by dots: "score", "qualifiers.budget". A namespace admits every
// name below it: add_namespace("lead", id) accepts "lead.country" and
// "lead.industry.naics" and resolves them to {id, "country"} and
// {id, "industry.naics"}. An exact name wins over a namespace; the longest
// namespace wins over a shorter one.
//
// The add_* functions throw std::invalid_argument on a programming error
// (not a valid name, a keyword, a duplicate, an arity over max_call_args);
// that happens at start-up, never on the data path. Const use is thread-safe.
class vocabulary {
 public:
  struct function_entry {
    function_id id = 0;
    std::size_t min_args = 0;
    std::size_t max_args = 0;
  };

  vocabulary& add_name(std::string_view name, name_id id);
  vocabulary& add_namespace(std::string_view prefix, name_id id);
  vocabulary& add_function(std::string_view name, function_id id, std::size_t min_args, std::size_t max_args);
  vocabulary& add_function(std::string_view name, function_id id, std::size_t args) {
    return add_function(name, id, args, args);
  }

  // The name as the environment will see it, or nothing when it is unknown.
  // suffix views `name`.
  std::optional<name_ref> resolve_name(std::string_view name) const;
  const function_entry* find_function(std::string_view name) const;
  bool is_namespace(std::string_view name) const;

  // The closest declared name (namespaced names included) or function, when
  // one is within edit distance 2 (case-insensitive, a swap of two adjacent
  // letters counts 1) and closer than the unknown word is long.
  std::optional<std::string> suggest_name(std::string_view unknown) const;
  std::optional<std::string> suggest_function(std::string_view unknown) const;

 private:
  std::map<std::string, name_id, std::less<>> names_;
  std::map<std::string, name_id, std::less<>> namespaces_;
  std::map<std::string, function_entry, std::less<>> functions_;
};

// True for "and", "or", "not", "in", "true", "false", "null".
bool is_keyword(std::string_view word) noexcept;

}  // namespace leadsync::core::expr
