// scheme = "header-token" (Drift's X-Verification-Token, wire-formats.md 1.11).
#include "support.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

const core::timestamp now = at_seconds(1'700'000'000);
const std::string body = R"({"type":"new_message","token":"drift-token-1","orgId":1})";

core::option_values options(std::vector<std::string> tokens, std::string header = "X-Verification-Token") {
  core::option_values v = with_secrets(std::move(tokens));
  v.set("header", std::move(header));
  return v;
}

TEST(HeaderToken, MatchingTokenVerifies) {
  auto v = make("header-token", options({"drift-token-1"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, request(body, {{"X-Verification-Token", "drift-token-1"}}), now), "ok");
}

TEST(HeaderToken, WrongTokenIsBadSignature) {
  auto v = make("header-token", options({"drift-token-1"}));
  ASSERT_TRUE(v);
  for (const char* wrong : {"drift-token-2", "drift-token-", "drift-token-11", "DRIFT-TOKEN-1", " drift-token-1"}) {
    const auto e = v->verify(request(body, {{"X-Verification-Token", wrong}}), now);
    ASSERT_TRUE(e) << wrong;
    EXPECT_EQ(e->code, "bad_signature");
    EXPECT_EQ(e->message.find("drift-token-1"), std::string::npos);
  }
}

TEST(HeaderToken, RotationAcceptsEitherToken) {
  auto v = make("header-token", options({"new-token", "old-token"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, request(body, {{"X-Verification-Token", "old-token"}}), now), "ok");
  EXPECT_EQ(outcome(*v, request(body, {{"X-Verification-Token", "new-token"}}), now), "ok");
}

TEST(HeaderToken, MissingEmptyOrHugeHeader) {
  auto v = make("header-token", options({"drift-token-1"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, request(body, {}), now), "missing_signature");
  EXPECT_EQ(outcome(*v, request(body, {{"X-Other", "drift-token-1"}}), now), "missing_signature");
  EXPECT_EQ(outcome(*v, request(body, {{"X-Verification-Token", ""}}), now), "malformed_signature_header");
  EXPECT_EQ(outcome(*v, request(body, {{"X-Verification-Token", std::string(9000, 'x')}}), now),
            "malformed_signature_header");
}

TEST(HeaderToken, BodyIsNotCoveredByAToken) {
  // A token proves the sender knows it, not that the body is intact: this is
  // the documented limit of the scheme, asserted so nobody relies on more.
  auto v = make("header-token", options({"drift-token-1"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, request("{\"tampered\":true}", {{"X-Verification-Token", "drift-token-1"}}), now), "ok");
}

TEST(HeaderToken, HeaderOptionIsRequiredAndChecked) {
  EXPECT_EQ(create_errors("header-token", with_secrets({"t"})).size(), 1U);
  const auto errors = create_errors("header-token", options({"t"}, "X:Token"));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].key, "header");
  EXPECT_EQ(create_errors("header-token", options({})).size(), 1U);  // no token at all
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
