#include "core/expression/parser.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/expression/limits.hpp"
#include "core/expression/tokenizer.hpp"

namespace leadsync::core::expr::detail {
namespace {

bool is_comparison(token_kind kind) {
  switch (kind) {
    case token_kind::equal:
    case token_kind::not_equal:
    case token_kind::less:
    case token_kind::less_equal:
    case token_kind::greater:
    case token_kind::greater_equal:
    case token_kind::kw_in:
      return true;
    default:
      return false;
  }
}

node_kind comparison_kind(token_kind kind) {
  switch (kind) {
    case token_kind::equal:
      return node_kind::equal;
    case token_kind::not_equal:
      return node_kind::not_equal;
    case token_kind::less:
      return node_kind::less;
    case token_kind::less_equal:
      return node_kind::less_equal;
    case token_kind::greater:
      return node_kind::greater;
    case token_kind::greater_equal:
      return node_kind::greater_equal;
    default:
      return node_kind::in;
  }
}

std::string too_deep() {
  return "expression nests too deeply (the limit is " + std::to_string(max_depth) + " levels of operators)";
}

std::string too_nested() {
  return "expression nests too deeply (the limit is " + std::to_string(max_nesting) +
         " nested parentheses, calls and unary operators)";
}

// Recursive descent, one function per precedence level (lowest first). Each
// returns a node index, or no_node after recording the first error; callers
// check failed() before using a result.
class parser {
 public:
  explicit parser(program& p) : p_(p), tokens_(tokenize(p.source)) {}

  std::optional<diagnostic> run() {
    const std::uint32_t root = parse_or(nullptr);
    if (!failed() && current().kind != token_kind::end) {
      fail_at(current(), "expected an operator or end of input, found " + describe(current()));
    }
    if (failed()) {
      return error_;
    }
    p_.root = root;
    return std::nullopt;
  }

 private:
  const token& current() const { return tokens_[pos_]; }
  const token& following() const { return tokens_[std::min(pos_ + 1, tokens_.size() - 1)]; }
  const token& take() {
    const token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) {
      ++pos_;
    }
    return t;
  }

  bool failed() const { return error_.has_value(); }

  std::uint32_t fail(std::uint32_t column, std::string message) {
    if (!error_) {
      error_ = diagnostic{column, std::move(message)};
    }
    return no_node;
  }

  // An error token carries the tokenizer's own, better message.
  std::uint32_t fail_at(const token& t, std::string message) {
    return t.kind == token_kind::error ? fail(t.column, t.message) : fail(t.column, std::move(message));
  }

  // Guards one level of recursion; every recursive path passes through one.
  bool enter(const token& opener) {
    if (++nesting_ > max_nesting) {
      fail(opener.column, too_nested());
      return false;
    }
    return true;
  }
  void leave() { --nesting_; }

  std::uint32_t add(node n, std::initializer_list<std::uint32_t> children) {
    for (const std::uint32_t child : children) {
      n.depth = std::max<std::uint16_t>(n.depth, static_cast<std::uint16_t>(p_.nodes[child].depth + 1));
    }
    if (n.depth > max_depth) {
      return fail(n.column, too_deep());
    }
    p_.nodes.push_back(n);
    return static_cast<std::uint32_t>(p_.nodes.size() - 1);
  }

  std::uint32_t add_with_operands(node n, const std::vector<std::uint32_t>& items) {
    n.first = static_cast<std::uint32_t>(p_.operands.size());
    n.count = static_cast<std::uint32_t>(items.size());
    for (const std::uint32_t item : items) {
      n.depth = std::max<std::uint16_t>(n.depth, static_cast<std::uint16_t>(p_.nodes[item].depth + 1));
    }
    if (n.depth > max_depth) {
      return fail(n.column, too_deep());
    }
    p_.operands.insert(p_.operands.end(), items.begin(), items.end());
    p_.nodes.push_back(n);
    return static_cast<std::uint32_t>(p_.nodes.size() - 1);
  }

  // `after` is the token before the operand about to be parsed, for the
  // message when the operand is missing; null at the start of the input.
  std::uint32_t parse_or(const token* after) { return parse_logical(after, node_kind::logical_or); }

