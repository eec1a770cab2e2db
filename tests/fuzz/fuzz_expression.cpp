// Fuzzes the stage-rule expression language: tokenizer, parser, checker,
// printer and evaluator. Any input must compile or give located errors, never
// a crash, a leak, undefined behaviour or unbounded recursion; a compiled
// expression must evaluate to a value or an error, and its normalised text
// must compile again to the same text (when it still fits the input limit).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "core/expression/expression.hpp"

namespace {

using namespace leadsync::core::expr;

enum ids : std::uint32_t { score = 1, fit, junk, grade, stage, tags, qualifiers, lead, count, has, days_since };

const vocabulary& fuzz_vocabulary() {
  static const vocabulary v = [] {
    vocabulary built;
    built.add_name("score", score)
        .add_name("fit", fit)
        .add_name("junk", junk)
        .add_name("grade", grade)
        .add_name("stage", stage)
        .add_name("tags", tags)
        .add_namespace("qualifiers", qualifiers)
        .add_namespace("lead", lead)
        .add_function("count", count, 2)
        .add_function("has", has, 1)
        .add_function("days_since", days_since, 0, 2);
    return built;
  }();
  return v;
}

class fixed_environment final : public environment {
 public:
  value lookup(name_ref name) const override {
    switch (name.id) {
      case score:
        return value::number(62);
      case fit:
        return value::number(25);
      case junk:
        return value::boolean(false);
      case grade:
        return value::string("A");
      case stage:
        return value::string("sal");
      case tags:
        return value::list(tags_);
      case qualifiers:
        return name.suffix == "budget" ? value::string("yes") : value{};
      case lead:
        return name.suffix.empty() ? value{} : value::string(name.suffix);  // views the expression's text
      default:
        return value{};
    }
  }

  call_result call(function_id id, std::span<const value> args) const override {
    switch (id) {
      case count:
        if (args[0].kind() != value_kind::string || args[1].kind() != value_kind::duration) {
          return call_result::fail("needs a string and a duration");
        }
        return value::number(static_cast<double>(args[0].as_string().size()));
      case has:
        return value::boolean(!args[0].is_null());
      case days_since:
        return args.empty() ? value::number(3) : args[0];
      default:
        return call_result::fail("unknown function");
    }
  }

 private:
  std::array<value, 2> tags_{value::string("vip"), value::number(1)};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  const compile_result compiled = compile(source, fuzz_vocabulary());
  if (!compiled) {
    for (const diagnostic& d : compiled.error()) {
      if (d.column == 0 || d.message.empty()) {
        std::abort();  // every error is located and explained
      }
    }
    return 0;
  }
  const fixed_environment env;
  trace t;
  const eval_result result = compiled->evaluate(env, t);
  if (result) {
    (void)to_string(result.value());
  }
  (void)t.to_string();
  const std::string printed = compiled->to_string();
  if (printed.size() > max_source_bytes) {
    return 0;  // normalising added spaces past the input limit
  }
  const compile_result again = compile(printed, fuzz_vocabulary());
  if (!again || again->to_string() != printed) {
    std::abort();  // printing must be a fixed point
  }
  return 0;
}
