// The same tampering, rotation, replay and header cases for every HMAC
// scheme: a signed request verifies; a changed body, a wrong secret, a
// timestamp outside the window (either way), a missing or malformed header do
// not, each with its own error code; with old and new secrets configured, a
// request signed with either verifies.
#include <ostream>

#include "signers.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

using enum signature_encoding;
using enum digest_algorithm;

struct scheme_case {
  std::string name;
  std::string scheme;
  core::option_values options;  // all but the secrets
  std::string old_secret;
  std::string new_secret;
  signer sign;
  std::string signature_header;     // lower-case
  std::string malformed_signature;  // a value of it that does not parse
  bool timestamped = false;
  std::string timestamp_header;     // lower-case; empty when there is none of its own
  std::string malformed_timestamp;  // a value of it that does not parse
};

void PrintTo(const scheme_case& c, std::ostream* os) { *os << c.name; }

core::option_values opts(std::initializer_list<std::pair<std::string, std::string>> kv) {
  core::option_values v;
  for (const auto& [k, val] : kv) {
    v.set(k, val);
  }
  return v;
}

std::vector<scheme_case> cases() {
  const std::string hubspot_target = "/hooks/hubspot?portal=62515&note=a%3Ab";
  return {
      {"stripe", "stripe", {}, "whsec_old", "whsec_new", sign_timestamp_list("Stripe-Signature"),
       "stripe-signature", "v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd", true, "", ""},
      {"calendly", "calendly", {}, "old-signing-key", "new-signing-key",
       sign_timestamp_list("Calendly-Webhook-Signature"), "calendly-webhook-signature", "t=1700000000", true, "", ""},
      {"standard_webhooks", "standard-webhooks", {}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
       "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", sign_standard_webhooks(), "webhook-signature",
       "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==", true,
       "webhook-timestamp", "1614265330.5"},
      {"standard_webhooks_svix_headers", "standard-webhooks", {}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
       "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", sign_standard_webhooks("svix-"), "svix-signature",
       "v1 g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", true, "svix-timestamp", "yesterday"},
      {"typeform", "typeform", {}, "old-typeform", "new-typeform",
       sign_body("Typeform-Signature", "sha256=", sha256, base64), "typeform-signature", "sha256=not base64!", false, "", ""},
      {"intercom", "intercom", {}, "old-client-secret", "new-client-secret",
       sign_body("X-Hub-Signature", "sha1=", sha1, hex), "x-hub-signature", "sha256=9c2676506d3c2009e0964e8367b200fc7c22f78d", false, "", ""},
      {"github", "github", {}, "old-gh", "new-gh", sign_body("X-Hub-Signature-256", "sha256=", sha256, hex),
       "x-hub-signature-256", "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bdaz", false, "", ""},
      {"segment", "segment", {}, "old-shared", "new-shared", sign_body("X-Signature", "", sha1, hex), "x-signature",
       "f70be69e9097033f26564ef57fbd9a891b914da", false, "", ""},
      {"tally", "tally", {}, "old-tally", "new-tally", sign_body("Tally-Signature", "", sha256, base64),
       "tally-signature", "L/ySV97c5lNmfP97FK2bAwSE9QoGEkIq4y9zr0sC3to", false, "", ""},
      {"slack", "slack", {}, "old-slack", "new-slack", sign_slack(), "x-slack-signature",
       "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", true, "x-slack-request-timestamp",
       "1531420618.0"},
      {"zendesk", "zendesk", {}, "old-zendesk", "new-zendesk", sign_zendesk(), "x-zendesk-webhook-signature",
       "sha256=I/RiWX8ZFCzsefezLcw6U8pj+t0fUn80a6oHHxQ0zgA=", true, "x-zendesk-webhook-signature-timestamp",
       "1623964015"},
      {"webflow", "webflow", {}, "old-webflow", "new-webflow", sign_webflow(), "x-webflow-signature", "c6ea-82",
       true, "x-webflow-timestamp", "2023-11-14T22:13:20Z"},
      {"hubspot_v3", "hubspot-v3", opts({{"public_url", "https://leads.example.com/"}}), "old-client-secret",
       "new-client-secret", sign_hubspot("https://leads.example.com", hubspot_target, "/hooks/hubspot?portal=62515&note=a:b"), "x-hubspot-signature-v3",
       "K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y", true, "x-hubspot-request-timestamp", "-1693657560000"},
      {"hmac_body_sha512_base64", "hmac",
       opts({{"header", "X-Sig"}, {"prefix", "sha512="}, {"algorithm", "sha512"}, {"encoding", "base64"}}),
       "old-generic", "new-generic", sign_body("X-Sig", "sha512=", sha512, base64), "x-sig", "sha512=", false, "", ""},
      {"hmac_timestamp_body", "hmac",
       opts({{"header", "X-Sig"}, {"signed_content", "timestamp_body"}, {"timestamp_header", "X-Ts"},
             {"separator", "|"}}),
       "old-generic", "new-generic",
       [](const std::string& secret, const std::string& body, std::int64_t ts) {
         const std::string t = std::to_string(ts);
         return request(body, {{"X-Sig", hex_encode(hmac256(secret, {t + "|", body}))}, {"X-Ts", t}});
       },
       "x-sig", "0x12", true, "x-ts", ""},
  };
}

