#include "core/expression/evaluator.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "core/expression/limits.hpp"
#include "core/expression/printer.hpp"
#include "core/expression/tokenizer.hpp"

namespace leadsync::core::expr::detail {
namespace {

std::string op_name(node_kind kind) { return quote(operator_text(kind)); }

std::string kinds(const value& a, const value& b) {
  return std::string(kind_name(a.kind())) + " and " + std::string(kind_name(b.kind()));
}

// Recursive evaluation. After the first error every call returns null at
// once and the error is kept; callers check failed() before using a value.
class evaluator {
 public:
  evaluator(const program& p, const environment& env, trace* t) : p_(p), env_(env), trace_(t) {}

  outcome<value, diagnostic> run() {
    const value result = eval(p_.root);
    if (error_) {
      return std::move(*error_);
    }
    return result;
  }

 private:
  bool failed() const { return error_.has_value(); }

  value fail(const node& n, std::string message) {
    if (!error_) {
      error_ = diagnostic{n.column, std::move(message)};
    }
    return {};
  }

  value eval(std::uint32_t index) {
    const node& n = p_.nodes[index];
    switch (n.kind) {
      case node_kind::literal:
        return n.constant;
      case node_kind::list:
        return value::list(std::span<const value>(p_.list_items).subspan(n.first, n.count));
      case node_kind::name:
        return name(n);
      case node_kind::call:
        return call(index, n);
      case node_kind::logical_not: {
        const value operand = eval(n.left);
        return failed() ? value{} : value::boolean(!operand.truthy());
      }
      case node_kind::negate:
        return negate(n);
      case node_kind::logical_and:
      case node_kind::logical_or:
        return logical(n);
      case node_kind::equal:
      case node_kind::not_equal:
      case node_kind::less:
      case node_kind::less_equal:
      case node_kind::greater:
      case node_kind::greater_equal:
      case node_kind::in:
      case node_kind::not_in:
      case node_kind::add:
      case node_kind::subtract:
      case node_kind::multiply:
      case node_kind::divide:
        return binary(n);
    }
    return fail(n, "internal error: unknown node");
  }

  value checked(const node& n, std::string_view what, value v) {
    if (v.kind() == value_kind::number && !std::isfinite(v.as_number())) {
      return fail(n, quote(echo(what, 64)) + " is not a finite number");
    }
    return v;
  }

  value name(const node& n) {
    const value v = checked(n, n.text, env_.lookup(n.name));
    if (trace_ != nullptr && !failed()) {
      trace_->record(n.text, v);
    }
    return v;
  }

  value call(std::uint32_t index, const node& n) {
    std::array<value, max_call_args> args{};
    for (std::uint32_t i = 0; i < n.count; ++i) {
      args[i] = eval(p_.operands[n.first + i]);
      if (failed()) {
        return {};
      }
    }
    const call_result r = env_.call(n.function, std::span<const value>(args.data(), n.count));
    if (!r.ok()) {
      return fail(n, std::string(n.text) + "(): " + r.error());
    }
    const value v = checked(n, std::string(n.text) + "()", r.result());
    if (trace_ != nullptr && !failed()) {
      std::string text;
      print(p_, index, text);
      trace_->record(text, v);
    }
    return v;
  }

  value negate(const node& n) {
    const value operand = eval(n.left);
    if (failed()) {
      return {};
    }
    if (operand.kind() == value_kind::number) {
      return value::number(-operand.as_number());
    }
    if (operand.kind() == value_kind::duration) {
      const auto millis = operand.as_duration().count();
      if (millis == std::numeric_limits<std::int64_t>::min()) {
        return fail(n, "result of '-' is out of range");
      }
      return value::duration(std::chrono::milliseconds{-millis});
    }
    return fail(n, "'-' needs a number or a duration; found " + std::string(kind_name(operand.kind())));
  }

  value logical(const node& n) {
    const bool is_and = n.kind == node_kind::logical_and;
    for (std::uint32_t i = 0; i < n.count; ++i) {
      const value v = eval(p_.operands[n.first + i]);
      if (failed()) {
        return {};
      }
      if (v.truthy() != is_and) {
        return value::boolean(!is_and);  // decided: skip the rest
      }
    }
    return value::boolean(is_and);
  }

