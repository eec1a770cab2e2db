// Stripe-Signature parsing details beyond the shared cases (wire-formats.md
// 1.1, after stripe-node's parseHeader), and Calendly, which shares the format.
#include "signers.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

const std::string secret = "whsec_test_secret";
const std::string body = R"({"id":"evt_1","object":"event"})";
constexpr std::int64_t t = 1'700'000'000;
const core::timestamp now = at_seconds(t);

std::string v1(std::string_view key, std::int64_t ts = t, const std::string& content = body) {
  return hex_encode(hmac256(key, {std::to_string(ts) + ".", content}));
}

std::string check(const std::string& header_value, const std::vector<std::string>& secrets = {secret}) {
  auto v = make("stripe", with_secrets(secrets));
  EXPECT_TRUE(v);
  return v ? outcome(*v, request(body, {{"Stripe-Signature", header_value}}), now) : "no verifier";
}

TEST(StripeSignature, AnyOfSeveralV1EntriesMayMatch) {
  // While an endpoint secret is rolled, Stripe signs with both and sends both.
  EXPECT_EQ(check("t=1700000000,v1=" + v1("whsec_other") + ",v1=" + v1(secret)), "ok");
  EXPECT_EQ(check("t=1700000000,v1=" + v1(secret) + ",v1=" + v1("whsec_other")), "ok");
}

TEST(StripeSignature, V0AndUnknownItemsAreIgnored) {
  EXPECT_EQ(check("t=1700000000,v0=" + v1(secret) + ",v1=" + v1(secret) + ",x=1,novalue"), "ok");
  // A v0 that matches does not count: only v1 is Stripe's live scheme.
  EXPECT_EQ(check("t=1700000000,v0=" + v1(secret)), "malformed_signature_header");
}

TEST(StripeSignature, ItemOrderAndSpacesDoNotMatter) {
  EXPECT_EQ(check("v1=" + v1(secret) + ", t=1700000000"), "ok");
}

TEST(StripeSignature, KeyIsTheWholeWhsecStringNotItsBase64) {
  // Standard Webhooks would base64-decode "test_secret"; Stripe must not.
  auto v = make("stripe", with_secrets({"whsec_dGVzdA=="}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, request(body, {{"Stripe-Signature", "t=1700000000,v1=" + v1("whsec_dGVzdA==")}}), now), "ok");
  EXPECT_EQ(outcome(*v, request(body, {{"Stripe-Signature", "t=1700000000,v1=" + v1("test")}}), now), "bad_signature");
}

TEST(StripeSignature, UppercaseHexIsTheSameDigest) {
  std::string upper = v1(secret);
  for (char& c : upper) {
    c = (c >= 'a' && c <= 'f') ? static_cast<char>(c - 32) : c;
  }
  EXPECT_EQ(check("t=1700000000,v1=" + upper), "ok");
}

TEST(StripeSignature, MalformedHeaders) {
  const std::string sig = ",v1=" + v1(secret);
  EXPECT_EQ(check("v1=" + v1(secret)), "malformed_signature_header");           // no t
  EXPECT_EQ(check("t=1700000000"), "malformed_signature_header");               // no v1
  EXPECT_EQ(check("t=" + sig), "malformed_signature_header");                   // empty t
  EXPECT_EQ(check("t=17e8" + sig), "malformed_signature_header");               // not digits
  EXPECT_EQ(check("t=-1700000000" + sig), "malformed_signature_header");        // signed
  EXPECT_EQ(check("t=1700000000,t=1700000000" + sig), "malformed_signature_header");  // twice
  EXPECT_EQ(check("t=99999999999999999999" + sig), "malformed_signature_header");     // overflow
  EXPECT_EQ(check("t=1700000000,v1=xyz,v1="), "malformed_signature_header");    // no v1 decodes
  EXPECT_EQ(check("t=1700000000;v1=" + v1(secret)), "malformed_signature_header");  // wrong separator
}

TEST(StripeSignature, UndecodableEntryBesideAGoodOneStillVerifies) {
  EXPECT_EQ(check("t=1700000000,v1=not-hex,v1=" + v1(secret)), "ok");
}

TEST(StripeSignature, SignatureForAnotherTimestampFails) {
  EXPECT_EQ(check("t=1700000001,v1=" + v1(secret)), "bad_signature");
}

TEST(StripeSignature, TruncatedSignatureFails) {
  const std::string full = v1(secret);
  EXPECT_EQ(check("t=1700000000,v1=" + full.substr(0, 62)), "bad_signature");
  EXPECT_EQ(check("t=1700000000,v1=" + full + "00"), "bad_signature");
}

TEST(CalendlySignature, SameFormatOwnHeader) {
  auto v = make("calendly", with_secrets({"calendly_signing_key"}));
  ASSERT_TRUE(v);
  const std::string value = "t=1700000000,v1=" + v1("calendly_signing_key");
  EXPECT_EQ(outcome(*v, request(body, {{"Calendly-Webhook-Signature", value}}), now), "ok");
  EXPECT_EQ(outcome(*v, request(body, {{"Stripe-Signature", value}}), now), "missing_signature");
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
