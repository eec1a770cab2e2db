#pragma once

// The rule language of the lead definition: `when = 'score >= 50 && !junk'`.
// The language reference (grammar, types, truthiness) is README.md beside
// this file. Typical use:
//
//   vocabulary vocab;
//   vocab.add_name("score", ids::score).add_namespace("qualifiers", ids::qualifiers)
//        .add_function("count", ids::count, 2);
//   compile_result rule = compile("score >= 50 && count(\"demo\", 14d) >= 1", vocab);  // at config load
//   if (!rule) { for (const diagnostic& d : rule.error()) report(d.to_string()); }
//   test_result fired = rule->test(lead_environment);                                 // per event
//
// Errors are values: compile() returns every problem it found with its
// column; evaluate() and test() return the first evaluation error (an
// operator applied to the wrong types, division by zero, a failed function
// call). Nothing here throws on the data path.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/expression/diagnostic.hpp"
#include "core/expression/environment.hpp"
#include "core/expression/limits.hpp"
#include "core/expression/trace.hpp"
#include "core/expression/value.hpp"
#include "core/expression/vocabulary.hpp"

namespace leadsync::core::expr {

namespace detail {
struct program;
}

class expression;

using compile_result = outcome<expression, std::vector<diagnostic>>;
// The value views storage of the expression and of the environment: use it
// before either goes away (to_string() it to keep it).
using eval_result = outcome<value, diagnostic>;
using test_result = outcome<bool, diagnostic>;

// Parses and checks `source` (at most max_source_bytes). A syntax error stops
// parsing, so it comes alone; check errors (unknown names and functions,
// wrong argument counts) all come together, ordered by column.
compile_result compile(std::string_view source, const vocabulary& vocab);

// A compiled, immutable expression. Cheap to copy (copies share the compiled
// form). All member functions are const and safe to call from many threads at
// once; evaluate() and test() do not allocate unless they fail or are given a
// trace, and recurse at most max_depth levels.
class expression {
 public:
  // The value of the expression for one lead. Operands of && and || are
  // evaluated left to right and only as far as needed, so `has(x) && x > 3`
  // never compares a null x.
  eval_result evaluate(const environment& env) const;
  // The same, recording into `t` every name and call read (see trace).
  eval_result evaluate(const environment& env, trace& t) const;
  // The value may view the environment's storage: a temporary environment
  // would be gone before the value is read.
  eval_result evaluate(const environment&& env) const = delete;
  eval_result evaluate(const environment&& env, trace& t) const = delete;

  // Whether a rule holds: the truthiness of evaluate() (README.md, "Truthiness").
  test_result test(const environment& env) const;
  test_result test(const environment& env, trace& t) const;

  // The normalised text: canonical operators (&& || !), single spaces, and
  // only the parentheses precedence needs (and always around a compound
  // operand of ! and unary -). compile(e.to_string()) yields an expression
  // with the same to_string() and the same meaning, provided the text still
  // fits max_source_bytes (normalising adds spaces).
  std::string to_string() const;

  // The text compiled, as given.
  std::string_view source() const noexcept;

  // Whether the expression mentions the name or function with this id (for
  // a namespace id: any name under it), reached or not by short-circuit.
  // Lets the engine know which rules depend on time or on which fields.
  bool uses_name(name_id id) const noexcept;
  bool uses_function(function_id id) const noexcept;

 private:
  friend compile_result compile(std::string_view source, const vocabulary& vocab);
  explicit expression(std::shared_ptr<const detail::program> program);

  std::shared_ptr<const detail::program> program_;
};

}  // namespace leadsync::core::expr
