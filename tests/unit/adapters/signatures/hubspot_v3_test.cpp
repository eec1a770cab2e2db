// HubSpot v3 details beyond the shared cases (wire-formats.md 1.5): the URL
// that is signed, HubSpot's partial URI decoding, '+' arriving as ' ', and
// the public_url option.
#include <algorithm>

#include "signers.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

const std::string secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const std::string body = R"([{"eventId":1,"subscriptionType":"contact.creation","objectId":123}])";
constexpr std::int64_t t = 1'700'000'000;
const core::timestamp now = at_seconds(t);

core::option_values options(std::string public_url = "https://leads.example.com") {
  core::option_values v = with_secrets({secret});
  v.set("public_url", std::move(public_url));
  return v;
}

// A request to `target` signed over `signed_uri`, as HubSpot would.
core::inbound_request signed_over(const std::string& signed_uri, std::string target, std::string method = "POST") {
  const std::string ms = std::to_string(t * 1000);
  return request(body,
                 {{"X-HubSpot-Signature-v3", base64_encode(hmac256(secret, {method + signed_uri, body, ms}))},
                  {"X-HubSpot-Request-Timestamp", ms}},
                 method, std::move(target));
}

TEST(HubSpotV3, SignsPublicUrlPlusPathAndQuery) {
  auto v = make("hubspot-v3", options());
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_over("https://leads.example.com/hooks/hs?a=1", "/hooks/hs?a=1"), now), "ok");
  // What a proxy forwarded (http, internal host) is not what HubSpot signed.
  EXPECT_EQ(outcome(*v, signed_over("http://127.0.0.1:8080/hooks/hs?a=1", "/hooks/hs?a=1"), now), "bad_signature");
  EXPECT_EQ(outcome(*v, signed_over("https://leads.example.com/hooks/hs", "/hooks/hs?a=1"), now), "bad_signature");
}

TEST(HubSpotV3, PublicUrlMayCarryAPathPrefixAndTrailingSlash) {
  auto v = make("hubspot-v3", options("https://example.com/leadsync/"));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, signed_over("https://example.com/leadsync/hooks/hs", "/hooks/hs"), now), "ok");
}

TEST(HubSpotV3, MethodIsSigned) {
  auto v = make("hubspot-v3", options());
  ASSERT_TRUE(v);
  auto r = signed_over("https://leads.example.com/hooks/hs", "/hooks/hs", "GET");
  EXPECT_EQ(outcome(*v, r, now), "ok");
  r.method = "POST";
  EXPECT_EQ(outcome(*v, r, now), "bad_signature");
}

TEST(HubSpotV3, ListedEscapesAreDecodedOthersKept) {
  // HubSpot decodes %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B before
  // signing and leaves every other escape (%20 here) alone.
  auto v = make("hubspot-v3", options());
  ASSERT_TRUE(v);
  const std::string target = "/hooks/hs?email=ada%40example.com&t=a%3Ab%2fc%20d%2C%3b%28x%29%21%24%27%2A%3F";
  EXPECT_EQ(outcome(*v, signed_over("https://leads.example.com/hooks/hs?email=ada@example.com&t=a:b/c%20d,;(x)!$'*?",
                                    target),
                    now),
            "ok");
  EXPECT_EQ(outcome(*v, signed_over("https://leads.example.com" + target, target), now), "bad_signature");
  // A lone or truncated '%' is copied as is.
  EXPECT_EQ(outcome(*v, signed_over("https://leads.example.com/hooks/hs?p=%&q=%4", "/hooks/hs?p=%&q=%4"), now), "ok");
}

TEST(HubSpotV3, SpaceInSignatureIsReadAsPlus) {
  auto v = make("hubspot-v3", options());
  ASSERT_TRUE(v);
  // Find a timestamp whose signature contains '+', then send it with ' '.
  for (std::int64_t ts = t; ts < t + 100; ++ts) {
    const std::string ms = std::to_string(ts * 1000);
    const std::string uri = "POSThttps://leads.example.com/hooks/hs";
    std::string sig = base64_encode(hmac256(secret, {uri, body, ms}));
    if (sig.find('+') == std::string::npos) {
      continue;
    }
    for (char& c : sig) {
      c = c == '+' ? ' ' : c;
    }
    auto r = request(body, {{"X-HubSpot-Signature-v3", sig}, {"X-HubSpot-Request-Timestamp", ms}}, "POST", "/hooks/hs");
    EXPECT_EQ(outcome(*v, r, at_seconds(ts)), "ok");
    return;
  }
  FAIL() << "no signature with '+' in 100 tries";
}

TEST(HubSpotV3, TimestampIsMilliseconds) {
  auto v = make("hubspot-v3", options());
  ASSERT_TRUE(v);
  const std::string seconds = std::to_string(t);
  auto r = request(body,
                   {{"X-HubSpot-Signature-v3",
                     base64_encode(hmac256(secret, {"POSThttps://leads.example.com/hooks/hs", body, seconds}))},
                    {"X-HubSpot-Request-Timestamp", seconds}},
                   "POST", "/hooks/hs");
  EXPECT_EQ(outcome(*v, r, now), "stale_timestamp");  // read as ms: January 1970
}

TEST(HubSpotV3, PublicUrlIsRequiredAndChecked) {
  const auto& specs = builtin().signature("hubspot-v3")->options();
  const auto it = std::find_if(specs.begin(), specs.end(), [](const auto& s) { return s.name == "public_url"; });
  ASSERT_NE(it, specs.end());
  EXPECT_TRUE(it->required);
  for (const char* bad : {"leads.example.com", "ftp://leads.example.com", "https://", "https:///path",
                          "https://leads.example.com/?x=1", "https://leads.example.com/#f", "https://a b"}) {
    const auto errors = create_errors("hubspot-v3", options(bad));
    ASSERT_EQ(errors.size(), 1U) << bad;
    EXPECT_EQ(errors[0].key, "public_url") << bad;
  }
  EXPECT_EQ(create_errors("hubspot-v3", with_secrets({secret})).size(), 1U);  // absent
  EXPECT_TRUE(create_errors("hubspot-v3", options("http://localhost:8080")).empty());
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
