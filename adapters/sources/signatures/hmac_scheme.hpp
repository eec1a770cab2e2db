#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sources/signatures/crypto.hpp"
#include "adapters/sources/signatures/secrets.hpp"
#include "core/adapter.hpp"

namespace leadsync::adapters::signatures {

// The building block behind every HMAC scheme. A scheme only says how to read
// a request: which signature(s) it carries and which bytes they sign. This
// file does the rest the same way for all of them: secrets and rotation,
// the timestamp window, the HMAC, and the constant-time comparison.

// What one request claims, as read by a scheme.
struct claim {
  std::vector<std::string> signatures;       // decoded bytes; any one may match
  std::string prefix;                        // the signed bytes are
  std::string suffix;                        //   prefix + body + suffix
  std::optional<std::int64_t> timestamp_ms;  // when set, must be within the tolerance
};

// Reads a claim from a request, or says what is missing or malformed (use the
// helpers in failures.hpp). Called concurrently; must not keep state.
using claim_reader = std::function<core::result<claim>(const core::inbound_request&)>;

// A scheme's reader once its own options are read.
struct hmac_setup {
  digest_algorithm algorithm = digest_algorithm::sha256;
  claim_reader read;
  std::vector<core::option_error> errors;  // about the scheme's own options
};

struct hmac_scheme {
  std::string name;         // `scheme = "..."` in config
  std::string description;  // one line for docs and `--help`
  key_format keys = key_format::utf8;
  bool timestamped = false;  // declares tolerance_seconds
  std::vector<core::option_spec> options;  // beyond secrets, secrets_env, tolerance_seconds
  std::function<hmac_setup(const core::option_values&)> configure;
};

// The factory for one scheme: declares secrets/secrets_env (and
// tolerance_seconds when timestamped) plus the scheme's options, and builds
// verifiers that accept a request when any claimed signature equals the HMAC
// of the signed bytes under any configured key.
std::unique_ptr<core::signature_factory> make_hmac_factory(hmac_scheme scheme);

}  // namespace leadsync::adapters::signatures
