#include "core/expression/printer.hpp"

#include <span>
#include <utility>

namespace leadsync::core::expr::detail {
namespace {

// Binding strength, loosest first; matches the parser's levels.
enum precedence : int { p_or = 1, p_and, p_not, p_compare, p_add, p_multiply, p_unary, p_primary };

int precedence_of(node_kind kind) {
  switch (kind) {
    case node_kind::logical_or:
      return p_or;
    case node_kind::logical_and:
      return p_and;
    case node_kind::logical_not:
      return p_not;
    case node_kind::equal:
    case node_kind::not_equal:
    case node_kind::less:
    case node_kind::less_equal:
    case node_kind::greater:
    case node_kind::greater_equal:
    case node_kind::in:
    case node_kind::not_in:
      return p_compare;
    case node_kind::add:
    case node_kind::subtract:
      return p_add;
    case node_kind::multiply:
    case node_kind::divide:
      return p_multiply;
    case node_kind::negate:
      return p_unary;
    case node_kind::literal:
    case node_kind::list:
    case node_kind::name:
    case node_kind::call:
      return p_primary;
  }
  return p_primary;
}

void print_wrapped(const program& p, std::uint32_t index, bool wrap, std::string& out) {
  if (wrap) {
    out += '(';
  }
  print(p, index, out);
  if (wrap) {
    out += ')';
  }
}

void print_literal(const node& n, std::string& out) {
  if (n.constant.kind() == value_kind::duration && !n.unit.empty()) {
    // Keep the unit as written: "7d" stays "7d" rather than becoming "1w".
    constexpr std::pair<std::string_view, std::int64_t> units[] = {
        {"ms", 1}, {"s", 1'000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}, {"w", 604'800'000}};
    for (const auto& [suffix, millis] : units) {
      if (n.unit == suffix) {
        out += std::to_string(n.constant.as_duration().count() / millis);
        out += suffix;
        return;
      }
    }
  }
  append_to(out, n.constant);
}

}  // namespace

bool is_binary(node_kind kind) noexcept {
  const int level = precedence_of(kind);
  return level == p_compare || level == p_add || level == p_multiply;
}

std::string_view operator_text(node_kind kind) noexcept {
  switch (kind) {
    case node_kind::logical_or:
      return "||";
    case node_kind::logical_and:
      return "&&";
    case node_kind::logical_not:
      return "!";
    case node_kind::negate:
    case node_kind::subtract:
      return "-";
    case node_kind::equal:
      return "==";
    case node_kind::not_equal:
      return "!=";
    case node_kind::less:
      return "<";
    case node_kind::less_equal:
      return "<=";
    case node_kind::greater:
      return ">";
    case node_kind::greater_equal:
      return ">=";
    case node_kind::in:
      return "in";
    case node_kind::not_in:
      return "not in";
    case node_kind::add:
      return "+";
    case node_kind::multiply:
      return "*";
    case node_kind::divide:
      return "/";
    case node_kind::literal:
    case node_kind::list:
    case node_kind::name:
    case node_kind::call:
      return "";
  }
  return "";
}

void print(const program& p, std::uint32_t index, std::string& out) {
  const node& n = p.nodes[index];
  switch (n.kind) {
    case node_kind::literal:
      print_literal(n, out);
      return;
    case node_kind::list: {
      const auto items = std::span<const value>(p.list_items).subspan(n.first, n.count);
      append_to(out, value::list(items));
      return;
    }
    case node_kind::name:
      out += n.text;
      return;
    case node_kind::call:
      out += n.text;
      out += '(';
      for (std::uint32_t i = 0; i < n.count; ++i) {
        if (i > 0) {
          out += ", ";
        }
        print(p, p.operands[n.first + i], out);
      }
      out += ')';
      return;
    case node_kind::logical_not:
    case node_kind::negate:
      out += operator_text(n.kind);
      print_wrapped(p, n.left, precedence_of(p.nodes[n.left].kind) != p_primary, out);
      return;
    case node_kind::logical_and:
    case node_kind::logical_or:
      for (std::uint32_t i = 0; i < n.count; ++i) {
        if (i > 0) {
          out += ' ';
          out += operator_text(n.kind);
          out += ' ';
        }
        const std::uint32_t item = p.operands[n.first + i];
        print_wrapped(p, item, precedence_of(p.nodes[item].kind) <= precedence_of(n.kind), out);
      }
      return;
    default:
      break;
  }
  // Binary: left-associative, so a right operand of the same level needs
  // parentheses ("a - (b - c)"); comparisons do not chain, so neither side
  // may be a bare comparison.
  const int level = precedence_of(n.kind);
  const int left = precedence_of(p.nodes[n.left].kind);
  const int right = precedence_of(p.nodes[n.right].kind);
  print_wrapped(p, n.left, level == p_compare ? left <= level : left < level, out);
  out += ' ';
  out += operator_text(n.kind);
  out += ' ';
  print_wrapped(p, n.right, right <= level, out);
}

}  // namespace leadsync::core::expr::detail
