#pragma once

#include <cstdint>
#include <string>

#include "core/expression/ast.hpp"

// Internal to core/expression.
namespace leadsync::core::expr::detail {

// Appends the normalised text of the subtree at `index`: canonical operators
// (&&, ||, !), one space around binary operators, ", " between arguments and
// list elements, and only the parentheses the precedence needs (plus always
// around a non-trivial operand of ! and unary -). Reparsing the result gives
// the same tree, so printing is a fixed point.
void print(const program& p, std::uint32_t index, std::string& out);

}  // namespace leadsync::core::expr::detail
