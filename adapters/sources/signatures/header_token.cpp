// scheme = "header-token": the sender repeats a shared token in a header
// (Drift's X-Verification-Token); scheme = "query-token": in a URL query
// parameter, for tools that only let you choose the URL (Crisp website
// hooks). Not signatures: they prove the sender knows the token, not that
// the body is intact. Source: docs/wire-formats.md 1.11.
#include <string>
#include <utility>

#include <boost/url/parse.hpp>

#include "adapters/sources/signatures/crypto.hpp"
#include "adapters/sources/signatures/failures.hpp"
#include "adapters/sources/signatures/header_name.hpp"
#include "adapters/sources/signatures/request_fields.hpp"
#include "adapters/sources/signatures/schemes.hpp"
#include "adapters/sources/signatures/secrets.hpp"

namespace leadsync::adapters::signatures {
namespace {

// The token of a query parameter, percent-decoded; nullopt when absent.
std::optional<std::string> query_value(std::string_view target, std::string_view name) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    return std::nullopt;
  }
  for (const auto& param : url->params()) {
    if (param.key == name && param.has_value) {
      return std::string{param.value};
    }
  }
  return std::nullopt;
}

class header_token_verifier final : public core::signature_verifier {
 public:
  // `header` is a header name, or with `in_query` a query parameter name.
  header_token_verifier(std::string header, std::vector<std::string> tokens, bool in_query = false)
      : header_(std::move(header)), in_query_(in_query) {
    // Compare digests, not the tokens: equal length whatever was sent, so
    // neither the content nor the length of a token leaks through timing.
    for (const std::string& t : tokens) {
      digests_.push_back(sha256(t));
    }
  }

  std::optional<core::error> verify(const core::inbound_request& request,
                                    core::timestamp now) const override {
    if (in_query_) {
      return verify_query(request, now);
    }
    auto value = required_header(request, header_);
    if (!value) {
      return value.failure();
    }
    if (value->empty()) {
      return malformed_header(header_, "the token is empty");
    }
    return check(*value);
  }

 private:
  std::optional<core::error> verify_query(const core::inbound_request& request, core::timestamp) const {
    const auto value = query_value(request.target, header_);
    if (!value || value->empty()) {
      return core::error{core::error_kind::unauthorized, "missing_signature",
                         "the URL has no `" + header_ + "` query parameter with the token"};
    }
    return check(*value);
  }

  std::optional<core::error> check(std::string_view token) const {
    const std::string sent = sha256(token);
    for (const std::string& digest : digests_) {
      if (equal_constant_time(sent, digest)) {
        return std::nullopt;
      }
    }
    return core::error{core::error_kind::unauthorized, "bad_signature",
                       "the token in " + std::string{in_query_ ? "the query parameter " : ""} + header_ +
                           " does not match any configured token"};
  }

  std::string header_;
  bool in_query_ = false;
  std::vector<std::string> digests_;
};

class query_token_factory final : public core::signature_factory {
 public:
  query_token_factory() {
    options_ = secret_options();
    options_.push_back({"parameter", core::option_type::string, true,
                        "the URL query parameter carrying the token, e.g. \"token\""});
  }

  std::string_view scheme() const override { return "query-token"; }
  std::string_view description() const override {
    return "Shared token in a URL query parameter (for tools that only let you set the URL); compared in "
           "constant time";
  }
  const std::vector<core::option_spec>& options() const override { return options_; }

  core::build_result<core::signature_verifier> create(
      std::string_view /*source_name*/, const core::option_values& values) const override {
    core::build_result<core::signature_verifier> out;
    auto tokens = load_keys(values, key_format::utf8, out.errors);
    const std::string parameter = values.string_or("parameter", "");
    if (parameter.empty() || parameter.find_first_of("&=#? ") != std::string::npos) {
      out.errors.push_back({"parameter", "expected a query parameter name such as \"token\""});
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<header_token_verifier>(parameter, std::move(tokens), true);
    }
    return out;
  }

 private:
  std::vector<core::option_spec> options_;
};

class header_token_factory final : public core::signature_factory {
 public:
  header_token_factory() {
    options_ = secret_options();
    options_.push_back({"header", core::option_type::string, true,
                        "the header carrying the token, e.g. \"X-Verification-Token\""});
  }

  std::string_view scheme() const override { return "header-token"; }
  std::string_view description() const override {
    return "Shared token in a header (Drift's X-Verification-Token); compared in constant time";
  }
  const std::vector<core::option_spec>& options() const override { return options_; }

  core::build_result<core::signature_verifier> create(
      std::string_view /*source_name*/, const core::option_values& values) const override {
    core::build_result<core::signature_verifier> out;
    auto tokens = load_keys(values, key_format::utf8, out.errors);
    auto header = config_header_name(values.string_or("header", ""));
    if (!header) {
      out.errors.push_back({"header", "expected an HTTP header name such as \"X-Verification-Token\""});
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<header_token_verifier>(std::move(*header), std::move(tokens));
    }
    return out;
  }

 private:
  std::vector<core::option_spec> options_;
};

}  // namespace

std::unique_ptr<core::signature_factory> make_header_token_factory() {
  return std::make_unique<header_token_factory>();
}

std::unique_ptr<core::signature_factory> make_query_token_factory() {
  return std::make_unique<query_token_factory>();
}

}  // namespace leadsync::adapters::signatures
