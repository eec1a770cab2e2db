// Self-tests of the fake CRMs: each case talks to a fake over loopback with a
// tiny Beast client (plain HTTP or TLS) and checks the documented wire
// behaviour (docs/wire-formats.md sections 3 and 4) the daemon's tests rely on.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "tests/fakes/fake_hubspot.hpp"
#include "tests/fakes/fake_salesforce.hpp"
#include "tests/fakes/test_certificate.hpp"

namespace leadsync::tests {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// ---- a tiny client ------------------------------------------------------------

struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;

  [[nodiscard]] std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  [[nodiscard]] json::value json_body() const { return json::parse(body); }
};

// One keep-alive connection to 127.0.0.1:port; TLS when ca is given, with
// the peer verified against that CA and the host name `host`. Throws
// beast::system_error on any failure (refused, handshake, closed, timeout).
class client {
 public:
  explicit client(std::uint16_t port, const test_certificate* ca = nullptr, const std::string& host = "localhost")
      : plain_(ioc_) {
    const tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
    if (ca == nullptr) {
      plain_.expires_after(5s);
      plain_.connect(endpoint);
      return;
    }
    ctx_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    ctx_->load_verify_file(ca->cert_file().string());
    ctx_->set_verify_mode(ssl::verify_peer);
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc_, *ctx_);
    tls_->set_verify_callback(ssl::host_name_verification(host));
    if (host != "127.0.0.1") {
      SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
    }
    beast::get_lowest_layer(*tls_).expires_after(5s);
    beast::get_lowest_layer(*tls_).connect(endpoint);
    tls_->handshake(ssl::stream_base::client);
  }

  reply send(http::verb method, const std::string& target, const std::string& body = {},
             const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) {
      req.set(name, value);
    }
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    http::response<http::string_body> res;
    beast::flat_buffer buffer;
    if (tls_) {
      beast::get_lowest_layer(*tls_).expires_after(5s);
      http::write(*tls_, req);
      http::read(*tls_, buffer, res);
    } else {
      plain_.expires_after(5s);
      http::write(plain_, req);
      http::read(plain_, buffer, res);
    }
    reply out;
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    return out;
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream plain_;
  std::unique_ptr<ssl::context> ctx_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
};

const std::vector<std::pair<std::string, std::string>> form_type = {
    {"Content-Type", "application/x-www-form-urlencoded"}};

std::vector<std::pair<std::string, std::string>> json_with_token(const std::string& token) {
  return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    out += (out.empty() ? "" : "&") + k + "=" + boost::urls::encode(v, boost::urls::unreserved_chars);
  }
  return out;
}

// A fresh directory under the system temp dir, removed with everything in it
// when the test ends.
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("leadsync-fakes-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// ---- Salesforce helpers ---------------------------------------------------------

std::string client_credentials_token(client& c, const fake_salesforce& sf) {
  const reply r = c.send(http::verb::post, "/services/oauth2/token",
                         form_encode({{"grant_type", "client_credentials"},
                                      {"client_id", sf.options().client_id},
                                      {"client_secret", sf.options().client_secret}}),
                         form_type);
  if (r.status != 200) {
    throw std::runtime_error("token request failed: " + r.body);
  }
  return std::string(r.json_body().at("access_token").as_string());
}

json::object lead(const std::string& key, const std::string& email, bool with_required = true) {
  json::object r{{"attributes", {{"type", "Lead"}}}, {"Lead_Key__c", key}, {"Email", email}};
  if (with_required) {
    r["LastName"] = "Lovelace";
    r["Company"] = "Acme";
  }
  return r;
}

std::string collection(json::array records, bool all_or_none = false) {
  return json::serialize(json::object{{"allOrNone", all_or_none}, {"records", std::move(records)}});
}

const std::string upsert_path = "/services/data/v60.0/composite/sobjects/Lead/Lead_Key__c";

std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') {
    out.pop_back();
  }
  for (auto& c : out) {
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  }
  return out;
}

// An RS256 JWT over header and claims, signed with private_key_pem.
std::string sign_jwt(const json::object& header, const json::object& claims, const std::string& private_key_pem) {
  const std::string signing_input = base64url(json::serialize(header)) + "." + base64url(json::serialize(claims));
  BIO* bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string sig;
  if (key == nullptr || ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw std::runtime_error("signing setup failed");
  }
  sig.resize(len);
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    throw std::runtime_error("signing failed");
  }
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return signing_input + "." + base64url(sig);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- Salesforce: OAuth --------------------------------------------------------------

