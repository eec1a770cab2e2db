#pragma once

#include <cstddef>

namespace leadsync::core::expr {

// Bounds that keep hostile or careless input cheap.
inline constexpr std::size_t max_source_bytes = 4096;  // longer expressions are rejected
// Height of the syntax tree: the evaluator and to_string() recurse at most
// this deep. An operator chain like 1 + 2 + 3 counts one level per operator;
// && and || chains count one level in all.
inline constexpr std::size_t max_depth = 64;
// Parentheses, calls and unary operators open inside one another: the
// parser's recursion. Twice max_depth, so that to_string() of any tree (which
// adds at most one parenthesis per level) parses again.
inline constexpr std::size_t max_nesting = 2 * max_depth;
inline constexpr std::size_t max_call_args = 8;        // most arguments a function may declare

}  // namespace leadsync::core::expr
