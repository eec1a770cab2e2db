// The fake's OAuth token endpoint (docs/wire-formats.md 3.1): client
// credentials, JWT bearer (RS256 verified with OpenSSL) and refresh token,
// answering like Salesforce with a JSON token or a 400 OAuth error.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include "tests/fakes/salesforce_state.hpp"

namespace leadsync::tests::fakes {

namespace {

namespace json = boost::json;

constexpr std::string_view org_id = "00DFk0000000001AAA";
constexpr std::string_view user_id = "005Fk0000000001AAA";
constexpr auto max_assertion_lifetime = std::chrono::minutes(3);

fake_reply oauth_error(std::string_view error, std::string_view description) {
  fake_reply reply;
  reply.status = 400;
  reply.body = json::serialize(json::object{{"error", error}, {"error_description", description}});
  return reply;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

// JWT segments are unpadded base64url (RFC 7515 section 2). Map the alphabet
// to standard base64, restore the padding and let OpenSSL decode.
std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string b64;
  b64.reserve(text.size() + 3);
  for (const char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (plain) {
      b64 += c;
    } else if (c == '-') {
      b64 += '+';
    } else if (c == '_') {
      b64 += '/';
    } else {
      return std::nullopt;
    }
  }
  const std::size_t pad = (4 - b64.size() % 4) % 4;
  b64.append(pad, '=');
  std::string out(b64.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0 || static_cast<std::size_t>(n) < pad) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

bool rs256_verify(const std::string& public_key_pem, std::string_view signed_part, std::string_view signature) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(public_key_pem.data(),
                                                                static_cast<int>(public_key_pem.size())),
                                                &BIO_free);
  if (!bio) {
    return false;
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr),
                                                          &EVP_PKEY_free);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  return std::move(v.as_object());
}

std::string claim(const json::object& claims, std::string_view name) {
  const auto* v = claims.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// nullopt when the assertion is good, else the OAuth error to send.
std::optional<fake_reply> check_assertion(const fake_salesforce_options& options, std::string_view assertion) {
  const auto dot1 = assertion.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : assertion.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || assertion.find('.', dot2 + 1) != std::string_view::npos) {
    return oauth_error("invalid_grant", "invalid assertion: not a JWS compact serialisation");
  }
  const auto header_text = base64url_decode(assertion.substr(0, dot1));
  const auto claims_text = base64url_decode(assertion.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(assertion.substr(dot2 + 1));
  if (!header_text || !claims_text || !signature) {
    return oauth_error("invalid_grant", "invalid assertion: bad base64url");
  }
  const auto header = parse_object(*header_text);
  const auto claims = parse_object(*claims_text);
  if (!header || !claims) {
    return oauth_error("invalid_grant", "invalid assertion: header or claims are not a JSON object");
  }
  if (claim(*header, "alg") != "RS256") {
    return oauth_error("invalid_grant", "invalid assertion: alg must be RS256");
  }
  if (options.jwt_public_key_pem.empty() ||
      !rs256_verify(options.jwt_public_key_pem, assertion.substr(0, dot2), *signature)) {
    return oauth_error("invalid_grant", "invalid assertion: signature does not verify");
  }
  if (claim(*claims, "iss") != options.client_id) {
    return oauth_error("invalid_client", "client identifier invalid");
  }
  if (claim(*claims, "aud") != options.audience) {
    return oauth_error("invalid_grant", "audience is invalid");
  }
  if (claim(*claims, "sub") != options.username) {
    return oauth_error("invalid_grant", "user hasn't approved this consumer");
  }
  const auto* exp = claims->if_contains("exp");
  if (exp == nullptr || !exp->is_number()) {
    return oauth_error("invalid_grant", "invalid assertion: exp missing or not a number");
  }
  const double exp_seconds = exp->to_number<double>();
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  if (exp_seconds <= now) {
    return oauth_error("invalid_grant", "expired assertion");
  }
  const auto latest = max_assertion_lifetime + options.jwt_clock_skew;
  if (exp_seconds > now + static_cast<double>(latest.count())) {
    return oauth_error("invalid_grant", "invalid assertion: exp is more than 3 minutes ahead");
  }
  return std::nullopt;
}

fake_reply issue_token(const fake_salesforce_options& options, sf_token_state& tokens, const std::string& instance_url,
                       std::optional<std::string> new_refresh_token) {
  const std::string access_token = std::string(org_id.substr(0, 15)) + "!" + random_hex(24);
  tokens.issued.push_back(access_token);
  tokens.valid.insert(access_token);

  const std::string id = "https://login.salesforce.com/id/" + std::string(org_id) + "/" + std::string(user_id);
  const std::string issued_at = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count());
  // signature = base64(HMAC-SHA256(id + issued_at)) keyed with the consumer secret.
  const std::string signed_text = id + issued_at;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), options.client_secret.data(), static_cast<int>(options.client_secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &mac_len);

  json::object body{{"access_token", access_token},
                    {"instance_url", instance_url},
                    {"id", id},
                    {"token_type", "Bearer"},
                    {"issued_at", issued_at},
                    {"scope", "api"},
                    {"signature", base64(std::string_view(reinterpret_cast<const char*>(mac), mac_len))}};
  if (new_refresh_token) {
    body["refresh_token"] = *new_refresh_token;
  }
  fake_reply reply;
  reply.body = json::serialize(body);
  return reply;
}

}  // namespace