TEST(FakeSalesforce, ClientCredentialsIssueASignedTokenForTheFakesOwnInstance) {
  fake_salesforce sf;
  client c(sf.port());
  const reply ok = c.send(http::verb::post, "/services/oauth2/token",
                          form_encode({{"grant_type", "client_credentials"},
                                       {"client_id", "fake-consumer-key"},
                                       {"client_secret", "fake-consumer-secret"}}),
                          form_type);
  ASSERT_EQ(ok.status, 200u) << ok.body;
  const auto token = ok.json_body().as_object();
  EXPECT_EQ(token.at("instance_url").as_string(), sf.base_url());
  EXPECT_EQ(token.at("token_type").as_string(), "Bearer");
  EXPECT_FALSE(token.at("access_token").as_string().empty());
  EXPECT_EQ(token.if_contains("refresh_token"), nullptr);
  // signature = base64(HMAC-SHA256(id + issued_at)) under the consumer secret.
  const std::string signed_text =
      std::string(token.at("id").as_string()) + std::string(token.at("issued_at").as_string());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), "fake-consumer-secret", 20, reinterpret_cast<const unsigned char*>(signed_text.data()),
       signed_text.size(), mac, &mac_len);
  std::string expected(4 * ((mac_len + 2) / 3) + 1, '\0');
  expected.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()), mac,
                                                           static_cast<int>(mac_len))));
  EXPECT_EQ(token.at("signature").as_string(), expected);

  const reply bad = c.send(http::verb::post, "/services/oauth2/token",
                           form_encode({{"grant_type", "client_credentials"},
                                        {"client_id", "fake-consumer-key"},
                                        {"client_secret", "wrong"}}),
                           form_type);
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.json_body().at("error").as_string(), "invalid_client");
  const reply odd = c.send(http::verb::post, "/services/oauth2/token", "grant_type=password", form_type);
  EXPECT_EQ(odd.json_body().at("error").as_string(), "unsupported_grant_type");
  EXPECT_EQ(sf.calls(sf_call::token), 3u);
  EXPECT_EQ(sf.api_usage(), 0u) << "the token endpoint does not count against the API limit";
}

TEST(FakeSalesforce, JwtBearerVerifiesTheRs256AssertionAndItsClaims) {
  const scratch_dir dir("jwt");
  const rsa_key_pair keys = make_rsa_key_pair(dir.path() / "jwt.key");
  const rsa_key_pair other = make_rsa_key_pair(dir.path() / "other.key");
  EXPECT_TRUE(std::filesystem::exists(keys.private_key_file));
  fake_salesforce_options options;
  options.jwt_public_key_pem = keys.public_key_pem;
  fake_salesforce sf(options);
  client c(sf.port());

  const json::object header{{"alg", "RS256"}};
  const auto claims = [&](std::int64_t exp_in, std::string sub) {
    return json::object{{"iss", "fake-consumer-key"},
                        {"sub", std::move(sub)},
                        {"aud", "https://login.salesforce.com"},
                        {"exp", unix_now() + exp_in}};
  };
  const auto exchange = [&](const std::string& assertion) {
    return c.send(
        http::verb::post, "/services/oauth2/token",
        form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"}, {"assertion", assertion}}),
        form_type);
  };

  const reply ok = exchange(sign_jwt(header, claims(170, "integration@example.com"), keys.private_key_pem));
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json_body().at("instance_url").as_string(), sf.base_url());

  const auto refused = [&](const std::string& assertion) {
    const reply r = exchange(assertion);
    return r.status == 400 ? std::string(r.json_body().at("error").as_string()) : "status " + std::to_string(r.status);
  };
  EXPECT_EQ(refused(sign_jwt(header, claims(170, "someone@else.com"), keys.private_key_pem)), "invalid_grant");
  EXPECT_EQ(refused(sign_jwt(header, claims(600, "integration@example.com"), keys.private_key_pem)), "invalid_grant")
      << "exp more than 3 minutes ahead";
  EXPECT_EQ(refused(sign_jwt(header, claims(-5, "integration@example.com"), keys.private_key_pem)), "invalid_grant");
  EXPECT_EQ(refused(sign_jwt(header, claims(170, "integration@example.com"), other.private_key_pem)), "invalid_grant")
      << "signed with a key the connected app does not know";
  EXPECT_EQ(refused(sign_jwt({{"alg", "RS512"}}, claims(170, "integration@example.com"), keys.private_key_pem)),
            "invalid_grant");
  json::object wrong_iss = claims(170, "integration@example.com");
  wrong_iss["iss"] = "another-app";
  EXPECT_EQ(refused(sign_jwt(header, wrong_iss, keys.private_key_pem)), "invalid_client");
  EXPECT_EQ(sf.issued_tokens().size(), 1u);
}

TEST(FakeSalesforce, RefreshTokenRotationRevokesTheOldRefreshToken) {
  fake_salesforce_options options;
  options.rotate_refresh_tokens = true;
  fake_salesforce sf(options);
  client c(sf.port());
  const auto refresh = [&](const std::string& rt) {
    return c.send(
        http::verb::post, "/services/oauth2/token",
        form_encode({{"grant_type", "refresh_token"}, {"refresh_token", rt}, {"client_id", "fake-consumer-key"}}),
        form_type);
  };
  const reply first = refresh("fake-refresh-token");
  ASSERT_EQ(first.status, 200u) << first.body;
  const std::string rotated(first.json_body().at("refresh_token").as_string());
  EXPECT_NE(rotated, "fake-refresh-token");
  const reply old = refresh("fake-refresh-token");
  EXPECT_EQ(old.status, 400u);
  EXPECT_EQ(old.json_body().at("error").as_string(), "invalid_grant");
  EXPECT_EQ(refresh(rotated).status, 200u);
}

