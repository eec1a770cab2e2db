#include "tests/fakes/test_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace leadsync::tests {

namespace {

template <auto Free>
struct openssl_deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  if (const unsigned long code = ERR_get_error(); code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    detail = std::string(": ") + buf;
  }
  ERR_clear_error();
  throw std::runtime_error("test_certificate: " + what + detail);
}

void check(int rc, const char* what) {
  if (rc != 1) {
    fail(what);
  }
}

pkey_ptr generate_key(test_key_type type) {
  EVP_PKEY* key = type == test_key_type::rsa_2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  if (key == nullptr) {
    fail("key generation failed");
  }
  return pkey_ptr(key);
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string private_key_pem(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "writing the private key");
  return drain(bio.get());
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ext_ptr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext) {
    fail(std::string("building extension ") + OBJ_nid2sn(nid));
  }
  check(X509_add_ext(cert, ext.get(), -1), "adding an extension");
}

x509_ptr self_signed(EVP_PKEY* key, const std::vector<std::string>& extra_names) {
  x509_ptr cert(X509_new());
  if (!cert) {
    fail("X509_new failed");
  }
  check(X509_set_version(cert.get(), 2), "setting the version");  // 2 = X.509 v3 (extensions)

  // A random serial: clients that cached an earlier run's certificate under
  // the same issuer and serial would otherwise see a mismatch.
  bn_ptr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    fail("setting the serial number");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) == nullptr) {
    fail("setting the validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                                   -1, 0),
        "setting the subject");
  check(X509_set_issuer_name(cert.get(), name), "setting the issuer");
  check(X509_set_pubkey(cert.get(), key), "setting the public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  std::string names = "DNS:localhost,IP:127.0.0.1";
  for (const std::string& extra : extra_names) {
    names += ",DNS:" + extra;
  }
  add_extension(cert.get(), &ctx, NID_subject_alt_name, names.c_str());

  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
    fail("signing the certificate");
  }
  return cert;
}

void write_file(const std::filesystem::path& path, const std::string& text, bool secret) {
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path());
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw std::runtime_error("test_certificate: cannot write " + path.string());
    }
    if (secret) {
      std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::replace);
    }
    out << text;
    if (!out.flush()) {
      throw std::runtime_error("test_certificate: cannot write " + path.string());
    }
  }
}

}  // namespace

test_certificate::test_certificate(const std::filesystem::path& dir, test_key_type type,
                                   const std::vector<std::string>& extra_dns_names)
    : cert_file_(dir / "cert.pem"), key_file_(dir / "key.pem") {
  const pkey_ptr key = generate_key(type);
  const x509_ptr cert = self_signed(key.get(), extra_dns_names);

  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert.get()), "writing the certificate");
  cert_pem_ = drain(bio.get());
  key_pem_ = private_key_pem(key.get());

  write_file(cert_file_, cert_pem_, false);
  write_file(key_file_, key_pem_, true);
}

rsa_key_pair make_rsa_key_pair(const std::filesystem::path& private_key_file) {
  const pkey_ptr key = generate_key(test_key_type::rsa_2048);
  rsa_key_pair pair;
  pair.private_key_file = private_key_file;
  pair.private_key_pem = private_key_pem(key.get());
  bio_ptr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PUBKEY(bio.get(), key.get()), "writing the public key");
  pair.public_key_pem = drain(bio.get());
  write_file(private_key_file, pair.private_key_pem, true);
  return pair;
}

}  // namespace leadsync::tests
