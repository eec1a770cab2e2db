#pragma once

#include "core/expression/ast.hpp"
#include "core/expression/diagnostic.hpp"
#include "core/expression/environment.hpp"
#include "core/expression/trace.hpp"

// Internal to core/expression.
namespace leadsync::core::expr::detail {

// Evaluates a checked program. `t` may be null. Recursion is bounded by the
// tree depth (max_depth); the happy path does not allocate without a trace.
outcome<value, diagnostic> evaluate(const program& p, const environment& env, trace* t);

}  // namespace leadsync::core::expr::detail