TEST(FakeSalesforce, RestCallsNeedACurrentTokenAndExpiryGives401InvalidSession) {
  fake_salesforce sf;
  client c(sf.port());
  const std::string body = collection({lead("k1", "ada@example.com")});
  const reply anonymous = c.send(http::verb::patch, upsert_path, body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_EQ(anonymous.json_body().at(0).at("errorCode").as_string(), "INVALID_SESSION_ID");

  const std::string token = client_credentials_token(c, sf);
  EXPECT_EQ(c.send(http::verb::patch, upsert_path, body, json_with_token(token)).status, 200u);
  sf.expire_tokens();
  const reply expired = c.send(http::verb::patch, upsert_path, body, json_with_token(token));
  EXPECT_EQ(expired.status, 401u);
  EXPECT_EQ(expired.json_body().at(0).at("message").as_string(), "Session expired or invalid");
  const std::string fresh = client_credentials_token(c, sf);
  EXPECT_EQ(c.send(http::verb::patch, upsert_path, body, json_with_token(fresh)).status, 200u);
  EXPECT_EQ(sf.api_usage(), 2u) << "401s are not counted";
}

// ---- Salesforce: collections ------------------------------------------------------------

TEST(FakeSalesforce, UpsertCreatesThenUpdatesByExternalIdWithLimitInfo) {
  fake_salesforce sf;
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const reply created = c.send(http::verb::patch, upsert_path, collection({lead("k1", "ada@example.com")}),
                               json_with_token(token));
  ASSERT_EQ(created.status, 200u) << created.body;
  const json::object r1 = created.json_body().at(0).as_object();
  EXPECT_TRUE(r1.at("success").as_bool());
  EXPECT_TRUE(r1.at("created").as_bool());
  const std::string id(r1.at("id").as_string());
  EXPECT_EQ(id.size(), 18u);
  EXPECT_EQ(id.substr(0, 3), "00Q");
  EXPECT_EQ(created.header("sforce-limit-info"), "api-usage=1/15000");

  json::object update{{"attributes", {{"type", "Lead"}}}, {"Lead_Key__c", "k1"}, {"Lifecycle_Stage__c", "MQL"}};
  const reply updated = c.send(http::verb::patch, upsert_path, collection({update}), json_with_token(token));
  const json::object r2 = updated.json_body().at(0).as_object();
  EXPECT_FALSE(r2.at("created").as_bool()) << "no LastName/Company needed on update";
  EXPECT_EQ(r2.at("id").as_string(), id);
  EXPECT_EQ(updated.header("sforce-limit-info"), "api-usage=2/15000");

  const auto stored = sf.find_by_external_id("Lead_Key__c", "k1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->field("Lifecycle_Stage__c"), "MQL");
  EXPECT_EQ(stored->field("Email"), "ada@example.com");
  EXPECT_EQ(sf.created_count(), 1u);
  EXPECT_EQ(sf.records().size(), 1u);
  EXPECT_EQ(sf.calls(sf_call::upsert), 2u);
}

TEST(FakeSalesforce, UpsertReportsRecordErrorsInOrderAndRequestErrorsAsA400) {
  fake_salesforce sf;
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const reply mixed = c.send(http::verb::patch, upsert_path,
                             collection({lead("k1", "a@example.com", false), lead("k2", "b@example.com")}),
                             json_with_token(token));
  ASSERT_EQ(mixed.status, 200u);
  const json::array results = mixed.json_body().as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].at("success").as_bool());
  EXPECT_EQ(results[0].at("errors").at(0).at("statusCode").as_string(), "REQUIRED_FIELD_MISSING");
  EXPECT_TRUE(results[1].at("success").as_bool());

  json::object unknown = lead("k3", "c@example.com");
  unknown["Shoe_Size"] = "42";
  const reply bad_field = c.send(http::verb::patch, upsert_path, collection({unknown}), json_with_token(token));
  EXPECT_EQ(bad_field.status, 400u);
  EXPECT_EQ(bad_field.json_body().at(0).at("errorCode").as_string(), "INVALID_FIELD");

  json::array many;
  for (int i = 0; i < 201; ++i) {
    many.push_back(lead(std::to_string(i).append("-key"), "m@example.com"));
  }
  EXPECT_EQ(c.send(http::verb::patch, upsert_path, collection(many), json_with_token(token)).status, 400u);
  json::object contact = lead("k4", "d@example.com");
  contact["attributes"] = json::object{{"type", "Contact"}};
  EXPECT_EQ(c.send(http::verb::patch, upsert_path, collection({contact}), json_with_token(token)).status, 400u);
  EXPECT_EQ(sf.records().size(), 1u) << "only k2 was written";
}

