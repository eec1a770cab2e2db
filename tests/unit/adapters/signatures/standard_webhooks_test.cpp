// Standard Webhooks / Svix / Clerk details beyond the shared cases
// (wire-formats.md 1.2, after the standard-webhooks and svix libraries).
#include "signers.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

const std::string key_1 = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string body = R"({"type":"user.created","data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC"}})";
constexpr std::int64_t t = 1'700'000'000;
const core::timestamp now = at_seconds(t);

std::unique_ptr<core::signature_verifier> verifier(std::vector<std::string> secrets = {key_1}) {
  return make("standard-webhooks", with_secrets(std::move(secrets)));
}

std::string header_of(const core::inbound_request& r, std::string_view name) {
  return std::string{r.header(name).value_or("")};
}

TEST(StandardWebhooks, SvixHeadersWinWhenBothSetsAreSent) {
  auto v = verifier();
  ASSERT_TRUE(v);
  const std::string other = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
  const auto merge = [](core::inbound_request a, const core::inbound_request& b) {
    a.headers.insert(a.headers.end(), b.headers.begin(), b.headers.end());
    return a;
  };
  const auto svix_good = sign_standard_webhooks("svix-")(key_1, body, t);
  const auto svix_bad = sign_standard_webhooks("svix-")(other, body, t);
  const auto webhook_good = sign_standard_webhooks("webhook-")(key_1, body, t);
  const auto webhook_bad = sign_standard_webhooks("webhook-")(other, body, t);
  EXPECT_EQ(outcome(*v, merge(svix_good, webhook_bad), now), "ok");
  EXPECT_EQ(outcome(*v, merge(webhook_bad, svix_good), now), "ok");
  EXPECT_EQ(outcome(*v, merge(svix_bad, webhook_good), now), "bad_signature");
}

TEST(StandardWebhooks, OtherVersionsAreSkipped) {
  auto v = verifier();
  ASSERT_TRUE(v);
  auto r = sign_standard_webhooks()(key_1, body, t);
  const std::string good = header_of(r, "webhook-signature");
  r.headers.back().second = "v1a,AAAA v2,abc  " + good + " v1,!!!";
  EXPECT_EQ(outcome(*v, r, now), "ok");
  r.headers.back().second = "v1a," + good.substr(3);
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
}

TEST(StandardWebhooks, MissingIdOrTimestamp) {
  auto v = verifier();
  ASSERT_TRUE(v);
  for (const char* name : {"webhook-id", "webhook-timestamp"}) {
    auto r = sign_standard_webhooks()(key_1, body, t);
    std::erase_if(r.headers, [&](const auto& h) { return h.first == name; });
    EXPECT_EQ(outcome(*v, r, now), "missing_signature") << name;
  }
}

TEST(StandardWebhooks, IdWithDotOrTooLongIsMalformed) {
  auto v = verifier();
  ASSERT_TRUE(v);
  auto r = sign_standard_webhooks()(key_1, body, t);
  r.headers.front().second = "msg.1";
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
  r.headers.front().second = std::string(300, 'm');
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
  r.headers.front().second = "";
  EXPECT_EQ(outcome(*v, r, now), "malformed_signature_header");
}

TEST(StandardWebhooks, SignatureForAnotherIdFails) {
  auto v = verifier();
  ASSERT_TRUE(v);
  auto r = sign_standard_webhooks()(key_1, body, t);
  r.headers.front().second = "msg_other";
  EXPECT_EQ(outcome(*v, r, now), "bad_signature");
}

TEST(StandardWebhooks, KeyIsTheBase64DecodedSecret) {
  // Signing with the UTF-8 of the whsec_ string (Stripe's way) must not verify.
  auto v = verifier();
  ASSERT_TRUE(v);
  auto r = sign_standard_webhooks()(key_1, body, t);
  const std::string wrong = base64_encode(hmac256(key_1, {"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W." + std::to_string(t) + ".", body}));
  r.headers.back().second = "v1," + wrong;
  EXPECT_EQ(outcome(*v, r, now), "bad_signature");
}

TEST(StandardWebhooks, SecretPaddingIsOptional) {
  // The python library appends "==" before decoding, so unpadded secrets work.
  const std::string unpadded = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr";
  auto v = verifier({unpadded});
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, sign_standard_webhooks()("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr==", body, t), now), "ok");
}

TEST(StandardWebhooks, BadSecretsAreConfigErrors) {
  for (const char* bad : {"whsec_", "whsec_not base64!", "whsec_abcde", "whpk_MCowBQYDK2VwAyEA",
                          "whsk_MC4CAQAwBQYDK2VwBCIEI", ""}) {
    const auto errors = create_errors("standard-webhooks", with_secrets({bad}));
    ASSERT_EQ(errors.size(), 1U) << bad;
    EXPECT_EQ(errors[0].key, "secrets");
    if (std::string_view{bad}.size() > 6) {
      EXPECT_EQ(errors[0].message.find(std::string_view{bad}.substr(6)), std::string::npos)
          << "the message must not repeat the secret";
    }
  }
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