  std::uint32_t parse_logical(const token* after, node_kind kind) {
    const bool is_or = kind == node_kind::logical_or;
    auto operand = [&](const token* before) {
      return is_or ? parse_logical(before, node_kind::logical_and) : parse_not(before);
    };
    auto at_operator = [&] {
      const token_kind k = current().kind;
      if (is_or) {
        return k == token_kind::or_or || k == token_kind::kw_or;
      }
      return k == token_kind::and_and || k == token_kind::kw_and;
    };
    const std::uint32_t first = operand(after);
    if (failed() || !at_operator()) {
      return first;
    }
    node n;
    n.kind = kind;
    n.column = current().column;
    std::vector<std::uint32_t> items{first};
    while (at_operator()) {
      const token& op = take();
      const std::uint32_t next = operand(&op);
      if (failed()) {
        return no_node;
      }
      items.push_back(next);
    }
    return add_with_operands(n, items);
  }

  std::uint32_t parse_not(const token* after) {
    if (current().kind != token_kind::bang && current().kind != token_kind::kw_not) {
      return parse_comparison(after);
    }
    const token& op = take();
    if (!enter(op)) {
      return no_node;
    }
    const std::uint32_t operand = parse_not(&op);
    leave();
    if (failed()) {
      return no_node;
    }
    node n;
    n.kind = node_kind::logical_not;
    n.column = op.column;
    n.left = operand;
    return add(n, {operand});
  }

  std::uint32_t parse_comparison(const token* after) {
    const std::uint32_t left = parse_additive(after);
    if (failed()) {
      return no_node;
    }
    const bool not_in = current().kind == token_kind::kw_not && following().kind == token_kind::kw_in;
    if (!not_in && !is_comparison(current().kind)) {
      return left;
    }
    const token& op = take();
    node n;
    n.kind = not_in ? node_kind::not_in : comparison_kind(op.kind);
    n.column = op.column;
    if (not_in) {
      take();
    }
    const std::uint32_t right = parse_additive(not_in ? &tokens_[pos_ - 1] : &op);
    if (failed()) {
      return no_node;
    }
    const bool chained = is_comparison(current().kind) ||
                         (current().kind == token_kind::kw_not && following().kind == token_kind::kw_in);
    if (chained) {
      const std::string text = current().kind == token_kind::kw_not ? "not in" : std::string(current().text);
      return fail(current().column, quote(text) + " cannot follow another comparison; join comparisons with '&&'");
    }
    n.left = left;
    n.right = right;
    return add(n, {left, right});
  }

  std::uint32_t parse_binary(const token* after, std::uint32_t (parser::*operand)(const token*),
                             std::initializer_list<std::pair<token_kind, node_kind>> operators) {
    std::uint32_t left = (this->*operand)(after);
    while (!failed()) {
      const auto match = std::find_if(operators.begin(), operators.end(),
                                       [&](const auto& o) { return o.first == current().kind; });
      if (match == operators.end()) {
        return left;
      }
      const token& op = take();
      const std::uint32_t right = (this->*operand)(&op);
      if (failed()) {
        return no_node;
      }
      node n;
      n.kind = match->second;
      n.column = op.column;
      n.left = left;
      n.right = right;
      left = add(n, {left, right});
    }
    return no_node;
  }

  std::uint32_t parse_additive(const token* after) {
    return parse_binary(after, &parser::parse_term,
                        {{token_kind::plus, node_kind::add}, {token_kind::minus, node_kind::subtract}});
  }

  std::uint32_t parse_term(const token* after) {
    return parse_binary(after, &parser::parse_unary,
                        {{token_kind::star, node_kind::multiply}, {token_kind::slash, node_kind::divide}});
  }

  std::uint32_t parse_unary(const token* after) {
    if (current().kind != token_kind::minus) {
      return parse_primary(after);
    }
    const token& op = take();
    if (!enter(op)) {
      return no_node;
    }
    const std::uint32_t operand = parse_unary(&op);
    leave();
    if (failed()) {
      return no_node;
    }
    node n;
    n.kind = node_kind::negate;
    n.column = op.column;
    n.left = operand;
    return add(n, {operand});
  }

  // A literal as a value, or nullopt when the current token is not one.
  std::optional<value> literal() {
    const token& t = current();
    switch (t.kind) {
      case token_kind::number:
        return value::number(t.number);
      case token_kind::duration:
        return value::duration(std::chrono::milliseconds{t.millis});
      case token_kind::string:
        if (t.text.find('\\') == std::string_view::npos) {
          return value::string(t.text.substr(1, t.text.size() - 2));
        }
        return value::string(p_.strings.emplace_back(unescape(t.text)));
      case token_kind::kw_true:
        return value::boolean(true);
      case token_kind::kw_false:
        return value::boolean(false);
      case token_kind::kw_null:
        return value::null();
      default:
        return std::nullopt;
    }
  }