TEST(FakeSalesforce, AllOrNoneRollsBackEveryRecordOnOneFailure) {
  fake_salesforce sf;
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const reply r = c.send(http::verb::patch, upsert_path,
                         collection({lead("k1", "a@example.com"), lead("k2", "b@example.com", false)}, true),
                         json_with_token(token));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json_body().at(0).at("errors").at(0).at("statusCode").as_string(), "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  EXPECT_EQ(r.json_body().at(1).at("errors").at(0).at("statusCode").as_string(), "REQUIRED_FIELD_MISSING");
  EXPECT_TRUE(sf.records().empty());
  EXPECT_EQ(sf.created_count(), 0u);
}

TEST(FakeSalesforce, DuplicateRuleBlocksACreateAndNamesTheExistingLead) {
  fake_salesforce sf;
  const auto ids = sf.preload({json::object{{"LastName", "Old"}, {"Company", "Acme"}, {"Email", "Ada@Example.com"}}});
  sf.duplicate_rule(true);
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const reply upsert = c.send(http::verb::patch, upsert_path, collection({lead("k1", "ada@example.com")}),
                              json_with_token(token));
  const json::value error = upsert.json_body().at(0).at("errors").at(0);
  EXPECT_EQ(error.at("statusCode").as_string(), "DUPLICATES_DETECTED");
  EXPECT_EQ(error.at("duplicateResult").at("matchResults").at(0).at("matchRecords").at(0).at("record").at("Id"),
            json::value(ids.at(0)));
  const reply create = c.send(http::verb::post, "/services/data/v60.0/composite/sobjects",
                              collection({lead("k1", "ADA@example.com")}), json_with_token(token));
  EXPECT_EQ(create.json_body().at(0).at("errors").at(0).at("statusCode").as_string(), "DUPLICATES_DETECTED");
  sf.duplicate_rule(false);
  EXPECT_TRUE(c.send(http::verb::post, "/services/data/v60.0/composite/sobjects",
                     collection({lead("k1", "ada@example.com")}), json_with_token(token))
                  .json_body()
                  .at(0)
                  .at("success")
                  .as_bool());
  EXPECT_EQ(sf.records().size(), 2u);
}

