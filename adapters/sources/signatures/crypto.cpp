#include "adapters/sources/signatures/crypto.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace leadsync::adapters::signatures {
namespace {

struct mac_deleter {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

const char* digest_name(digest_algorithm algorithm) {
  switch (algorithm) {
    case digest_algorithm::sha1:
      return "SHA1";
    case digest_algorithm::sha256:
      return "SHA256";
    case digest_algorithm::sha512:
      return "SHA512";
  }
  return "SHA256";
}

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string{"OpenSSL: "} + what + " failed");
}

}  // namespace

std::optional<digest_algorithm> parse_digest_algorithm(std::string_view name) {
  if (name == "sha1") {
    return digest_algorithm::sha1;
  }
  if (name == "sha256") {
    return digest_algorithm::sha256;
  }
  if (name == "sha512") {
    return digest_algorithm::sha512;
  }
  return std::nullopt;
}

std::string hmac(digest_algorithm algorithm, std::string_view key,
                 std::initializer_list<std::string_view> parts) {
  const std::unique_ptr<EVP_MAC, mac_deleter> mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr)};
  if (!mac) {
    fail("EVP_MAC_fetch(HMAC)");
  }
  const std::unique_ptr<EVP_MAC_CTX, mac_deleter> ctx{EVP_MAC_CTX_new(mac.get())};
  if (!ctx) {
    fail("EVP_MAC_CTX_new");
  }
  std::array<OSSL_PARAM, 2> params{
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(digest_name(algorithm)), 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; give OpenSSL a valid pointer for it.
  static constexpr unsigned char no_key = 0;
  const auto* key_bytes =
      key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params.data()) != 1) {
    fail("EVP_MAC_init");
  }
  for (const std::string_view part : parts) {
    if (!part.empty() &&
        EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(part.data()),
                       part.size()) != 1) {
      fail("EVP_MAC_update");
    }
  }
  std::string out(EVP_MAX_MD_SIZE, '\0');
  std::size_t length = 0;
  if (EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                    out.size()) != 1) {
    fail("EVP_MAC_final");
  }
  out.resize(length);
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &length,
                 EVP_sha256(), nullptr) != 1) {
    fail("EVP_Digest(SHA256)");
  }
  out.resize(length);
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace leadsync::adapters::signatures