  value binary(const node& n) {
    const value left = eval(n.left);
    if (failed()) {
      return {};
    }
    const value right = eval(n.right);
    if (failed()) {
      return {};
    }
    switch (n.kind) {
      case node_kind::equal:
        return value::boolean(equal(left, right));
      case node_kind::not_equal:
        return value::boolean(!equal(left, right));
      case node_kind::in:
      case node_kind::not_in:
        return membership(n, left, right);
      case node_kind::add:
      case node_kind::subtract:
      case node_kind::multiply:
      case node_kind::divide:
        return arithmetic(n, left, right);
      default:
        return order(n, left, right);
    }
  }

  value order(const node& n, const value& left, const value& right) {
    int sign = 0;  // <0, 0, >0 as left is less, equal, greater
    if (left.kind() != right.kind()) {
      sign = 2;  // marks "not comparable"
    } else if (left.kind() == value_kind::number) {
      sign = left.as_number() < right.as_number() ? -1 : (left.as_number() > right.as_number() ? 1 : 0);
    } else if (left.kind() == value_kind::string) {
      const int c = left.as_string().compare(right.as_string());
      sign = c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else if (left.kind() == value_kind::duration) {
      const auto a = left.as_duration();
      const auto b = right.as_duration();
      sign = a < b ? -1 : (a > b ? 1 : 0);
    } else {
      sign = 2;
    }
    if (sign == 2) {
      return fail(n, op_name(n.kind) + " needs two numbers, two strings or two durations; found " + kinds(left, right));
    }
    switch (n.kind) {
      case node_kind::less:
        return value::boolean(sign < 0);
      case node_kind::less_equal:
        return value::boolean(sign <= 0);
      case node_kind::greater:
        return value::boolean(sign > 0);
      default:
        return value::boolean(sign >= 0);
    }
  }

  value membership(const node& n, const value& needle, const value& haystack) {
    if (haystack.kind() != value_kind::list) {
      return fail(n, op_name(n.kind) + " needs a list on its right; found " +
                         std::string(kind_name(haystack.kind())));
    }
    bool found = false;
    for (const value& item : haystack.as_list()) {
      if (equal(needle, item)) {
        found = true;
        break;
      }
    }
    return value::boolean(found == (n.kind == node_kind::in));
  }

  value arithmetic(const node& n, const value& left, const value& right) {
    const bool additive = n.kind == node_kind::add || n.kind == node_kind::subtract;
    if (additive && left.kind() == value_kind::duration && right.kind() == value_kind::duration) {
      std::int64_t result = 0;
      const auto a = left.as_duration().count();
      const auto b = right.as_duration().count();
      const bool overflow =
          n.kind == node_kind::add ? __builtin_add_overflow(a, b, &result) : __builtin_sub_overflow(a, b, &result);
      if (overflow) {
        return fail(n, "result of " + op_name(n.kind) + " is out of range");
      }
      return value::duration(std::chrono::milliseconds{result});
    }
    if (left.kind() != value_kind::number || right.kind() != value_kind::number) {
      const char* needs = additive ? " needs two numbers or two durations; found " : " needs two numbers; found ";
      return fail(n, op_name(n.kind) + needs + kinds(left, right));
    }
    const double a = left.as_number();
    const double b = right.as_number();
    double result = 0;
    switch (n.kind) {
      case node_kind::add:
        result = a + b;
        break;
      case node_kind::subtract:
        result = a - b;
        break;
      case node_kind::multiply:
        result = a * b;
        break;
      default:
        if (b == 0) {
          return fail(n, "division by zero");
        }
        result = a / b;
        break;
    }
    if (!std::isfinite(result)) {
      return fail(n, "result of " + op_name(n.kind) + " is out of range");
    }
    return value::number(result);
  }

  const program& p_;
  const environment& env_;
  trace* trace_;
  std::optional<diagnostic> error_;
};

}  // namespace

outcome<value, diagnostic> evaluate(const program& p, const environment& env, trace* t) {
  return evaluator(p, env, t).run();
}

}  // namespace leadsync::core::expr::detail