TEST(FakeSalesforce, RowLockAndValidationFaultsFailOnlyTheirRecords) {
  fake_salesforce_options options;
  options.restricted_picklists["Status"] = {"Open - Not Contacted", "Working - Contacted"};
  fake_salesforce sf(options);
  sf.row_lock({"locked@example.com"}, 1);
  sf.validation_error({"invalid@example.com"}, "Email domain is blocked");
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  json::object bad_status = lead("k4", "d@example.com");
  bad_status["Status"] = "Qualified";
  const auto body = collection({lead("k1", "locked@example.com"), lead("k2", "invalid@example.com"),
                                lead("k3", "fine@example.com"), bad_status});
  const reply first = c.send(http::verb::patch, upsert_path, body, json_with_token(token));
  const json::array r = first.json_body().as_array();
  EXPECT_EQ(r[0].at("errors").at(0).at("statusCode").as_string(), "UNABLE_TO_LOCK_ROW");
  EXPECT_EQ(r[1].at("errors").at(0).at("statusCode").as_string(), "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  EXPECT_EQ(r[1].at("errors").at(0).at("message").as_string(), "Email domain is blocked");
  EXPECT_TRUE(r[2].at("success").as_bool());
  EXPECT_EQ(r[3].at("errors").at(0).at("statusCode").as_string(), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");

  const reply second = c.send(http::verb::patch, upsert_path, body, json_with_token(token));
  EXPECT_TRUE(second.json_body().at(0).at("success").as_bool()) << "the lock was for one write";
  EXPECT_FALSE(second.json_body().at(1).at("success").as_bool()) << "validation fails until healed";
  sf.heal();
  EXPECT_TRUE(
      c.send(http::verb::patch, upsert_path, body, json_with_token(token)).json_body().at(1).at("success").as_bool());
}

TEST(FakeSalesforce, UpdateByIdRefusesUnknownMalformedAndDeletedIds) {
  fake_salesforce sf;
  const auto ids = sf.preload({json::object{{"LastName", "A"}, {"Company", "B"}, {"Email", "a@example.com"}},
                               json::object{{"LastName", "C"}, {"Company", "D"}, {"Email", "c@example.com"}}});
  sf.remove(ids[1]);
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const auto rec = [](const std::string& id) {
    return json::object{{"attributes", {{"type", "Lead"}}}, {"Id", id}, {"Status", "Working - Contacted"}};
  };
  const reply r = c.send(http::verb::patch, "/services/data/v60.0/composite/sobjects",
                         collection({rec(ids[0]), rec("00QFk0000000009999"), rec("not-an-id"), rec(ids[1])}),
                         json_with_token(token));
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::array results = r.json_body().as_array();
  EXPECT_TRUE(results[0].at("success").as_bool());
  EXPECT_EQ(results[1].at("errors").at(0).at("statusCode").as_string(), "INVALID_CROSS_REFERENCE_KEY");
  EXPECT_EQ(results[2].at("errors").at(0).at("statusCode").as_string(), "MALFORMED_ID");
  EXPECT_EQ(results[3].at("errors").at(0).at("statusCode").as_string(), "ENTITY_IS_DELETED");
  EXPECT_EQ(sf.find_by_id(ids[0])->field("Status"), "Working - Contacted");
  EXPECT_EQ(sf.calls(sf_call::update), 1u);
}

TEST(FakeSalesforce, QueryByEmailHandlesSoqlEscapesOrderAndMalformedQueries) {
  fake_salesforce sf;
  sf.preload({json::object{{"LastName", "O'Brien"}, {"Company", "X"}, {"Email", "o'brien@example.com"}},
              json::object{{"LastName", "Back"}, {"Company", "Y"}, {"Email", "back\\slash@example.com"}},
              json::object{{"LastName", "Other"}, {"Company", "Z"}, {"Email", "other@example.com"}}});
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const auto query = [&](const std::string& soql) {
    return c.send(http::verb::get,
                  "/services/data/v60.0/query?q=" + boost::urls::encode(soql, boost::urls::unreserved_chars), {},
                  {{"Authorization", "Bearer " + token}});
  };
  const reply r = query(
      "SELECT Id, Email, LastName FROM Lead WHERE Email IN ('O\\'Brien@example.com', 'back\\\\slash@example.com') "
      "ORDER BY LastModifiedDate DESC");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::object body = r.json_body().as_object();
  EXPECT_EQ(body.at("totalSize").as_int64(), 2);
  EXPECT_TRUE(body.at("done").as_bool());
  const auto& records = body.at("records").as_array();
  EXPECT_EQ(records.at(0).at("LastName").as_string(), "Back") << "most recently modified first";
  EXPECT_EQ(records.at(1).at("Email").as_string(), "o'brien@example.com");
  EXPECT_EQ(records.at(0).at("attributes").at("type").as_string(), "Lead");
  EXPECT_FALSE(records.at(0).at("Id").as_string().empty());

  const reply one = query("select Id from Lead where Email = 'other@example.com'");
  EXPECT_EQ(one.json_body().at("totalSize").as_int64(), 1);
  EXPECT_EQ(query("SELECT Id FROM Lead WHERE Email LIKE 'x%'").json_body().at(0).at("errorCode").as_string(),
            "MALFORMED_QUERY");
  EXPECT_EQ(query("SELECT Id FROM Lead WHERE Email = 'unterminated").status, 400u);
  EXPECT_EQ(query("SELECT Secret__x FROM Lead").json_body().at(0).at("errorCode").as_string(), "INVALID_FIELD");
  EXPECT_EQ(sf.calls(sf_call::query), 5u);
}

TEST(FakeSalesforce, DailyLimitAndInjectedLimitExceededAnswer403) {
  fake_salesforce_options options;
  options.daily_api_limit = 100;
  fake_salesforce sf(options);
  client c(sf.port());
  const std::string token = client_credentials_token(c, sf);
  const std::string body = collection({lead("k1", "a@example.com")});
  sf.limit_exceeded(1);
  const reply injected = c.send(http::verb::patch, upsert_path, body, json_with_token(token));
  EXPECT_EQ(injected.status, 403u);
  EXPECT_EQ(injected.json_body().at(0).at("errorCode").as_string(), "REQUEST_LIMIT_EXCEEDED");
  sf.set_api_usage(99);
  const reply last = c.send(http::verb::patch, upsert_path, body, json_with_token(token));
  EXPECT_EQ(last.status, 200u);
  EXPECT_EQ(last.header("sforce-limit-info"), "api-usage=100/100");
  const reply over = c.send(http::verb::patch, upsert_path, body, json_with_token(token));
  EXPECT_EQ(over.status, 403u);
  EXPECT_EQ(over.json_body().at(0).at("message").as_string(), "TotalRequests Limit exceeded.");
}

TEST(FakeSalesforce, TransportFaultsAnswer5xxDropAndDelayOnKeepAlive) {
  fake_salesforce sf;
  sf.server_error({503, "7"}, 1, sf_call::token);
  {
    client c(sf.port());
    const reply r = c.send(http::verb::post, "/services/oauth2/token", "grant_type=client_credentials", form_type);
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.header("retry-after"), "7");
    const std::string token = client_credentials_token(c, sf);  // same connection, fault used up
    EXPECT_FALSE(token.empty());
    sf.delay(150ms, 1);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(c.send(http::verb::get, "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead", {},
                     {{"Authorization", "Bearer " + token}})
                  .status,
              200u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    sf.drop(1);
    EXPECT_THROW(c.send(http::verb::get, "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead", {},
                        {{"Authorization", "Bearer " + token}}),
                 boost::system::system_error);
  }
  const auto requests = sf.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].connection_id, requests[2].connection_id) << "keep-alive";
  EXPECT_EQ(requests[3].answered_status, 0u);
  EXPECT_EQ(requests[0].header("content-type"), "application/x-www-form-urlencoded");
}