const core::timestamp now = at_seconds(1'700'000'000);
constexpr std::int64_t now_s = 1'700'000'000;
const std::string body = R"({"id":"evt_1","email":"ada@example.com"})";

class EveryScheme : public ::testing::TestWithParam<scheme_case> {
 protected:
  std::unique_ptr<core::signature_verifier> make_with(std::vector<std::string> secrets) const {
    return make(GetParam().scheme, with_secrets(std::move(secrets), GetParam().options));
  }
  core::inbound_request signed_by(const std::string& secret, std::int64_t ts = now_s,
                                  const std::string& content = body) const {
    return GetParam().sign(secret, content, ts);
  }
  static void set_header(core::inbound_request& r, const std::string& name, std::string value) {
    for (auto& [n, v] : r.headers) {
      if (n == name) {
        v = std::move(value);
        return;
      }
    }
    ADD_FAILURE() << "no header " << name;
  }
  static void drop_header(core::inbound_request& r, const std::string& name) {
    std::erase_if(r.headers, [&](const auto& h) { return h.first == name; });
  }
};

// Cases for schemes with a timestamp, and for those with a header of its own.
class EveryTimestampedScheme : public EveryScheme {};
class EveryTimestampHeader : public EveryScheme {};

TEST_P(EveryScheme, SignedRequestVerifies) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret), now), "ok");
}

TEST_P(EveryScheme, EmptyBodyVerifies) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s, ""), now), "ok");
}

TEST_P(EveryScheme, TamperedBodyIsBadSignature) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().new_secret);
  r.body.replace(r.body.find("ada"), 3, "eve");
  EXPECT_EQ(outcome(*v, r, now), "bad_signature");
  r.body = body + " ";
  EXPECT_EQ(outcome(*v, r, now), "bad_signature");
}

TEST_P(EveryScheme, WrongSecretIsBadSignature) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().old_secret), now), "bad_signature");
}

TEST_P(EveryScheme, RotationAcceptsOldAndNewSecret) {
  auto v = make_with({GetParam().new_secret, GetParam().old_secret});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().old_secret), now), "ok");
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret), now), "ok");
}

TEST_P(EveryTimestampedScheme, StaleTimestampIsRefused) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s - 300), now), "ok");  // edge of the window
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s - 301), now), "stale_timestamp");
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s - 86'400), now), "stale_timestamp");
}

TEST_P(EveryTimestampedScheme, FutureTimestampIsRefused) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s + 300), now), "ok");
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s + 301), now), "stale_timestamp");
}

TEST_P(EveryTimestampedScheme, ToleranceIsConfigurable) {
  core::option_values o = with_secrets({GetParam().new_secret}, GetParam().options);
  o.set("tolerance_seconds", std::int64_t{60});
  auto v = make(GetParam().scheme, o);
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s - 60), now), "ok");
  EXPECT_EQ(outcome(*v, signed_by(GetParam().new_secret, now_s - 61), now), "stale_timestamp");
}

TEST_P(EveryTimestampHeader, SignatureOfAnotherTimestampIsBadSignature) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().new_secret, now_s);
  const auto other = signed_by(GetParam().new_secret, now_s - 1);
  set_header(r, GetParam().timestamp_header, std::string{*other.header(GetParam().timestamp_header)});
  EXPECT_EQ(outcome(*v, r, now), "bad_signature");
}

TEST_P(EveryScheme, MissingSignatureHeader) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().new_secret);
  drop_header(r, GetParam().signature_header);
  EXPECT_EQ(outcome(*v, r, now), "missing_signature");
  r.headers.clear();
  EXPECT_EQ(outcome(*v, r, now), "missing_signature");
}

TEST_P(EveryTimestampHeader, MissingTimestampHeader) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().new_secret);
  drop_header(r, GetParam().timestamp_header);
  EXPECT_EQ(outcome(*v, r, now), "missing_signature");
}

TEST_P(EveryScheme, MalformedSignatureHeader) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().new_secret);
  set_header(r, GetParam().signature_header, GetParam().malformed_signature);
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
  set_header(r, GetParam().signature_header, "");
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
  set_header(r, GetParam().signature_header, std::string(10'000, 'a'));
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
}

TEST_P(EveryTimestampHeader, MalformedTimestampHeader) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().new_secret);
  set_header(r, GetParam().timestamp_header, GetParam().malformed_timestamp);
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
}

TEST_P(EveryScheme, ErrorsNeverContainTheSecret) {
  auto v = make_with({GetParam().new_secret});
  ASSERT_TRUE(v);
  auto r = signed_by(GetParam().old_secret);
  const auto e = v->verify(r, now);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message.find(GetParam().new_secret), std::string::npos);
  EXPECT_EQ(e->message.find(GetParam().old_secret), std::string::npos);
}

std::vector<scheme_case> cases_where(bool (*keep)(const scheme_case&)) {
  auto all = cases();
  std::erase_if(all, [&](const scheme_case& c) { return !keep(c); });
  return all;
}

std::string case_name(const ::testing::TestParamInfo<scheme_case>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Signatures, EveryScheme, ::testing::ValuesIn(cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Signatures, EveryTimestampedScheme,
                         ::testing::ValuesIn(cases_where([](const scheme_case& c) { return c.timestamped; })),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Signatures, EveryTimestampHeader,
                         ::testing::ValuesIn(cases_where([](const scheme_case& c) {
                           return !c.timestamp_header.empty();
                         })),
                         case_name);

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
