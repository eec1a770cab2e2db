// ${VAR} interpolation: the expansion rules on their own (with a scripted
// environment), then through the loader: located errors naming the variable,
// never its value, and values that reach the adapters' options.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/interpolation.hpp"
#include "tests/unit/config/test_registry.hpp"

namespace leadsync::config {
namespace {

using testing::load;
using testing::messages;
using lines = std::vector<std::string>;

// An environment holding exactly `vars`; records every name looked up.
struct scripted_environment {
  std::map<std::string, std::string> vars;
  std::vector<std::string> looked_up;

  environment get() {
    return [this](std::string_view name) -> std::optional<std::string> {
      looked_up.emplace_back(name);
      const auto it = vars.find(std::string{name});
      if (it == vars.end()) {
        return std::nullopt;
      }
      return it->second;
    };
  }
};

std::string expanded(std::string_view text, std::map<std::string, std::string> vars = {}) {
  scripted_environment env{std::move(vars), {}};
  const expansion e = expand_variables(text, env.get());
  EXPECT_FALSE(e.error) << text << ": " << e.error.value_or("");
  return e.value;
}

std::string error_of(std::string_view text, std::map<std::string, std::string> vars = {}) {
  scripted_environment env{std::move(vars), {}};
  const expansion e = expand_variables(text, env.get());
  EXPECT_TRUE(e.error) << text << " expanded to " << e.value;
  EXPECT_EQ(e.value, "");
  return e.error.value_or("");
}

// Sets a process environment variable for one test and restores it after.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = ::getenv(name)) {
      old_ = old;
    }
    if (value == nullptr) {
      ::unsetenv(name);
    } else {
      ::setenv(name, value, 1);
    }
  }
  ~scoped_env() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

TEST(Interpolation, TextWithoutVariablesIsUnchanged) {
  EXPECT_EQ(expanded(""), "");
  EXPECT_EQ(expanded("plain text: {braces} and } alone"), "plain text: {braces} and } alone");
}

TEST(Interpolation, ReplacesVariables) {
  const std::map<std::string, std::string> vars{{"HOST", "crm.example.com"}, {"PORT", "8443"}, {"_x1", "y"}};
  EXPECT_EQ(expanded("${HOST}", vars), "crm.example.com");
  EXPECT_EQ(expanded("https://${HOST}:${PORT}/hook", vars), "https://crm.example.com:8443/hook");
  EXPECT_EQ(expanded("${_x1}${_x1}", vars), "yy");
}

TEST(Interpolation, ValueIsInsertedLiterally) {
  // A value that looks like a reference, or holds TOML syntax, is not looked at again.
  EXPECT_EQ(expanded("[${A}]", {{"A", "${B} \"quoted\"\n$$"}, {"B", "never"}}), "[${B} \"quoted\"\n$$]");
}

TEST(Interpolation, SetButEmptyVariableIsEmpty) { EXPECT_EQ(expanded("a${E}b", {{"E", ""}}), "ab"); }

TEST(Interpolation, DollarDollarIsOneDollar) {
  EXPECT_EQ(expanded("$$"), "$");
  EXPECT_EQ(expanded("pa$$word"), "pa$word");
  EXPECT_EQ(expanded("$${NOT_A_VARIABLE}"), "${NOT_A_VARIABLE}");
  EXPECT_EQ(expanded("$$$$"), "$$");
}

TEST(Interpolation, OtherDollarsAreKept) {
  EXPECT_EQ(expanded("$"), "$");
  EXPECT_EQ(expanded("cost: 5$ or $5, $HOME, ^a$"), "cost: 5$ or $5, $HOME, ^a$");
}

TEST(Interpolation, DefaultWhenUnsetOrEmpty) {
  EXPECT_EQ(expanded("${MISSING:-fallback}"), "fallback");
  EXPECT_EQ(expanded("${EMPTY:-fallback}", {{"EMPTY", ""}}), "fallback");
  EXPECT_EQ(expanded("${SET:-fallback}", {{"SET", "value"}}), "value");
  EXPECT_EQ(expanded("x${MISSING:-}y"), "xy");
  EXPECT_EQ(expanded("${MISSING:-a:-b $ $$ {c}"), "a:-b $ $ {c");
}

TEST(Interpolation, DefaultMayReferToVariables) {
  const std::map<std::string, std::string> vars{{"STATE_DIRECTORY", "/var/lib/leadsync"}};
  EXPECT_EQ(expanded("${LEADSYNC_DB:-${STATE_DIRECTORY}/leadsync.db}", vars), "/var/lib/leadsync/leadsync.db");
  EXPECT_EQ(expanded("${A:-${B:-${C:-deep}}}!"), "deep!");
}