// ---- HubSpot ---------------------------------------------------------------------------------

const std::string hs_upsert = "/crm/v3/objects/contacts/batch/upsert";
const std::string hs_update = "/crm/v3/objects/contacts/batch/update";

json::object hs_input(const std::string& email, json::object properties, std::string trace = {}) {
  json::object in{{"idProperty", "email"}, {"id", email}, {"properties", std::move(properties)}};
  if (!trace.empty()) {
    in["objectWriteTraceId"] = trace;
  }
  return in;
}

std::string inputs(json::array in) { return json::serialize(json::object{{"inputs", std::move(in)}}); }

reply hs_post(client& c, const std::string& path, const std::string& body,
              const std::string& token = "pat-na1-fake-token") {
  return c.send(http::verb::post, path, body, json_with_token(token));
}

TEST(FakeHubSpot, BatchUpsertCreatesThenUpdatesContactsKeyedByEmail) {
  fake_hubspot hs;
  client c(hs.port());
  const reply created = hs_post(c, hs_upsert,
                                inputs({hs_input("Ada@Example.com", {{"firstname", "Ada"}, {"lifecyclestage", "lead"}},
                                                 "evt_1")}));
  ASSERT_EQ(created.status, 200u) << created.body;
  const json::object r1 = created.json_body().at("results").at(0).as_object();
  EXPECT_TRUE(r1.at("new").as_bool());
  EXPECT_EQ(r1.at("objectWriteTraceId").as_string(), "evt_1");
  const std::string id(r1.at("id").as_string());
  EXPECT_EQ(created.json_body().at("status").as_string(), "COMPLETE");

  const reply updated = hs_post(c, hs_upsert, inputs({hs_input("ada@example.com", {{"lastname", "Lovelace"}})}));
  const json::object r2 = updated.json_body().at("results").at(0).as_object();
  EXPECT_FALSE(r2.at("new").as_bool());
  EXPECT_EQ(r2.at("id").as_string(), id);
  const auto contact = hs.contact("ADA@example.com");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->property("firstname"), "Ada");
  EXPECT_EQ(contact->property("lastname"), "Lovelace");
  EXPECT_EQ(contact->property("email"), "ada@example.com");
  EXPECT_EQ(hs.contacts().size(), 1u);
  EXPECT_EQ(hs.calls(hs_call::batch_upsert), 2u);
}

TEST(FakeHubSpot, LifecycleStageMovesForwardOnlyUnlessClearedFirst) {
  fake_hubspot hs;
  client c(hs.port());
  const auto stage = [&](const std::string& value) {
    return hs_post(c, hs_upsert, inputs({hs_input("ada@example.com", {{"lifecyclestage", value}})})).status;
  };
  EXPECT_EQ(stage("marketingqualifiedlead"), 200u);
  EXPECT_EQ(stage("lead"), 200u) << "a backward move is ignored silently";
  EXPECT_EQ(hs.contact("ada@example.com")->property("lifecyclestage"), "marketingqualifiedlead");
  EXPECT_EQ(stage("salesqualifiedlead"), 200u);
  // Clear, then (in a separate request) the earlier value: the documented way back.
  const reply cleared =
      hs_post(c, hs_update,
              inputs({json::object{
                  {"idProperty", "email"}, {"id", "ada@example.com"}, {"properties", {{"lifecyclestage", ""}}}}}));
  EXPECT_EQ(cleared.status, 200u) << cleared.body;
  EXPECT_EQ(stage("lead"), 200u);
  EXPECT_EQ(hs.contact("ada@example.com")->property("lifecyclestage"), "lead");
  EXPECT_EQ(hs.stage_history("ada@example.com"),
            (std::vector<std::string>{"marketingqualifiedlead", "salesqualifiedlead", "", "lead"}));
}

