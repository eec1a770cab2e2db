#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace leadsync::tests {

enum class test_key_type { rsa_2048, ec_p256 };

// A throwaway TLS identity made at test time (no openssl CLI, nothing checked
// in): a fresh key and a self-signed X.509 certificate for CN=localhost with
// subjectAltName DNS:localhost and IP:127.0.0.1, valid from an hour ago to a
// day ahead. basicConstraints CA:TRUE, so cert_file() doubles as the ca_file a
// client trusts. The PEM files are written on construction; the object is a
// plain value (copies share the files) and never deletes them: the test's
// temporary directory owns them. Failures throw std::runtime_error.
class test_certificate {
 public:
  // Writes <dir>/cert.pem and <dir>/key.pem (key readable by the owner only);
  // dir is created when missing. extra_dns_names are added to the
  // subjectAltName (e.g. a name a test reaches through a proxy).
  explicit test_certificate(const std::filesystem::path& dir, test_key_type type = test_key_type::rsa_2048,
                            const std::vector<std::string>& extra_dns_names = {});

  [[nodiscard]] const std::filesystem::path& cert_file() const { return cert_file_; }
  [[nodiscard]] const std::filesystem::path& key_file() const { return key_file_; }
  [[nodiscard]] const std::string& cert_pem() const { return cert_pem_; }
  [[nodiscard]] const std::string& key_pem() const { return key_pem_; }

 private:
  std::filesystem::path cert_file_;
  std::filesystem::path key_file_;
  std::string cert_pem_;
  std::string key_pem_;
};

// An RSA-2048 key pair for the Salesforce JWT bearer flow: the daemon signs
// assertions with the private key file, the fake verifies them with the
// public key (SubjectPublicKeyInfo PEM).
struct rsa_key_pair {
  std::filesystem::path private_key_file;
  std::string private_key_pem;  // PKCS#8
  std::string public_key_pem;
};

// Generates the pair and writes the private key to private_key_file (owner
// read/write only; parent directories created). Throws std::runtime_error.
rsa_key_pair make_rsa_key_pair(const std::filesystem::path& private_key_file);

}  // namespace leadsync::tests
