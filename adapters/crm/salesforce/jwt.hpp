#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "core/time.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace leadsync::adapters::salesforce {

// An RSA private key read from a PEM file, for signing JWT bearer assertions.
// Immutable once loaded; signing does not change it.
class rsa_private_key {
 public:
  // The key, or an error saying what is wrong with the file (never its
  // contents). Encrypted keys are refused rather than prompting for a passphrase.
  static std::variant<std::shared_ptr<const rsa_private_key>, std::string> load(const std::string& path);

  ~rsa_private_key();
  rsa_private_key(const rsa_private_key&) = delete;
  rsa_private_key& operator=(const rsa_private_key&) = delete;

  // RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over `data`; "" if OpenSSL fails.
  std::string sign_rs256(std::string_view data) const;

 private:
  explicit rsa_private_key(evp_pkey_st* key) : key_(key) {}
  evp_pkey_st* key_;
};

// What the assertion of Salesforce's OAuth 2.0 JWT bearer flow claims.
struct jwt_claims {
  std::string issuer;    // the connected app's consumer key
  std::string subject;   // the Salesforce username
  std::string audience;  // https://login.salesforce.com, https://test.salesforce.com, ...
  core::timestamp expires;
};

// header.claims.signature, each part base64url without padding; "" if signing failed.
std::string make_jwt_assertion(const rsa_private_key& key, const jwt_claims& claims);

// base64url (RFC 4648 §5) without padding, as JWTs use it.
std::string base64url(std::string_view bytes);

}  // namespace leadsync::adapters::salesforce