TEST(FakeHubSpot, InvalidInputsComeBackAs207WithTheirTraceIds) {
  fake_hubspot_options options;
  options.allowed_properties = std::set<std::string>{"email", "firstname", "lifecyclestage"};
  fake_hubspot hs(options);
  hs.validation_error({"blocked@example.com"}, "Email is blocked");
  client c(hs.port());
  const reply r = hs_post(c, hs_upsert,
                          inputs({hs_input("good@example.com", {{"lifecyclestage", "lead"}}, "t1"),
                                  hs_input("stage@example.com", {{"lifecyclestage", "hot"}}, "t2"),
                                  hs_input("prop@example.com", {{"shoe_size", "42"}}, "t3"),
                                  hs_input("blocked@example.com", {{"firstname", "B"}}, "t4")}));
  ASSERT_EQ(r.status, 207u) << r.body;
  const json::object body = r.json_body().as_object();
  EXPECT_EQ(body.at("results").as_array().size(), 1u);
  EXPECT_EQ(body.at("numErrors").as_int64(), 3);
  std::map<std::string, json::object> by_trace;
  for (const auto& e : body.at("errors").as_array()) {
    by_trace[std::string(e.at("context").at("objectWriteTraceId").at(0).as_string())] = e.as_object();
  }
  ASSERT_EQ(by_trace.size(), 3u);
  EXPECT_EQ(by_trace["t2"].at("category").as_string(), "VALIDATION_ERROR");
  EXPECT_EQ(by_trace["t2"].at("errors").at(0).at("code").as_string(), "INVALID_OPTION");
  EXPECT_EQ(by_trace["t2"].at("errors").at(0).at("in").as_string(), "lifecyclestage");
  EXPECT_EQ(by_trace["t3"].at("errors").at(0).at("code").as_string(), "PROPERTY_DOESNT_EXIST");
  EXPECT_EQ(by_trace["t4"].at("message").as_string(), "Email is blocked");
  EXPECT_TRUE(hs.contact("good@example.com"));
  EXPECT_FALSE(hs.contact("stage@example.com"));
}

TEST(FakeHubSpot, BatchUpdateNeverCreatesAndBadBatchesAre400) {
  fake_hubspot hs;
  hs.preload("known@example.com", {{"lifecyclestage", "lead"}});
  client c(hs.port());
  const auto update = [](const std::string& email, json::object props) {
    return json::object{{"idProperty", "email"}, {"id", email}, {"properties", std::move(props)}};
  };
  const reply r = hs_post(c, hs_update,
                          inputs({update("known@example.com", {{"firstname", "K"}}),
                                  update("unknown@example.com", {{"firstname", "U"}})}));
  ASSERT_EQ(r.status, 207u) << r.body;
  EXPECT_EQ(r.json_body().at("errors").at(0).at("category").as_string(), "OBJECT_NOT_FOUND");
  EXPECT_FALSE(hs.contact("unknown@example.com"));
  EXPECT_EQ(hs.contact("known@example.com")->property("firstname"), "K");

  const reply dup = hs_post(c, hs_upsert, inputs({hs_input("a@example.com", {}), hs_input("A@example.com", {})}));
  EXPECT_EQ(dup.status, 400u);
  EXPECT_EQ(dup.json_body().at("category").as_string(), "VALIDATION_ERROR");
  json::array many;
  for (int i = 0; i < 101; ++i) {
    many.push_back(hs_input(std::to_string(i).append("@example.com"), {}));
  }
  EXPECT_EQ(hs_post(c, hs_upsert, inputs(many)).status, 400u);
  EXPECT_EQ(hs.contacts().size(), 1u);
}

TEST(FakeHubSpot, SingleReadAndLifecyclePropertyOptions) {
  fake_hubspot hs;
  hs.preload("ada@example.com", {{"lifecyclestage", "customer"}});
  client c(hs.port());
  const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer pat-na1-fake-token"}};
  const reply read =
      c.send(http::verb::get, "/crm/v3/objects/contacts/ada%40example.com?idProperty=email&properties=lifecyclestage",
             {}, auth);
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json_body().at("properties").at("lifecyclestage").as_string(), "customer");
  EXPECT_EQ(c.send(http::verb::get, "/crm/v3/objects/contacts/nobody%40example.com?idProperty=email", {}, auth).status,
            404u);
  const reply prop = c.send(http::verb::get, "/crm/v3/properties/contacts/lifecyclestage", {}, auth);
  const json::array options = prop.json_body().at("options").as_array();
  ASSERT_EQ(options.size(), 8u);
  EXPECT_EQ(options.at(2).at("value").as_string(), "marketingqualifiedlead");
}

TEST(FakeHubSpot, AuthFailuresAndRateLimitHeadersOnEveryResponse) {
  fake_hubspot_options options;
  options.daily_limit = 1000;
  fake_hubspot hs(options);
  client c(hs.port());
  const reply denied = hs_post(c, hs_upsert, inputs({hs_input("a@example.com", {})}), "wrong-token");
  EXPECT_EQ(denied.status, 401u);
  EXPECT_EQ(denied.json_body().at("category").as_string(), "INVALID_AUTHENTICATION");
  EXPECT_FALSE(denied.json_body().at("correlationId").as_string().empty());
  EXPECT_EQ(denied.header("x-hubspot-ratelimit-daily-remaining"), "1000") << "refused calls are free";

  const reply ok = hs_post(c, hs_upsert, inputs({hs_input("a@example.com", {})}));
  EXPECT_EQ(ok.header("x-hubspot-ratelimit-max"), "100");
  EXPECT_EQ(ok.header("x-hubspot-ratelimit-remaining"), "99");
  EXPECT_EQ(ok.header("x-hubspot-ratelimit-interval-milliseconds"), "10000");
  EXPECT_EQ(ok.header("x-hubspot-ratelimit-daily"), "1000");
  EXPECT_EQ(ok.header("x-hubspot-ratelimit-daily-remaining"), "999");
  EXPECT_EQ(hs.daily_remaining(), 999u);
}