TEST(Interpolation, UnusedDefaultIsNotLookedUp) {
  scripted_environment env{{{"SET", "v"}}, {}};
  const expansion e = expand_variables("${SET:-${UNSET}}", env.get());
  EXPECT_FALSE(e.error) << *e.error;
  EXPECT_EQ(e.value, "v");
  EXPECT_EQ(env.looked_up, (std::vector<std::string>{"SET"}));
}

TEST(Interpolation, UnsetVariableIsNamed) {
  EXPECT_EQ(error_of("${LEADSYNC_SF_SECRET}"), "environment variable LEADSYNC_SF_SECRET is not set");
  EXPECT_EQ(error_of("${A}/${B}", {{"A", "a"}}), "environment variable B is not set");
  EXPECT_EQ(error_of("${A:-${B}}"), "environment variable B is not set");
}

TEST(Interpolation, MalformedReferencesAreErrors) {
  EXPECT_EQ(error_of("${}"),
            "`${` must be followed by an environment variable name (letters, digits and _, not starting with a "
            "digit); write $$ for a literal $");
  EXPECT_NE(error_of("${1X}").find("must be followed by an environment variable name"), std::string::npos);
  EXPECT_NE(error_of("${ X}").find("must be followed by an environment variable name"), std::string::npos);
  EXPECT_EQ(error_of("${X"), "`${X` has no closing `}`");
  EXPECT_EQ(error_of("${X-default}"), "`${X` must be followed by `}` or `:-default}`");
  EXPECT_EQ(error_of("${X Y}"), "`${X` must be followed by `}` or `:-default}`");
  EXPECT_EQ(error_of("${X:-open"), "`${X:-` has no closing `}`");
  EXPECT_EQ(error_of("${X:-${Y:-a}"), "`${X:-` has no closing `}`");
}

