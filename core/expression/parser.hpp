#pragma once

#include <optional>

#include "core/expression/ast.hpp"
#include "core/expression/diagnostic.hpp"

// Internal to core/expression.
namespace leadsync::core::expr::detail {

// Parses p.source into p's nodes and sets p.root. Stops at the first error
// and returns it; on success the tree is complete but names are unresolved
// (see check()). The caller has bounded the source to max_source_bytes; the
// parser bounds the tree to max_depth and its own recursion to max_nesting.
std::optional<diagnostic> parse(program& p);

}  // namespace leadsync::core::expr::detail
