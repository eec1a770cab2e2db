#include "adapters/sources/signatures/hmac_scheme.hpp"

#include <chrono>
#include <utility>

#include "adapters/sources/signatures/failures.hpp"

namespace leadsync::adapters::signatures {
namespace {

class hmac_verifier final : public core::signature_verifier {
 public:
  hmac_verifier(std::vector<std::string> keys, digest_algorithm algorithm, claim_reader read,
                std::chrono::seconds tolerance)
      : keys_(std::move(keys)), algorithm_(algorithm), read_(std::move(read)), tolerance_(tolerance) {}

  std::optional<core::error> verify(const core::inbound_request& request,
                                    core::timestamp now) const override {
    auto claimed = read_(request);
    if (!claimed) {
      return claimed.failure();
    }
    if (claimed->timestamp_ms) {
      if (auto stale = check_freshness(*claimed->timestamp_ms, now, tolerance_)) {
        return stale;
      }
    }
    // One HMAC per key, compared with every claimed signature. Which key or
    // entry matched is not secret, so stopping at the first match is fine;
    // a mismatch always costs the same full loop.
    for (const std::string& key : keys_) {
      const std::string expected =
          hmac(algorithm_, key, {claimed->prefix, request.body, claimed->suffix});
      for (const std::string& candidate : claimed->signatures) {
        if (equal_constant_time(candidate, expected)) {
          return std::nullopt;
        }
      }
    }
    return bad_signature();
  }

 private:
  std::vector<std::string> keys_;
  digest_algorithm algorithm_;
  claim_reader read_;
  std::chrono::seconds tolerance_;
};

class hmac_factory final : public core::signature_factory {
 public:
  explicit hmac_factory(hmac_scheme scheme) : scheme_(std::move(scheme)) {
    options_ = secret_options();
    if (scheme_.timestamped) {
      options_.push_back(tolerance_option());
    }
    options_.insert(options_.end(), scheme_.options.begin(), scheme_.options.end());
  }

  std::string_view scheme() const override { return scheme_.name; }
  std::string_view description() const override { return scheme_.description; }
  const std::vector<core::option_spec>& options() const override { return options_; }

  core::build_result<core::signature_verifier> create(
      std::string_view /*source_name*/, const core::option_values& values) const override {
    core::build_result<core::signature_verifier> out;
    auto keys = load_keys(values, scheme_.keys, out.errors);
    const auto tolerance = load_tolerance(values, out.errors);
    hmac_setup setup = scheme_.configure(values);
    out.errors.insert(out.errors.end(), setup.errors.begin(), setup.errors.end());
    if (out.errors.empty()) {
      out.instance = std::make_unique<hmac_verifier>(std::move(keys), setup.algorithm,
                                                     std::move(setup.read), tolerance);
    }
    return out;
  }

 private:
  hmac_scheme scheme_;
  std::vector<core::option_spec> options_;
};

}  // namespace

std::unique_ptr<core::signature_factory> make_hmac_factory(hmac_scheme scheme) {
  return std::make_unique<hmac_factory>(std::move(scheme));
}

}  // namespace leadsync::adapters::signatures
