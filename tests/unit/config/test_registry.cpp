#include "tests/unit/config/test_registry.hpp"

#include <memory>
#include <stdexcept>
#include <utility>

namespace leadsync::config::testing {

namespace {

class fake_source final : public core::source_adapter {
 public:
  core::result<std::vector<core::event>> parse(const core::inbound_request&,
                                               core::timestamp) const override {
    return std::vector<core::event>{};
  }
};

class fake_crm final : public core::single_request_adapter {
 public:
  std::size_t max_batch() const override { return 1; }
  core::outbound_request encode(std::span<const core::stage_update>) const override { return {}; }
  std::vector<core::record_result> interpret(std::span<const core::stage_update>,
                                             const core::outbound_response&) const override {
    return {};
  }
};

// The semantic checks every fake shares.
std::vector<core::option_error> check_semantics(const core::option_values& values) {
  std::vector<core::option_error> errors;
  for (const auto& [field, pointer] : values.map_or_empty("map")) {
    if (pointer.empty() || pointer.front() != '/') {
      errors.push_back(
          {"map." + field, "expected a JSON pointer starting with `/`, got `" + pointer + "`"});
    }
  }
  if (values.boolean_or("strict", false) && !values.map_or_empty("map").contains("email")) {
    errors.push_back({"map.email", "strict mode needs a pointer for email"});
  }
  if (values.integer_or("tolerance_seconds", 0) > 3600) {
    errors.push_back({"tolerance_seconds", "must be at most 3600"});
  }
  if (values.string_or("url", "") == "throw") {
    throw std::runtime_error("boom");
  }
  return errors;
}

class fake_source_factory final : public core::source_factory {
 public:
  fake_source_factory(std::string format, std::vector<core::option_spec> options)
      : format_(std::move(format)), options_(std::move(options)) {}

  std::string_view format() const override { return format_; }
  std::string_view description() const override { return "fake source"; }
  const std::vector<core::option_spec>& options() const override { return options_; }
  core::build_result<core::source_adapter> create(
      std::string_view, const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    out.errors = check_semantics(values);
    if (out.errors.empty()) {
      out.instance = std::make_unique<fake_source>();
    }
    return out;
  }

 private:
  std::string format_;
  std::vector<core::option_spec> options_;
};

class fake_crm_factory final : public core::crm_factory {
 public:
  fake_crm_factory(std::string type, std::vector<core::option_spec> options)
      : type_(std::move(type)), options_(std::move(options)) {}

  std::string_view type() const override { return type_; }
  std::string_view description() const override { return "fake crm"; }
  const std::vector<core::option_spec>& options() const override { return options_; }
  core::build_result<core::crm_adapter> create(std::string_view,
                                               const core::option_values& values) const override {
    core::build_result<core::crm_adapter> out;
    out.errors = check_semantics(values);
    if (out.errors.empty()) {
      out.instance = std::make_unique<fake_crm>();
    }
    return out;
  }

 private:
  std::string type_;
  std::vector<core::option_spec> options_;
};

class fake_verifier final : public core::signature_verifier {
 public:
  std::optional<core::error> verify(const core::inbound_request&, core::timestamp) const override {
    return std::nullopt;
  }
};

class fake_signature_factory final : public core::signature_factory {
 public:
  std::string_view scheme() const override { return "hmac"; }
  std::string_view description() const override { return "fake signature"; }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{
        {"secrets", core::option_type::string_list, true, ""},
        {"tolerance_seconds", core::option_type::integer, false, ""}};
    return specs;
  }
  core::build_result<core::signature_verifier> create(std::string_view,
                                                      const core::option_values& values) const override {
    core::build_result<core::signature_verifier> out;
    out.errors = check_semantics(values);
    for (const auto& secret : values.list_or_empty("secrets")) {
      if (secret.empty()) {
        out.errors.push_back({"secrets", "a secret must not be empty"});
      }
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<fake_verifier>();
    }
    return out;
  }
};

}  // namespace

core::registry make_registry() {
  using core::option_type;
  core::registry r;
  r.add(std::make_unique<fake_source_factory>(
      "generic",
      std::vector<core::option_spec>{{"map", option_type::string_map, false, ""},
                                     {"defaults", option_type::string_map, false, ""},
                                     {"attributes", option_type::string_map, false, ""}}));
  r.add(std::make_unique<fake_source_factory>(
      "form", std::vector<core::option_spec>{{"secret", option_type::string, true, ""},
                                             {"tolerance_seconds", option_type::integer, false, ""},
                                             {"strict", option_type::boolean, false, ""},
                                             {"allowed_ips", option_type::string_list, false, ""},
                                             {"map", option_type::string_map, false, ""}}));
  r.add(std::make_unique<fake_crm_factory>(
      "jsonl", std::vector<core::option_spec>{{"path", option_type::string, true, ""}}));
  r.add(std::make_unique<fake_crm_factory>(
      "http", std::vector<core::option_spec>{{"url", option_type::string, true, ""},
                                             {"headers", option_type::string_map, false, ""},
                                             {"batch_size", option_type::integer, false, ""}}));
  r.add(std::make_unique<fake_signature_factory>());
  return r;
}

const core::registry& shared_registry() {
  static const core::registry registry = make_registry();
  return registry;
}

load_result load(std::string_view text) { return load_string(text, "t.toml", shared_registry()); }

std::vector<std::string> messages(const load_result& r) {
  std::vector<std::string> out;
  for (const diagnostic& d : r.errors) {
    out.push_back(format(d));
  }
  return out;
}

}  // namespace leadsync::config::testing
