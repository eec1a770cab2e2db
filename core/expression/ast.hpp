#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/expression/environment.hpp"
#include "core/expression/value.hpp"

// Internal to core/expression: the syntax tree shared by the parser, the
// checker, the evaluator and the printer.
namespace leadsync::core::expr::detail {

enum class node_kind : std::uint8_t {
  literal,      // constant
  list,         // list_items[first, first + count)
  name,         // text; resolved to `name` by the checker
  call,         // text = function name; arguments operands[first, first + count); resolved to `function`
  logical_not,  // left
  negate,       // left
  logical_and,  // operands[first, first + count), two or more, evaluated left to right
  logical_or,   // same
  equal,        // left, right (all the binary kinds below)
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  in,
  not_in,
  add,
  subtract,
  multiply,
  divide,
};

inline constexpr std::uint32_t no_node = std::numeric_limits<std::uint32_t>::max();

struct node {
  node_kind kind = node_kind::literal;
  std::uint16_t depth = 1;   // height of the subtree; bounded by max_depth
  std::uint32_t column = 0;  // of the operator, the name or the literal
  std::uint32_t left = no_node;
  std::uint32_t right = no_node;
  std::uint32_t first = 0;
  std::uint32_t count = 0;
  std::string_view text;  // name or function name, viewing program::source
  std::string_view unit;  // a duration literal's unit as written, so "7d" prints as "7d"
  value constant;         // literal
  name_ref name;          // name, after check
  function_id function = 0;  // call, after check
};

// Everything a compiled expression owns. Built in place once (parse, then
// check) and immutable afterwards; views into it stay valid because it is
// never moved (it lives behind a shared_ptr).
struct program {
  std::string source;
  std::vector<node> nodes;
  std::vector<std::uint32_t> operands;
  std::vector<value> list_items;
  std::deque<std::string> strings;  // unescaped literals; a deque never moves its elements
  std::uint32_t root = no_node;
};

bool is_binary(node_kind kind) noexcept;

// The operator as to_string() writes it: "&&", "==", "not in", "+", ...
std::string_view operator_text(node_kind kind) noexcept;

}  // namespace leadsync::core::expr::detail