TEST(FakeHubSpot, RateLimitBurstsAnswer429WithThePolicy) {
  fake_hubspot hs;
  hs.rate_limit_burst(2, hs_rate_policy::ten_secondly_rolling, "3");
  client c(hs.port());
  const std::string body = inputs({hs_input("a@example.com", {{"lifecyclestage", "lead"}})});
  for (int i = 0; i < 2; ++i) {
    const reply limited = hs_post(c, hs_upsert, body);
    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(limited.header("x-hubspot-ratelimit-remaining"), "0");
    EXPECT_EQ(limited.header("retry-after"), "3");
    EXPECT_EQ(limited.json_body().at("policyName").as_string(), "TEN_SECONDLY_ROLLING");
    EXPECT_EQ(limited.json_body().at("errorType").as_string(), "RATE_LIMIT");
  }
  EXPECT_FALSE(hs.contact("a@example.com")) << "429s write nothing";
  EXPECT_EQ(hs_post(c, hs_upsert, body).status, 200u);

  hs.rate_limit_burst(1, hs_rate_policy::daily);
  const reply daily = hs_post(c, hs_upsert, body);
  EXPECT_EQ(daily.json_body().at("policyName").as_string(), "DAILY");
  EXPECT_EQ(daily.header("x-hubspot-ratelimit-daily-remaining"), "0");
}

TEST(FakeHubSpot, EnforcedRollingWindowRefusesCallsOverTheMax) {
  fake_hubspot_options options;
  options.enforce_rolling_limit = true;
  options.rolling_max = 2;
  options.rolling_interval = 300ms;
  fake_hubspot hs(options);
  client c(hs.port());
  const std::string body = inputs({hs_input("a@example.com", {})});
  EXPECT_EQ(hs_post(c, hs_upsert, body).status, 200u);
  EXPECT_EQ(hs_post(c, hs_upsert, body).status, 200u);
  EXPECT_EQ(hs_post(c, hs_upsert, body).status, 429u);
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(hs_post(c, hs_upsert, body).status, 200u);
}

TEST(FakeHubSpot, WaitForSeesStateChangedByAnotherThread) {
  fake_hubspot hs;
  std::thread sender([&] {
    std::this_thread::sleep_for(50ms);
    client c(hs.port());
    hs_post(c, hs_upsert, inputs({hs_input("late@example.com", {{"lifecyclestage", "customer"}})}));
  });
  EXPECT_TRUE(hs.wait_for([&] { return hs.stage_history("late@example.com").size() == 1; }, 5s));
  sender.join();
  EXPECT_FALSE(hs.wait_for([&] { return hs.contacts().size() == 2; }, 100ms));
}

// ---- TLS ------------------------------------------------------------------------------------------

TEST(FakeTls, ServesHttpsWithTheGeneratedCertificateVerifiedByName) {
  const scratch_dir dir("tls");
  const test_certificate cert(dir.path() / "rsa");
  EXPECT_TRUE(std::filesystem::exists(cert.cert_file()));
  EXPECT_EQ((std::filesystem::status(cert.key_file()).permissions() & std::filesystem::perms::others_read),
            std::filesystem::perms::none);
  fake_salesforce_options options;
  options.tls = cert;
  fake_salesforce sf(options);
  EXPECT_EQ(sf.base_url().substr(0, 8), "https://");

  client by_name(sf.port(), &cert, "localhost");
  const std::string token = client_credentials_token(by_name, sf);
  EXPECT_FALSE(token.empty());
  client by_ip(sf.port(), &cert, "127.0.0.1");
  const reply r = by_ip.send(http::verb::get, "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead", {},
                             {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 200u);

  const test_certificate ec(dir.path() / "ec", test_key_type::ec_p256);
  fake_hubspot_options hs_options;
  hs_options.tls = ec;
  fake_hubspot hs(hs_options);
  client hs_client(hs.port(), &ec);
  EXPECT_EQ(hs_post(hs_client, hs_upsert, inputs({hs_input("a@example.com", {})})).status, 200u);
}

TEST(FakeTls, RefusesAClientThatTrustsAnotherCaOrExpectsAnotherName) {
  const scratch_dir dir("tls-refuse");
  const test_certificate cert(dir.path() / "served");
  const test_certificate stranger(dir.path() / "stranger");
  fake_hubspot_options options;
  options.tls = cert;
  fake_hubspot hs(options);
  EXPECT_THROW(client(hs.port(), &stranger), boost::system::system_error);
  EXPECT_THROW(client(hs.port(), &cert, "api.hubapi.com"), boost::system::system_error);
  EXPECT_NO_THROW(client(hs.port(), &cert));
}

}  // namespace
}  // namespace leadsync::tests