  std::uint32_t parse_primary(const token* after) {
    const token& t = current();
    if (const std::optional<value> constant = literal()) {
      take();
      node n;
      n.kind = node_kind::literal;
      n.column = t.column;
      n.constant = *constant;
      n.unit = t.unit;
      return add(n, {});
    }
    switch (t.kind) {
      case token_kind::name:
        return following().kind == token_kind::left_paren ? parse_call() : parse_name();
      case token_kind::left_paren:
        return parse_parenthesised();
      case token_kind::left_bracket:
        return parse_list();
      case token_kind::bang:
      case token_kind::kw_not:
        return parse_not(after);  // "a == !b": a negation as an operand
      default:
        break;
    }
    if (after == nullptr) {
      return fail_at(t, "expected an expression, found " + describe(t));
    }
    const bool opens = after->kind == token_kind::left_paren || after->kind == token_kind::comma;
    return fail_at(t, std::string(opens ? "expected an expression after " : "expected an operand after ") +
                          quote(after->text) + ", found " + describe(t));
  }

  std::uint32_t parse_name() {
    const token& t = take();
    node n;
    n.kind = node_kind::name;
    n.column = t.column;
    n.text = t.text;
    return add(n, {});
  }

  std::uint32_t parse_parenthesised() {
    const token& open = take();
    if (!enter(open)) {
      return no_node;
    }
    const std::uint32_t inner = parse_or(&open);
    leave();
    if (failed()) {
      return no_node;
    }
    if (current().kind != token_kind::right_paren) {
      return fail_at(current(), "expected ')' to close '(' at column " + std::to_string(open.column) + ", found " +
                                    describe(current()));
    }
    take();
    return inner;
  }

  std::uint32_t parse_call() {
    const token& name = take();
    const token& open = take();
    if (!enter(open)) {
      return no_node;
    }
    std::vector<std::uint32_t> args;
    if (current().kind == token_kind::right_paren) {
      take();
    } else {
      const token* before = &open;
      while (true) {
        if (args.size() == max_call_args) {
          leave();
          return fail(current().column, "too many arguments (the limit is " + std::to_string(max_call_args) + ")");
        }
        const std::uint32_t arg = parse_or(before);
        if (failed()) {
          leave();
          return no_node;
        }
        args.push_back(arg);
        if (current().kind == token_kind::comma) {
          before = &take();
          continue;
        }
        if (current().kind == token_kind::right_paren) {
          take();
          break;
        }
        leave();
        return fail_at(current(), "expected ',' or ')' after an argument of " + echo(name.text) + "(), found " +
                                      describe(current()));
      }
    }
    leave();
    node n;
    n.kind = node_kind::call;
    n.column = name.column;
    n.text = name.text;
    return add_with_operands(n, args);
  }

  std::uint32_t parse_list() {
    const token& open = take();
    std::vector<value> items;
    if (current().kind == token_kind::right_bracket) {
      take();
    } else {
      while (true) {
        std::optional<value> item = list_element();
        if (!item) {
          return no_node;
        }
        items.push_back(*item);
        if (current().kind == token_kind::comma) {
          take();
          continue;
        }
        if (current().kind == token_kind::right_bracket) {
          take();
          break;
        }
        return fail_at(current(), "expected ',' or ']' after a list element, found " + describe(current()));
      }
    }
    node n;
    n.kind = node_kind::list;
    n.column = open.column;
    n.first = static_cast<std::uint32_t>(p_.list_items.size());
    n.count = static_cast<std::uint32_t>(items.size());
    p_.list_items.insert(p_.list_items.end(), items.begin(), items.end());
    return add(n, {});
  }

  // List elements are constants, so a list is built once, at parse time.
  std::optional<value> list_element() {
    const bool negative = current().kind == token_kind::minus &&
                          (following().kind == token_kind::number || following().kind == token_kind::duration);
    if (negative) {
      take();
    }
    std::optional<value> item = literal();
    if (!item) {
      fail_at(current(), "list elements must be literals (numbers, strings, durations, true, false or null), found " +
                             describe(current()));
      return std::nullopt;
    }
    take();
    if (negative) {
      item = item->kind() == value_kind::number ? value::number(-item->as_number())
                                                : value::duration(-item->as_duration());
    }
    return item;
  }

  program& p_;
  std::vector<token> tokens_;
  std::size_t pos_ = 0;
  std::size_t nesting_ = 0;
  std::optional<diagnostic> error_;
};

}  // namespace

std::optional<diagnostic> parse(program& p) { return parser(p).run(); }

}  // namespace leadsync::core::expr::detail