fake_reply sf_token_endpoint(const fake_salesforce_options& options, sf_token_state& tokens,
                             const recorded_request& request, const std::string& instance_url) {
  if (request.method != "POST") {
    return oauth_error("invalid_request", "must use HTTP POST");
  }
  if (!starts_with_ci(request.header("content-type"), "application/x-www-form-urlencoded")) {
    return oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  if (!boost::urls::parse_query(request.body)) {
    return oauth_error("invalid_request", "malformed form body");
  }
  // Form bodies encode a space as '+'.
  const boost::urls::params_view form(request.body, boost::urls::encoding_opts(true));
  const auto param = [&](std::string_view name) -> std::string {
    const auto it = form.find(name);
    return it == form.end() || !(*it).has_value ? std::string() : std::string((*it).value);
  };

  const std::string grant_type = param("grant_type");
  if (grant_type == "client_credentials") {
    if (param("client_id") != options.client_id || param("client_secret") != options.client_secret) {
      return oauth_error("invalid_client", "invalid client credentials");
    }
    return issue_token(options, tokens, instance_url, std::nullopt);
  }
  if (grant_type == "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    const std::string assertion = param("assertion");
    if (assertion.empty()) {
      return oauth_error("invalid_grant", "assertion missing");
    }
    if (auto refused = check_assertion(options, assertion)) {
      return *refused;
    }
    return issue_token(options, tokens, instance_url, std::nullopt);
  }
  if (grant_type == "refresh_token") {
    if (param("client_id") != options.client_id) {
      return oauth_error("invalid_client", "client identifier invalid");
    }
    if (form.contains("client_secret") && param("client_secret") != options.client_secret) {
      return oauth_error("invalid_client", "invalid client credentials");
    }
    const std::string refresh = param("refresh_token");
    if (refresh.empty() || tokens.refresh_tokens.count(refresh) == 0) {
      return oauth_error("invalid_grant", "expired access/refresh token");
    }
    std::optional<std::string> rotated;
    if (options.rotate_refresh_tokens) {
      tokens.refresh_tokens.erase(refresh);
      rotated = "5Aep861" + random_hex(32);
      tokens.refresh_tokens.insert(*rotated);
    }
    return issue_token(options, tokens, instance_url, rotated);
  }
  return oauth_error("unsupported_grant_type", "grant type not supported");
}

}  // namespace leadsync::tests::fakes
