#pragma once

#include <vector>

#include "core/expression/ast.hpp"
#include "core/expression/diagnostic.hpp"
#include "core/expression/vocabulary.hpp"

// Internal to core/expression.
namespace leadsync::core::expr::detail {

// Resolves every name and function of a parsed program against `vocab`
// (filling node::name and node::function) and returns all problems at once,
// ordered by column: unknown names and functions (with a "did you mean" when
// one is close), a name used as a function or the other way round, and calls
// with the wrong number of arguments. Empty means the program can be evaluated.
std::vector<diagnostic> check(program& p, const vocabulary& vocab);

}  // namespace leadsync::core::expr::detail
