// What every signature factory shares: it is registered, declares its
// options, and reads secrets from config and the environment with errors that
// name the variable but never the value.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "support.hpp"

namespace leadsync::adapters::signatures::testing {
namespace {

const std::vector<std::string> all_schemes{"calendly", "github",      "header-token", "hmac",
                                           "hubspot-v3", "intercom", "query-token", "segment",
                                           "slack",    "standard-webhooks", "stripe", "tally",
                                           "typeform", "webflow",     "zendesk"};

// Sets an environment variable for the life of one test.
class scoped_env {
 public:
  scoped_env(std::string name, const char* value) : name_(std::move(name)) {
    if (value == nullptr) {
      ::unsetenv(name_.c_str());
    } else {
      ::setenv(name_.c_str(), value, 1);
    }
  }
  ~scoped_env() { ::unsetenv(name_.c_str()); }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  std::string name_;
};

bool declares(std::string_view scheme, std::string_view option) {
  const auto& specs = builtin().signature(scheme)->options();
  return std::any_of(specs.begin(), specs.end(), [&](const auto& s) { return s.name == option; });
}

core::option_values from_env(std::vector<std::string> names) {
  core::option_values v;
  v.set("secrets_env", std::move(names));
  return v;
}

TEST(SignatureFactories, EverySchemeIsRegistered) {
  EXPECT_EQ(builtin().signature_schemes(), all_schemes);
  for (const auto& name : all_schemes) {
    const auto* f = builtin().signature(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->scheme(), name);
    EXPECT_FALSE(f->description().empty()) << name;
    EXPECT_TRUE(declares(name, "secrets")) << name;
    EXPECT_TRUE(declares(name, "secrets_env")) << name;
    EXPECT_TRUE(declares(name, "secrets_file")) << name;
  }
}

TEST(SignatureFactories, ToleranceOnlyWhereThereIsATimestamp) {
  for (const char* s : {"stripe", "calendly", "standard-webhooks", "hubspot-v3", "slack", "zendesk", "webflow", "hmac"}) {
    EXPECT_TRUE(declares(s, "tolerance_seconds")) << s;
  }
  for (const char* s : {"typeform", "intercom", "github", "segment", "tally", "header-token", "query-token"}) {
    EXPECT_FALSE(declares(s, "tolerance_seconds")) << s;
  }
}

TEST(SignatureFactories, NoSecretAtAllIsAnError) {
  for (const auto& name : all_schemes) {
    core::option_values v;
    v.set("header", std::string{"X-Sig"});
    v.set("parameter", std::string{"token"});
    v.set("public_url", std::string{"https://leads.example.com"});
    const auto errors = create_errors(name, v);
    ASSERT_EQ(errors.size(), 1U) << name;
    EXPECT_EQ(errors[0].key, "secrets") << name;
    v.set("secrets", std::vector<std::string>{});
    v.set("secrets_env", std::vector<std::string>{});
    v.set("secrets_file", std::vector<std::string>{});
    EXPECT_EQ(create_errors(name, v).size(), 1U) << name;
  }
}

TEST(SignatureFactories, SecretsFromTheEnvironmentVerify) {
  const scoped_env env("LEADSYNC_TEST_GITHUB_SECRET", "It's a Secret to Everybody");
  auto v = make("github", from_env({"LEADSYNC_TEST_GITHUB_SECRET"}));
  ASSERT_TRUE(v);
  // [VERIFIED] GitHub docs vector (wire-formats.md 1.7).
  auto r = request("Hello, World!",
                   {{"X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}});
  EXPECT_EQ(outcome(*v, r, at_seconds(0)), "ok");
}

TEST(SignatureFactories, SecretsFromFilesVerifyAndUnreadableFilesAreNamed) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/leadsync-github-secret";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("It's a Secret to Everybody\n", f);  // as `echo` writes it: the newline is dropped
    std::fclose(f);
  }
  core::option_values o;
  o.set("secrets_file", std::vector<std::string>{path});
  auto v = make("github", o);
  ASSERT_TRUE(v);
  auto r = request("Hello, World!",
                   {{"X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}});
  EXPECT_EQ(outcome(*v, r, at_seconds(0)), "ok");
  std::remove(path.c_str());

  core::option_values missing;
  missing.set("secrets_file", std::vector<std::string>{dir + "/no-such-secret"});
  const auto errors = create_errors("github", missing);
  ASSERT_EQ(errors.size(), 1U) << describe(errors);
  EXPECT_EQ(errors[0].key, "secrets_file");
  EXPECT_NE(errors[0].message.find("no-such-secret"), std::string::npos);
}

TEST(SignatureFactories, LiteralAndEnvironmentSecretsCombineForRotation) {
  const scoped_env env("LEADSYNC_TEST_SLACK_OLD", "8f742231b10e8888abcd99yyyzzz85a5");
  core::option_values o = from_env({"LEADSYNC_TEST_SLACK_OLD"});
  o.set("secrets", std::vector<std::string>{"a-brand-new-signing-secret"});
  auto v = make("slack", o);
  ASSERT_TRUE(v);
  // [VERIFIED] Slack's example (wire-formats.md 1.6), signed with the old secret.
  auto r = request(
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
      "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack."
      "com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
      "803a0bc887a14d10d2c447fce8b6703c",
      {{"X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"},
       {"X-Slack-Request-Timestamp", "1531420618"}});
  EXPECT_EQ(outcome(*v, r, at_seconds(1531420618)), "ok");
}

TEST(SignatureFactories, UnsetEnvironmentVariableIsNamed) {
  const scoped_env env("LEADSYNC_TEST_UNSET", nullptr);
  const auto errors = create_errors("typeform", from_env({"LEADSYNC_TEST_UNSET"}));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].key, "secrets_env");
  EXPECT_EQ(errors[0].message, "environment variable LEADSYNC_TEST_UNSET is not set");
}

TEST(SignatureFactories, EveryBadSecretIsReportedWithoutItsValue) {
  const scoped_env empty("LEADSYNC_TEST_EMPTY", "");
  const scoped_env newline("LEADSYNC_TEST_NEWLINE", "hunter2-secret\n");
  core::option_values o = from_env({"LEADSYNC_TEST_EMPTY", "LEADSYNC_TEST_NEWLINE", ""});
  o.set("secrets", std::vector<std::string>{"ok-secret", "", " hunter3-secret"});
  const auto errors = create_errors("tally", o);
  ASSERT_EQ(errors.size(), 5U) << describe(errors);
  EXPECT_EQ(errors[0].key, "secrets");
  EXPECT_NE(errors[0].message.find("secrets[1]"), std::string::npos);
  EXPECT_NE(errors[1].message.find("secrets[2]"), std::string::npos);
  EXPECT_EQ(errors[2].key, "secrets_env");
  EXPECT_NE(errors[2].message.find("LEADSYNC_TEST_EMPTY is empty"), std::string::npos);
  EXPECT_NE(errors[3].message.find("LEADSYNC_TEST_NEWLINE has leading or trailing whitespace"), std::string::npos);
  for (const auto& e : errors) {
    EXPECT_EQ(e.message.find("hunter"), std::string::npos) << e.message;
  }
}

TEST(SignatureFactories, WhsecEnvironmentSecretMustBeBase64) {
  const scoped_env env("LEADSYNC_TEST_SVIX", "whsec_%%%%");
  const auto errors = create_errors("standard-webhooks", from_env({"LEADSYNC_TEST_SVIX"}));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].key, "secrets_env");
  EXPECT_NE(errors[0].message.find("LEADSYNC_TEST_SVIX"), std::string::npos);
  EXPECT_EQ(errors[0].message.find("%%%%"), std::string::npos);
}

TEST(SignatureFactories, ToleranceMustBePositiveAndBounded) {
  for (const std::int64_t bad : {std::int64_t{0}, std::int64_t{-5}, std::int64_t{86'401}}) {
    core::option_values o = with_secrets({"s"});
    o.set("tolerance_seconds", bad);
    const auto errors = create_errors("slack", o);
    ASSERT_EQ(errors.size(), 1U) << bad;
    EXPECT_EQ(errors[0].key, "tolerance_seconds");
  }
}

}  // namespace
}  // namespace leadsync::adapters::signatures::testing
