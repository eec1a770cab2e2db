// scheme = "hmac": option checks and the combinations the shared cases do not
// cover (signing itself is in scheme_cases_test.cpp and vectors_test.cpp).
#include <algorithm>

#include "signers.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

core::option_values options(std::initializer_list<std::pair<std::string, std::string>> kv) {
  core::option_values v = with_secrets({"generic-secret"});
  for (const auto& [k, val] : kv) {
    v.set(k, val);
  }
  return v;
}

std::vector<std::string> keys_of(const std::vector<core::option_error>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) {
    out.push_back(e.key);
  }
  return out;
}

TEST(GenericHmac, DefaultsAreSha256HexOverTheBody) {
  auto v = make("hmac", options({{"header", "X-Signature"}}));
  ASSERT_TRUE(v);
  const std::string body = "payload";
  auto r = request(body, {{"X-Signature", hex_encode(hmac256("generic-secret", {body}))}});
  EXPECT_EQ(outcome(*v, r, at_seconds(0)), "ok");
}

TEST(GenericHmac, HeaderNameIsCaseInsensitive) {
  auto v = make("hmac", options({{"header", "X-SIGNATURE"}}));
  ASSERT_TRUE(v);
  auto r = request("b", {{"x-signature", hex_encode(hmac256("generic-secret", {"b"}))}});
  EXPECT_EQ(outcome(*v, r, at_seconds(0)), "ok");
}

TEST(GenericHmac, Sha1Sha512AndTheirLengths) {
  for (const auto& [name, algorithm] : {std::pair{"sha1", digest_algorithm::sha1},
                                        std::pair{"sha256", digest_algorithm::sha256},
                                        std::pair{"sha512", digest_algorithm::sha512}}) {
    auto v = make("hmac", options({{"header", "X-Sig"}, {"algorithm", name}}));
    ASSERT_TRUE(v);
    const std::string mac = hmac(algorithm, "generic-secret", {"b"});
    EXPECT_EQ(outcome(*v, request("b", {{"X-Sig", hex_encode(mac)}}), at_seconds(0)), "ok") << name;
    // The right digest of another algorithm has another length: never equal.
    const auto other = algorithm == digest_algorithm::sha1 ? digest_algorithm::sha256 : digest_algorithm::sha1;
    EXPECT_EQ(outcome(*v, request("b", {{"X-Sig", hex_encode(hmac(other, "generic-secret", {"b"}))}}), at_seconds(0)),
              "bad_signature")
        << name;
  }
}

TEST(GenericHmac, RequiresHeader) {
  const auto& specs = builtin().signature("hmac")->options();
  const auto it = std::find_if(specs.begin(), specs.end(), [](const auto& s) { return s.name == "header"; });
  ASSERT_NE(it, specs.end());
  EXPECT_TRUE(it->required);
  EXPECT_EQ(keys_of(create_errors("hmac", options({}))), std::vector<std::string>{"header"});
  EXPECT_EQ(keys_of(create_errors("hmac", options({{"header", "X Sig"}}))), std::vector<std::string>{"header"});
}

TEST(GenericHmac, UnknownValuesAreErrorsAllAtOnce) {
  const auto errors = create_errors(
      "hmac", options({{"header", "X-Sig"}, {"algorithm", "md5"}, {"encoding", "base32"}, {"signed_content", "all"}}));
  EXPECT_EQ(keys_of(errors), (std::vector<std::string>{"algorithm", "encoding", "signed_content"}));
}

TEST(GenericHmac, TimestampBodyNeedsTimestampHeaderAndAKnownFormat) {
  EXPECT_EQ(keys_of(create_errors("hmac", options({{"header", "X-Sig"}, {"signed_content", "timestamp_body"}}))),
            std::vector<std::string>{"timestamp_header"});
  EXPECT_EQ(keys_of(create_errors("hmac", options({{"header", "X-Sig"},
                                                  {"signed_content", "timestamp_body"},
                                                  {"timestamp_header", "X-Ts"},
                                                  {"timestamp_format", "iso"}}))),
            std::vector<std::string>{"timestamp_format"});
}

TEST(GenericHmac, TimestampOptionsWithoutTimestampBodyAreErrors) {
  core::option_values v = options({{"header", "X-Sig"}, {"timestamp_header", "X-Ts"}, {"separator", ":"}});
  v.set("tolerance_seconds", std::int64_t{60});
  EXPECT_EQ(keys_of(create_errors("hmac", v)),
            (std::vector<std::string>{"timestamp_header", "separator", "tolerance_seconds"}));
}

TEST(GenericHmac, DefaultSeparatorIsADot) {
  auto v = make("hmac", options({{"header", "X-Sig"}, {"signed_content", "timestamp_body"}, {"timestamp_header", "X-Ts"}}));
  ASSERT_TRUE(v);
  auto r = request("b", {{"X-Sig", hex_encode(hmac256("generic-secret", {"1700000000.", "b"}))}, {"X-Ts", "1700000000"}});
  EXPECT_EQ(outcome(*v, r, at_seconds(1700000000)), "ok");
}

TEST(GenericHmac, MillisecondTimestamps) {
  auto v = make("hmac", options({{"header", "X-Sig"},
                                 {"signed_content", "timestamp_body"},
                                 {"timestamp_header", "X-Ts"},
                                 {"timestamp_format", "unix_milliseconds"}}));
  ASSERT_TRUE(v);
  const auto sign = [](const std::string& ts) {
    return request("b", {{"X-Sig", hex_encode(hmac256("generic-secret", {ts + ".", "b"}))}, {"X-Ts", ts}});
  };
  EXPECT_EQ(outcome(*v, sign("1700000000123"), at_seconds(1700000000)), "ok");
  EXPECT_EQ(outcome(*v, sign("1699999699999"), at_seconds(1700000000)), "stale_timestamp");
  EXPECT_EQ(outcome(*v, sign("1700000300001"), at_seconds(1700000000)), "stale_timestamp");
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
