#include "core/expression/checker.hpp"

#include <algorithm>
#include <string>

#include "core/expression/tokenizer.hpp"

namespace leadsync::core::expr::detail {
namespace {

constexpr std::size_t max_echo = 64;

std::string quoted(std::string_view text) { return quote(echo(text, max_echo)); }

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

std::string arguments(std::size_t n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); }

std::string arity_text(const vocabulary::function_entry& f) {
  if (f.min_args == f.max_args) {
    return arguments(f.min_args);
  }
  return std::to_string(f.min_args) + " to " + arguments(f.max_args);
}

std::string did_you_mean(const std::optional<std::string>& suggestion) {
  return suggestion ? "; did you mean " + quote(*suggestion) + "?" : std::string{};
}

std::string check_name(node& n, const vocabulary& vocab) {
  if (const std::optional<name_ref> resolved = vocab.resolve_name(n.text)) {
    n.name = *resolved;
    return {};
  }
  if (vocab.find_function(n.text) != nullptr) {
    return quoted(n.text) + " is a function; call it as " + echo(n.text, max_echo) + "(...)";
  }
  if (vocab.is_namespace(n.text)) {
    return quoted(n.text) + " is a group of names; name one of them, as in " + echo(n.text, max_echo) + ".<field>";
  }
  // "True", "NULL": a keyword in the wrong case reads as a name.
  const std::string folded = lower(n.text);
  if (is_keyword(folded)) {
    return "unknown name " + quoted(n.text) + "; did you mean " + quote(folded) + "?";
  }
  return "unknown name " + quoted(n.text) + did_you_mean(vocab.suggest_name(n.text));
}

std::string check_call(node& n, const vocabulary& vocab) {
  const vocabulary::function_entry* f = vocab.find_function(n.text);
  if (f == nullptr) {
    if (vocab.resolve_name(n.text)) {
      return quoted(n.text) + " is not a function";
    }
    return "unknown function " + quoted(n.text) + did_you_mean(vocab.suggest_function(n.text));
  }
  if (n.count < f->min_args || n.count > f->max_args) {
    return echo(n.text, max_echo) + "() takes " + arity_text(*f) + ", found " + std::to_string(n.count);
  }
  n.function = f->id;
  return {};
}

}  // namespace

std::vector<diagnostic> check(program& p, const vocabulary& vocab) {
  std::vector<diagnostic> problems;
  // Every node in the vector is part of the tree, so a flat pass sees them all.
  for (node& n : p.nodes) {
    std::string message;
    if (n.kind == node_kind::name) {
      message = check_name(n, vocab);
    } else if (n.kind == node_kind::call) {
      message = check_call(n, vocab);
    }
    if (!message.empty()) {
      problems.push_back(diagnostic{n.column, std::move(message)});
    }
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const diagnostic& a, const diagnostic& b) { return a.column < b.column; });
  return problems;
}

}  // namespace leadsync::core::expr::detail
