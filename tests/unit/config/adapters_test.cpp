// [sources.<name>] and [connectors.<name>], checked against the fake registry.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "tests/unit/config/test_registry.hpp"

namespace leadsync::config {
namespace {

using testing::load;
using testing::messages;
using lines = std::vector<std::string>;

TEST(ConfigAdapters, ReadsEveryOptionType) {
  const load_result r = load(R"(
[sources.signup-form_2]
format = "form"
secret = "s3cret"
tolerance_seconds = 300
strict = true
allowed_ips = ["10.0.0.1", "10.0.0.2"]
map = { email = "/email" }

[connectors.crm]
type = "http"
url = "https://crm.example/hook"
headers = { Authorization = "Bearer x" }
batch_size = 10
)");
  ASSERT_TRUE(r.value) << messages(r).front();
  ASSERT_EQ(r.value->sources.size(), 1U);
  const source_config& s = r.value->sources[0];
  EXPECT_EQ(s.name, "signup-form_2");
  EXPECT_EQ(s.format, "form");
  EXPECT_EQ(s.where.file, "t.toml");
  EXPECT_EQ(s.where.line, 2);
  EXPECT_EQ(s.options.string_or("secret", ""), "s3cret");
  EXPECT_EQ(s.options.integer_or("tolerance_seconds", 0), 300);
  EXPECT_TRUE(s.options.boolean_or("strict", false));
  EXPECT_EQ(s.options.list_or_empty("allowed_ips"),
            (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(s.options.map_or_empty("map"), (core::string_map{{"email", "/email"}}));

  ASSERT_EQ(r.value->connectors.size(), 1U);
  const connector_config& c = r.value->connectors[0];
  EXPECT_EQ(c.name, "crm");
  EXPECT_EQ(c.type, "http");
  EXPECT_EQ(c.where.line, 10);
  EXPECT_EQ(c.options.string_or("url", ""), "https://crm.example/hook");
  EXPECT_EQ(c.options.map_or_empty("headers"), (core::string_map{{"Authorization", "Bearer x"}}));
  EXPECT_EQ(c.options.integer_or("batch_size", 0), 10);
  EXPECT_FALSE(c.options.has("type"));
}

TEST(ConfigAdapters, KeepsTheOrderOfTheFile) {
  const load_result r = load(
      "[sources.zeta]\nformat = \"generic\"\n[sources.alpha]\nformat = \"generic\"\n"
      "[connectors.b]\ntype = \"jsonl\"\npath = \"b\"\n[connectors.a]\ntype = \"jsonl\"\npath = "
      "\"a\"\n");
  ASSERT_TRUE(r.value);
  ASSERT_EQ(r.value->sources.size(), 2U);
  EXPECT_EQ(r.value->sources[0].name, "zeta");
  EXPECT_EQ(r.value->sources[1].name, "alpha");
  ASSERT_EQ(r.value->connectors.size(), 2U);
  EXPECT_EQ(r.value->connectors[0].name, "b");
  EXPECT_EQ(r.value->connectors[1].name, "a");
}

TEST(ConfigAdapters, WrongOptionTypes) {
  EXPECT_EQ(messages(load(R"([sources.f]
format = "form"
secret = 42
tolerance_seconds = "5"
strict = "yes"
allowed_ips = ["a", 2]
map = { email = 1 }
)")),
            (lines{"t.toml:3:10: sources.f.secret: expected a string, got integer",
                   "t.toml:4:21: sources.f.tolerance_seconds: expected an integer, got string",
                   "t.toml:5:10: sources.f.strict: expected a boolean, got string",
                   "t.toml:6:21: sources.f.allowed_ips[1]: expected a string, got integer",
                   "t.toml:7:17: sources.f.map.email: expected a string, got integer"}));
  EXPECT_EQ(
      messages(load(
          "[sources.f]\nformat = \"form\"\nsecret = \"x\"\nallowed_ips = \"a\"\nmap = \"/e\"\n")),
      (lines{"t.toml:4:15: sources.f.allowed_ips: expected an array of strings, got string",
             "t.toml:5:7: sources.f.map: expected a table of strings, got string"}));
}

TEST(ConfigAdapters, MissingRequiredOption) {
  EXPECT_EQ(messages(load("[connectors.out]\ntype = \"jsonl\"\n")),
            (lines{"t.toml:1:1: connectors.out: missing required option `path` (a string)"}));
}

TEST(ConfigAdapters, UnknownOrMissingFormat) {
  EXPECT_EQ(
      messages(load("[sources.web]\nformat = \"typeform\"\n")),
      (lines{"t.toml:2:10: sources.web.format: unknown source format `typeform` (known formats: "
             "form, generic)"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generc\"\nwhatever = 1\n")),
            (lines{"t.toml:2:10: sources.web.format: unknown source format `generc`; did you mean "
                   "`generic`? (known formats: form, generic)"}));
  EXPECT_EQ(messages(load("[sources.web]\nmap = {}\n")),
            (lines{"t.toml:1:1: sources.web: missing `format` (known formats: form, generic)"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = 3\n")),
            (lines{"t.toml:2:10: sources.web.format: expected a string, got integer"}));
  EXPECT_EQ(
      messages(load("[connectors.crm]\ntype = \"salesforce\"\n")),
      (lines{"t.toml:2:8: connectors.crm.type: unknown connector type `salesforce` (known types: "
             "http, jsonl)"}));
  const core::registry empty;
  EXPECT_EQ(messages(load_string("[connectors.crm]\ntype = \"jsonl\"\n", "t.toml", empty)),
            (lines{"t.toml:2:8: connectors.crm.type: unknown connector type `jsonl` (no connector "
                   "types are registered)"}));
}

TEST(ConfigAdapters, UnknownOption) {
  EXPECT_EQ(
      messages(load("[sources.web]\nformat = \"generic\"\nmaps = {}\nextra = 1\n")),
      (lines{"t.toml:3:1: sources.web.maps: unknown key for source format `generic`; did you "
             "mean `map`?",
             "t.toml:4:1: sources.web.extra: unknown key for source format `generic` (known keys: "
             "format, signature, allow_from, map, defaults, attributes)"}));
}

TEST(ConfigAdapters, ReadsTheSignatureTableOfASource) {
  const load_result r = load(R"(
[sources.web]
format = "generic"
map = { email = "/email" }

[sources.web.signature]
scheme = "hmac"
secrets = ["new", "old"]
tolerance_seconds = 60

[sources.open]
format = "generic"
)");
  ASSERT_TRUE(r.value) << messages(r).front();
  ASSERT_EQ(r.value->sources.size(), 2U);
  const source_config& web = r.value->sources[0];
  ASSERT_TRUE(web.signature.has_value());
  EXPECT_EQ(web.signature->scheme, "hmac");
  EXPECT_EQ(web.signature->options.list_or_empty("secrets"), (std::vector<std::string>{"new", "old"}));
  EXPECT_EQ(web.signature->options.integer_or("tolerance_seconds", 0), 60);
  EXPECT_EQ(web.signature->where.line, 6);
  EXPECT_FALSE(web.options.has("signature"));
  EXPECT_FALSE(r.value->sources[1].signature.has_value());
}

TEST(ConfigAdapters, SignatureTableErrorsAreLocated) {
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\n[sources.web.signature]\nscheme = \"hamc\"\n")),
            (lines{"t.toml:4:10: sources.web.signature.scheme: unknown signature scheme `hamc`; did you mean "
                   "`hmac`? (known schemes: hmac)"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\n[sources.web.signature]\nsecrets = []\n")),
            (lines{"t.toml:3:1: sources.web.signature: missing `scheme` (known schemes: hmac)"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\n[sources.web.signature]\nscheme = \"hmac\"\n"
                          "secrets = [\"\"]\nsecret = \"x\"\n")),
            (lines{"t.toml:6:1: sources.web.signature.secret: unknown key for signature scheme `hmac`; did you "
                   "mean `secrets`?"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\n[sources.web.signature]\nscheme = \"hmac\"\n"
                          "secrets = [\"\"]\n")),
            (lines{"t.toml:5:1: sources.web.signature.secrets: a secret must not be empty"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\nsignature = \"hmac\"\n")),
            (lines{"t.toml:3:13: sources.web.signature: expected a table, got string"}));
}

TEST(ConfigAdapters, SemanticErrorPointsAtTheSubKey) {
  EXPECT_EQ(
      messages(load(R"([sources.web]
format = "generic"

[sources.web.map]
email = "/email"
company = "company"
)")),
      (lines{"t.toml:6:1: sources.web.map.company: expected a JSON pointer starting with `/`, "
             "got `company`"}));
  EXPECT_EQ(
      messages(load("[sources.f]\nformat = \"form\"\nsecret = \"x\"\ntolerance_seconds = 7200\n")),
      (lines{"t.toml:4:1: sources.f.tolerance_seconds: must be at most 3600"}));
}

TEST(ConfigAdapters, SemanticErrorFallsBackToTheOptionThenTheTable) {
  EXPECT_EQ(messages(load("[sources.f]\nformat = \"form\"\nsecret = \"x\"\nstrict = true\n"
                          "map = { name = \"/name\" }\n")),
            (lines{"t.toml:5:1: sources.f.map.email: strict mode needs a pointer for email"}));
  EXPECT_EQ(messages(load("\n[sources.f]\nformat = \"form\"\nsecret = \"x\"\nstrict = true\n")),
            (lines{"t.toml:2:1: sources.f.map.email: strict mode needs a pointer for email"}));
}

TEST(ConfigAdapters, ConnectorDeliveryTableOverridesDeliveryKeyByKey) {
  // [delivery] after the connectors in the file: still what they inherit.
  const load_result r = load(R"(
[connectors.fast]
type = "jsonl"
path = "fast.jsonl"

[connectors.fast.delivery]
workers = 4
requests_per_second = 5
retry_max_ms = 600000

[connectors.plain]
type = "http"
url = "http://127.0.0.1:9/x"

[delivery]
workers = 2
max_attempts = 10
burst = 3
)");
  ASSERT_TRUE(r.value) << messages(r).front();
  ASSERT_EQ(r.value->connectors.size(), 2U);
  const delivery_config& fast = r.value->connectors[0].delivery;
  EXPECT_EQ(r.value->connectors[0].name, "fast");
  EXPECT_EQ(fast.workers, 4);
  EXPECT_EQ(fast.requests_per_second, 5.0);
  EXPECT_EQ(fast.retry_max, std::chrono::milliseconds{600000});
  EXPECT_EQ(fast.max_attempts, 10);  // from [delivery]
  EXPECT_EQ(fast.burst, 3.0);        // from [delivery]
  EXPECT_EQ(fast.circuit_failures, 5);  // the default
  EXPECT_FALSE(r.value->connectors[0].options.has("delivery")) << "not an adapter option";
  const delivery_config& plain = r.value->connectors[1].delivery;
  EXPECT_EQ(plain.workers, 2);
  EXPECT_EQ(plain.max_attempts, 10);
  EXPECT_EQ(plain.requests_per_second, 0.0);
  EXPECT_EQ(plain.retry_max, std::chrono::milliseconds{300000});
  EXPECT_EQ(r.value->delivery.workers, 2);
}

TEST(ConfigAdapters, ConnectorDeliveryTableErrorsAreLocated) {
  EXPECT_EQ(messages(load("[connectors.crm]\ntype = \"jsonl\"\npath = \"x\"\n[connectors.crm.delivery]\n"
                          "workers = 0\nretries = 3\ncircuit_open_seconds = 7200\n")),
            (lines{"t.toml:5:11: connectors.crm.delivery.workers: expected an integer from 1 to 16, got 0",
                   "t.toml:6:1: connectors.crm.delivery.retries: unknown key (known keys: retry_initial_ms, "
                   "retry_max_ms, poll_interval_ms, linger_ms, max_attempts, max_age_hours, workers, "
                   "requests_per_second, burst, daily_request_budget, circuit_failures, circuit_open_seconds)",
                   "t.toml:7:24: connectors.crm.delivery.circuit_open_seconds: expected an integer from 1 to "
                   "3600, got 7200"}));
  EXPECT_EQ(messages(load("[connectors.crm]\ntype = \"jsonl\"\npath = \"x\"\ndelivery = 3\n")),
            (lines{"t.toml:4:12: connectors.crm.delivery: expected a table, got integer"}));
  // Checked against what it inherits from [delivery].
  EXPECT_EQ(messages(load("[delivery]\nretry_initial_ms = 5000\n[connectors.crm]\ntype = \"jsonl\"\npath = \"x\"\n"
                          "[connectors.crm.delivery]\nretry_max_ms = 1000\n")),
            (lines{"t.toml:7:16: connectors.crm.delivery.retry_max_ms: expected an integer of at least "
                   "retry_initial_ms (5000), got 1000"}));
  EXPECT_EQ(messages(load("[connectors.crm]\ntype = \"jsonl\"\npath = \"x\"\n[connectors.crm.delivery]\n"
                          "retry_initial_ms = 400000\n")),
            (lines{"t.toml:5:20: connectors.crm.delivery.retry_initial_ms: expected an integer of at most "
                   "retry_max_ms (300000, from [delivery] or the default), got 400000"}));
  // A connector with other errors still has its delivery table checked.
  EXPECT_EQ(messages(load("[connectors.crm]\ntype = \"jsonl\"\n[connectors.crm.delivery]\nlinger_ms = -1\n")),
            (lines{"t.toml:1:1: connectors.crm: missing required option `path` (a string)",
                   "t.toml:4:13: connectors.crm.delivery.linger_ms: expected an integer from 0 to 1000, got -1"}));
}

TEST(ConfigAdapters, DeliveryIsAKnownKeyOfConnectorsOnly) {
  EXPECT_EQ(messages(load("[connectors.crm]\ntype = \"http\"\nurl = \"u\"\nextra = 1\n")),
            (lines{"t.toml:4:1: connectors.crm.extra: unknown key for connector type `http` (known keys: "
                   "type, delivery, url, headers, batch_size)"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\n[sources.web.delivery]\nworkers = 2\n")),
            (lines{"t.toml:3:14: sources.web.delivery: unknown key for source format `generic` (known keys: "
                   "format, signature, allow_from, map, defaults, attributes)"}));
}

TEST(ConfigAdapters, AdapterThatThrowsBecomesADiagnostic) {
  EXPECT_EQ(
      messages(load("[connectors.hook]\ntype = \"http\"\nurl = \"throw\"\n")),
      (lines{"t.toml:1:1: connectors.hook: connector type `http` rejected the options: boom"}));
}

TEST(ConfigAdapters, BadNames) {
  EXPECT_EQ(
      messages(load("[sources.\"web site\"]\nformat = \"generic\"\n")),
      (lines{"t.toml:1:10: sources.\"web site\": invalid source name: use only lowercase letters, "
             "digits, `_` and `-` (it is the <name> in /hooks/<name>)"}));
  EXPECT_EQ(
      messages(load("[connectors.Out]\ntype = \"jsonl\"\npath = \"x\"\n")),
      (lines{"t.toml:1:13: connectors.Out: invalid connector name: use only lowercase letters, "
             "digits, `_` and `-`"}));
  // A bad name does not hide the adapter's own checks.
  EXPECT_EQ(messages(load("[sources.Web]\nformat = \"generic\"\nmap = { email = \"email\" }\n")),
            (lines{"t.toml:1:10: sources.Web: invalid source name: use only lowercase letters, "
                   "digits, `_` and `-` (it is the <name> in /hooks/<name>)",
                   "t.toml:3:9: sources.Web.map.email: expected a JSON pointer starting with `/`, "
                   "got `email`"}));
  EXPECT_EQ(messages(load("[sources]\nweb = \"generic\"\n")),
            (lines{"t.toml:2:7: sources.web: expected a table, got string"}));
}

TEST(ConfigAdapters, AllowFromReadsAddressesAndBlocks) {
  const load_result r = load(R"(
[sources.web]
format = "generic"
allow_from = ["10.0.0.0/8", "2001:db8::/32", "127.0.0.1", "::1"]
)");
  ASSERT_TRUE(r.value) << messages(r).front();
  const auto& ranges = r.value->sources.at(0).allow_from;
  ASSERT_EQ(ranges.size(), 4U);
  EXPECT_EQ(ranges[0].text, "10.0.0.0/8");
  EXPECT_EQ(ranges[0].prefix_bits, 96 + 8);
  EXPECT_EQ(ranges[1].prefix_bits, 32);
  EXPECT_EQ(ranges[2].prefix_bits, 128);
  // IPv4 as IPv4-mapped IPv6: ::ffff:10.9.8.7 is inside 10/8, 11.0.0.1 is not.
  std::array<unsigned char, 16> v4{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 8, 7};
  EXPECT_TRUE(ranges[0].contains(v4));
  EXPECT_FALSE(ranges[1].contains(v4));
  v4[12] = 11;
  EXPECT_FALSE(ranges[0].contains(v4));
  const std::array<unsigned char, 16> v6{0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_TRUE(ranges[1].contains(v6));
  EXPECT_FALSE(ranges[0].contains(v6));
  std::array<unsigned char, 16> loopback6{};
  loopback6[15] = 1;
  EXPECT_TRUE(ranges[3].contains(loopback6));
  EXPECT_FALSE(ranges[2].contains(loopback6));  // 127.0.0.1 is not ::1
  EXPECT_TRUE(load("[sources.web]\nformat = \"generic\"\n").value->sources.at(0).allow_from.empty());
}

TEST(ConfigAdapters, AllowFromErrorsPointAtTheEntry) {
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\nallow_from = [\"10.0.0.0/8\",\n  \"10.0.0.300\",\n"
                          "  \"10.1.0.0/33\", \"fe80::/129\", \"10.1.2.3/8\", 7]\n")),
            (lines{"t.toml:4:3: sources.web.allow_from[1]: `10.0.0.300` is not an IPv4 or IPv6 address or CIDR "
                   "block (e.g. \"10.0.0.0/8\", \"2001:db8::/32\", \"127.0.0.1\")",
                   "t.toml:5:3: sources.web.allow_from[2]: `10.1.0.0/33`: the prefix length must be 0 to 32",
                   "t.toml:5:18: sources.web.allow_from[3]: `fe80::/129`: the prefix length must be 0 to 128",
                   "t.toml:5:32: sources.web.allow_from[4]: `10.1.2.3/8` has bits set beyond its /8 prefix; did "
                   "you mean `10.0.0.0/8`?",
                   "t.toml:5:46: sources.web.allow_from[5]: expected a string, got integer"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\nallow_from = \"10.0.0.0/8\"\n")),
            (lines{"t.toml:3:14: sources.web.allow_from: expected an array of addresses or CIDR blocks, got string"}));
  EXPECT_EQ(messages(load("[sources.web]\nformat = \"generic\"\nallow_from = []\n")),
            (lines{"t.toml:3:14: sources.web.allow_from: an empty list allows no one; leave allow_from out to "
                   "accept any address"}));
  EXPECT_EQ(messages(load("[connectors.crm]\ntype = \"jsonl\"\npath = \"x\"\nallow_from = [\"10.0.0.0/8\"]\n")).size(),
            1U);  // connectors have no allow-list
}

}  // namespace
}  // namespace leadsync::config
