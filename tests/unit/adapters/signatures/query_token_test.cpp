// scheme = "query-token": a shared token in the URL the tool calls (Crisp
// website hooks, which sign nothing and let you set only the URL).
#include "support.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

const core::timestamp now = at_seconds(1'700'000'000);
const std::string body = R"({"event":"message:send","data":{"session_id":"s1"}})";

core::option_values options(std::vector<std::string> tokens, std::string parameter = "token") {
  core::option_values v = with_secrets(std::move(tokens));
  v.set("parameter", std::move(parameter));
  return v;
}

core::inbound_request to(std::string target) { return request(body, {}, "POST", std::move(target)); }

TEST(QueryToken, MatchingTokenVerifies) {
  auto v = make("query-token", options({"s3cret-token"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?token=s3cret-token"), now), "ok");
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?a=1&token=s3cret-token&b=2"), now), "ok");
}

TEST(QueryToken, PercentEncodedTokenIsDecoded) {
  auto v = make("query-token", options({"a/b+c d"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?token=a%2Fb%2Bc%20d"), now), "ok");
}

TEST(QueryToken, WrongOrMissingToken) {
  auto v = make("query-token", options({"s3cret-token"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?token=s3cret-tokeN"), now), "bad_signature");
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?tok=s3cret-token"), now), "missing_signature");
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?token="), now), "missing_signature");
  EXPECT_EQ(outcome(*v, to("/hooks/crisp"), now), "missing_signature");
  // A token in a header does not count.
  EXPECT_EQ(outcome(*v, request(body, {{"token", "s3cret-token"}}, "POST", "/hooks/crisp"), now),
            "missing_signature");
  const auto e = v->verify(to("/hooks/crisp?token=nope"), now);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message.find("s3cret-token"), std::string::npos);
}

TEST(QueryToken, RotationAcceptsEitherToken) {
  auto v = make("query-token", options({"new-token", "old-token"}));
  ASSERT_TRUE(v);
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?token=old-token"), now), "ok");
  EXPECT_EQ(outcome(*v, to("/hooks/crisp?token=new-token"), now), "ok");
}

TEST(QueryToken, ParameterMustBeAName) {
  EXPECT_EQ(describe(create_errors("query-token", options({"t"}, "to ken"))),
            "parameter: expected a query parameter name such as \"token\"\n");
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