TEST(Interpolation, ErrorsNeverHoldValues) {
  const std::string secret = "s3cr3t-value";
  for (const std::string text : {"${SECRET}${MISSING}", "${SECRET}${", "${SECRET}${SECRET:-x"}) {
    const std::string message = error_of(text, {{"SECRET", secret}});
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
}

TEST(Interpolation, ProcessEnvironmentReadsGetenv) {
  const scoped_env set{"LEADSYNC_TEST_INTERPOLATION", "from the process"};
  const scoped_env unset{"LEADSYNC_TEST_INTERPOLATION_UNSET", nullptr};
  const environment env = process_environment();
  EXPECT_EQ(env("LEADSYNC_TEST_INTERPOLATION"), "from the process");
  EXPECT_EQ(env("LEADSYNC_TEST_INTERPOLATION_UNSET"), std::nullopt);
}

TEST(ConfigInterpolation, StringValuesAreExpandedEverywhere) {
  const scoped_env dir{"LEADSYNC_TEST_DIR", "/srv/leadsync"};
  const scoped_env url{"LEADSYNC_TEST_URL", "http://127.0.0.1:9000/x"};
  const load_result r = load(
      "[storage]\npath = \"${LEADSYNC_TEST_DIR}/leadsync.db\"\n"
      "[log]\nlevel = \"${LEADSYNC_TEST_LEVEL:-warn}\"\n"
      "[sources.form]\nformat = \"form\"\nsecret = \"pa$$word\"\nallowed_ips = [\"${LEADSYNC_TEST_IP:-10.0.0.1}\"]\n"
      "[connectors.crm]\ntype = \"http\"\nurl = \"${LEADSYNC_TEST_URL}\"\n"
      "headers = { Authorization = \"Bearer ${LEADSYNC_TEST_DIR}\" }\n");
  ASSERT_TRUE(r.value) << ::testing::PrintToString(messages(r));
  EXPECT_EQ(r.value->storage.path, "/srv/leadsync/leadsync.db");
  EXPECT_EQ(r.value->log.level, "warn");
  ASSERT_EQ(r.value->sources.size(), 1U);
  EXPECT_EQ(r.value->sources[0].options.string_or("secret", ""), "pa$word");
  EXPECT_EQ(r.value->sources[0].options.list_or_empty("allowed_ips"), (std::vector<std::string>{"10.0.0.1"}));
  ASSERT_EQ(r.value->connectors.size(), 1U);
  EXPECT_EQ(r.value->connectors[0].options.string_or("url", ""), "http://127.0.0.1:9000/x");
  EXPECT_EQ(r.value->connectors[0].options.map_or_empty("headers"),
            (core::string_map{{"Authorization", "Bearer /srv/leadsync"}}));
}

TEST(ConfigInterpolation, KeysAndCommentsAreNotExpanded) {
  const scoped_env unset{"LEADSYNC_TEST_UNSET", nullptr};
  // The comment's reference is not an error; a key holding "${" is just an unknown key.
  const load_result r = load("# path = \"${LEADSYNC_TEST_UNSET}\"\n[server]\n\"${LEADSYNC_TEST_UNSET}\" = 1\n");
  EXPECT_EQ(messages(r), (lines{"t.toml:3:1: server.\"${LEADSYNC_TEST_UNSET}\": unknown key (known keys: "
                                "listen_address, listen_port, io_threads, max_body_bytes, idle_timeout_seconds, "
                                "shutdown_timeout_seconds, header_timeout_seconds, body_timeout_seconds, "
                                "max_connections, max_header_bytes, tls)"}));
}

TEST(ConfigInterpolation, EveryUnsetVariableIsReportedWithItsLocation) {
  const scoped_env a{"LEADSYNC_TEST_A", nullptr};
  const scoped_env b{"LEADSYNC_TEST_B", nullptr};
  const load_result r = load(
      "[storage]\npath = \"${LEADSYNC_TEST_A}/db\"\n"
      "[server]\nlisten_prot = 1\n"
      "[connectors.crm]\ntype = \"http\"\nurl = \"http://127.0.0.1/\"\n"
      "headers = { X = \"x\", Y = \"${LEADSYNC_TEST_B}\" }\n");
  EXPECT_FALSE(r.value);
  EXPECT_EQ(messages(r), (lines{"t.toml:2:8: storage.path: environment variable LEADSYNC_TEST_A is not set",
                                "t.toml:4:1: server.listen_prot: unknown key; did you mean `listen_port`?",
                                "t.toml:8:26: connectors.crm.headers.Y: environment variable LEADSYNC_TEST_B is not "
                                "set"}));
}

TEST(ConfigInterpolation, ArrayElementsAreNamedByIndex) {
  const scoped_env unset{"LEADSYNC_TEST_IP", nullptr};
  const load_result r = load(
      "[sources.form]\nformat = \"form\"\nsecret = \"s\"\nallowed_ips = [\"10.0.0.1\", \"${LEADSYNC_TEST_IP}\"]\n");
  EXPECT_EQ(messages(r),
            (lines{"t.toml:4:28: sources.form.allowed_ips[1]: environment variable LEADSYNC_TEST_IP is not set"}));
}

TEST(ConfigInterpolation, NoFollowUpErrorsForAnUnexpandedValue) {
  // The fake form factory rejects map values not starting with '/': the raw
  // "${...}" would be rejected too, but only the variable is the problem.
  const scoped_env unset{"LEADSYNC_TEST_POINTER", nullptr};
  const load_result r = load(
      "[sources.form]\nformat = \"form\"\nsecret = \"s\"\nmap = { email = \"${LEADSYNC_TEST_POINTER}\", "
      "name = \"bad\" }\n");
  EXPECT_EQ(messages(r),
            (lines{"t.toml:4:17: sources.form.map.email: environment variable LEADSYNC_TEST_POINTER is not set",
                   "t.toml:4:45: sources.form.map.name: expected a JSON pointer starting with `/`, got `bad`"}));
}

TEST(ConfigInterpolation, ValueNeverInMessages) {
  const scoped_env secret{"LEADSYNC_TEST_SECRET", "hunter2-secret"};
  const scoped_env unset{"LEADSYNC_TEST_UNSET", nullptr};
  const load_result r = load("[server]\nlisten_address = \"${LEADSYNC_TEST_SECRET}${LEADSYNC_TEST_UNSET}\"\n"
                             "idle_timeout_seconds = \"${LEADSYNC_TEST_SECRET}\"\n");
  ASSERT_FALSE(r.value);
  for (const std::string& m : messages(r)) {
    EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
  }
  EXPECT_EQ(messages(r).front(),
            "t.toml:2:18: server.listen_address: environment variable LEADSYNC_TEST_UNSET is not set");
}

TEST(ConfigInterpolation, MalformedReferenceIsLocated) {
  const load_result r = load("[log]\nlevel = \"${LEADSYNC_TEST_LEVEL\"\n");
  EXPECT_EQ(messages(r), (lines{"t.toml:2:9: log.level: `${LEADSYNC_TEST_LEVEL` has no closing `}`"}));
}

}  // namespace
}  // namespace leadsync::config
