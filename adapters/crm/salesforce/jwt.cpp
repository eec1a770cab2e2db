#include "adapters/crm/salesforce/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json.hpp>

namespace leadsync::adapters::salesforce {
namespace {

// Without a callback OpenSSL would ask for a passphrase on the terminal.
int refuse_passphrase(char*, int, int, void*) { return -1; }

struct bio_closer {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct md_ctx_closer {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::variant<std::shared_ptr<const rsa_private_key>, std::string> rsa_private_key::load(const std::string& path) {
  std::unique_ptr<BIO, bio_closer> in{BIO_new_file(path.c_str(), "r")};
  if (!in) {
    ERR_clear_error();
    return "cannot read " + path;
  }
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in.get(), nullptr, refuse_passphrase, nullptr);
  ERR_clear_error();
  if (key == nullptr) {
    return path + " holds no unencrypted PEM private key";
  }
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return path + " holds a private key that is not RSA (the JWT bearer flow signs with RS256)";
  }
  return std::shared_ptr<const rsa_private_key>{new rsa_private_key{key}};
}

rsa_private_key::~rsa_private_key() { EVP_PKEY_free(key_); }

std::string rsa_private_key::sign_rs256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, md_ctx_closer> ctx{EVP_MD_CTX_new()};
  std::size_t size = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, bytes, data.size()) != 1) {
    ERR_clear_error();
    return {};
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, bytes, data.size()) != 1) {
    ERR_clear_error();
    return {};
  }
  signature.resize(size);
  return signature;
}

std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') {
    out.pop_back();
  }
  for (char& c : out) {
    if (c == '+') {
      c = '-';
    } else if (c == '/') {
      c = '_';
    }
  }
  return out;
}

std::string make_jwt_assertion(const rsa_private_key& key, const jwt_claims& claims) {
  boost::json::object header;
  header["alg"] = "RS256";
  boost::json::object body;
  body["iss"] = claims.issuer;
  body["sub"] = claims.subject;
  body["aud"] = claims.audience;
  body["exp"] = std::chrono::duration_cast<std::chrono::seconds>(claims.expires.time_since_epoch()).count();
  std::string signing_input = base64url(boost::json::serialize(header)) + "." + base64url(boost::json::serialize(body));
  const std::string signature = key.sign_rs256(signing_input);
  if (signature.empty()) {
    return {};
  }
  return signing_input + "." + base64url(signature);
}

}  // namespace leadsync::adapters::salesforce
