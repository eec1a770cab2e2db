// scheme = "header-token": the sender repeats a shared token in a header
// (Drift's X-Verification-Token). Not a signature: it proves the sender knows
// the token, not that the body is intact. Source: docs/wire-formats.md 1.11.
#include <string>
#include <utility>

#include "adapters/sources/signatures/crypto.hpp"
#include "adapters/sources/signatures/failures.hpp"
#include "adapters/sources/signatures/header_name.hpp"
#include "adapters/sources/signatures/request_fields.hpp"
#include "adapters/sources/signatures/schemes.hpp"
#include "adapters/sources/signatures/secrets.hpp"

namespace leadsync::adapters::signatures {
namespace {

class header_token_verifier final : public core::signature_verifier {
 public:
  header_token_verifier(std::string header, std::vector<std::string> tokens)
      : header_(std::move(header)) {
    // Compare digests, not the tokens: equal length whatever was sent, so
    // neither the content nor the length of a token leaks through timing.
    for (const std::string& t : tokens) {
      digests_.push_back(sha256(t));
    }
  }

  std::optional<core::error> verify(const core::inbound_request& request,
                                    core::timestamp /*now*/) const override {
    auto value = required_header(request, header_);
    if (!value) {
      return value.failure();
    }
    if (value->empty()) {
      return malformed_header(header_, "the token is empty");
    }
    const std::string sent = sha256(*value);
    for (const std::string& digest : digests_) {
      if (equal_constant_time(sent, digest)) {
        return std::nullopt;
      }
    }
    return core::error{core::error_kind::unauthorized, "bad_signature",
                       "the token in " + header_ + " does not match any configured token"};
  }

 private:
  std::string header_;
  std::vector<std::string> digests_;
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

}  // namespace leadsync::adapters::signatures
