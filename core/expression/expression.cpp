#include "core/expression/expression.hpp"

#include <algorithm>
#include <utility>

#include "core/expression/ast.hpp"
#include "core/expression/checker.hpp"
#include "core/expression/evaluator.hpp"
#include "core/expression/parser.hpp"
#include "core/expression/printer.hpp"

namespace leadsync::core::expr {
namespace {

std::uint32_t column_of_byte(std::string_view text, std::size_t offset) {
  const auto head = text.substr(0, offset);
  const auto continuation = std::count_if(head.begin(), head.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
  });
  return static_cast<std::uint32_t>(head.size() - static_cast<std::size_t>(continuation) + 1);
}

test_result truth(eval_result r) {
  if (!r.ok()) {
    return std::move(r).error();
  }
  return r.value().truthy();
}

}  // namespace

compile_result compile(std::string_view source, const vocabulary& vocab) {
  if (source.size() > max_source_bytes) {
    return std::vector<diagnostic>{
        {column_of_byte(source, max_source_bytes),
         "expression is too long (" + std::to_string(source.size()) + " bytes; the limit is " +
             std::to_string(max_source_bytes) + ")"}};
  }
  // Built in place and never moved: the nodes view p->source and p->strings.
  auto p = std::make_shared<detail::program>();
  p->source.assign(source);
  if (std::optional<diagnostic> syntax = detail::parse(*p)) {
    return std::vector<diagnostic>{std::move(*syntax)};
  }
  std::vector<diagnostic> problems = detail::check(*p, vocab);
  if (!problems.empty()) {
    return problems;
  }
  return expression(std::move(p));
}

expression::expression(std::shared_ptr<const detail::program> program) : program_(std::move(program)) {}

eval_result expression::evaluate(const environment& env) const { return detail::evaluate(*program_, env, nullptr); }

eval_result expression::evaluate(const environment& env, trace& t) const {
  return detail::evaluate(*program_, env, &t);
}

test_result expression::test(const environment& env) const { return truth(evaluate(env)); }

test_result expression::test(const environment& env, trace& t) const { return truth(evaluate(env, t)); }

std::string expression::to_string() const {
  std::string out;
  detail::print(*program_, program_->root, out);
  return out;
}

std::string_view expression::source() const noexcept { return program_->source; }

bool expression::uses_name(name_id id) const noexcept {
  return std::any_of(program_->nodes.begin(), program_->nodes.end(), [&](const detail::node& n) {
    return n.kind == detail::node_kind::name && n.name.id == id;
  });
}

bool expression::uses_function(function_id id) const noexcept {
  return std::any_of(program_->nodes.begin(), program_->nodes.end(), [&](const detail::node& n) {
    return n.kind == detail::node_kind::call && n.function == id;
  });
}

}  // namespace leadsync::core::expr
