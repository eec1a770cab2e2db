// Golden fixtures: every directory under tests/fixtures/sources/ is one case.
//   case.json      {"format": "...", "options": {...}, "content_type": "...",
//                   "headers": {...}, "body_file": "body.json", "provenance": "..."}
//   <body_file>    the request body, byte for byte
//   expected.json  [canonical event, ...] as core::to_json writes them, or
//                  {"error": {"kind": "malformed|unmappable|unsupported_media", "code": "..."}}
// The body is parsed with now = 2023-11-14T22:13:20Z (1700000000000 ms).
// LEADSYNC_UPDATE_GOLDEN=1 rewrites expected.json from what the parser
// produces: review the diff before committing it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "adapters/builtin.hpp"

namespace leadsync::adapters {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path fixtures = fs::path{LEADSYNC_SOURCE_DIR} / "tests/fixtures/sources";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Case options in JSON -> option_values: strings, integers, booleans, arrays
// of strings and objects of strings, like their TOML counterparts.
core::option_values to_options(const json::object& o) {
  core::option_values v;
  for (const auto& kv : o) {
    const std::string key{kv.key()};
    const json::value& x = kv.value();
    if (x.is_string()) {
      v.set(key, std::string{x.get_string()});
    } else if (x.is_int64()) {
      v.set(key, x.get_int64());
    } else if (x.is_bool()) {
      v.set(key, x.get_bool());
    } else if (x.is_array()) {
      std::vector<std::string> list;
      for (const auto& item : x.get_array()) {
        list.emplace_back(item.as_string());
      }
      v.set(key, std::move(list));
    } else if (x.is_object()) {
      core::string_map m;
      for (const auto& item : x.get_object()) {
        m.emplace(std::string{item.key()}, std::string{item.value().as_string()});
      }
      v.set(key, std::move(m));
    }
  }
  return v;
}

std::string kind_name(core::error_kind k) {
  switch (k) {
    case core::error_kind::malformed:
      return "malformed";
    case core::error_kind::unmappable:
      return "unmappable";
    case core::error_kind::unauthorized:
      return "unauthorized";
    case core::error_kind::unsupported_media:
      return "unsupported_media";
    case core::error_kind::too_large:
      return "too_large";
    case core::error_kind::internal:
      break;
  }
  return "internal";
}

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  if (fs::exists(fixtures)) {
    for (const auto& entry : fs::directory_iterator(fixtures)) {
      if (fs::exists(entry.path() / "case.json")) {
        out.push_back(entry.path().filename().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) {
    out.push_back("none");  // keeps the suite instantiated while there are no fixtures
  }
  return out;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, ParsesToTheExpectedEvents) {
  if (GetParam() == "none") {
    GTEST_SKIP() << "no fixtures under " << fixtures;
  }
  const fs::path dir = fixtures / GetParam();
  const json::object spec = json::parse(read_file(dir / "case.json")).as_object();
  ASSERT_TRUE(spec.contains("provenance")) << "case.json must say where the payload shape comes from";

  core::registry registry;
  register_builtin(registry);
  const std::string format{spec.at("format").as_string()};
  const core::source_factory* factory = registry.source(format);
  ASSERT_NE(factory, nullptr) << "unknown format " << format;
  const json::object no_options;
  auto built = factory->create("test", to_options(spec.contains("options") ? spec.at("options").as_object() : no_options));
  ASSERT_TRUE(built.errors.empty()) << built.errors.front().key << ": " << built.errors.front().message;

  core::inbound_request request;
  request.method = "POST";
  request.target = "/hooks/test";
  if (spec.contains("content_type")) {
    request.headers.emplace_back("content-type", std::string{spec.at("content_type").as_string()});
  }
  if (spec.contains("headers")) {
    for (const auto& kv : spec.at("headers").as_object()) {
      request.headers.emplace_back(std::string{kv.key()}, std::string{kv.value().as_string()});
    }
  }
  request.body = read_file(dir / std::string{spec.at("body_file").as_string()});

  const auto parsed = built.instance->parse(request, core::from_millis(1'700'000'000'000));
  json::value actual;
  if (parsed) {
    json::array events;
    for (core::event e : *parsed) {
      e.source = "test";
      events.push_back(json::parse(core::to_json(e)));
    }
    actual = std::move(events);
  } else {
    actual = json::object{{"error", json::object{{"kind", kind_name(parsed.failure().kind)},
                                                 {"code", parsed.failure().code}}}};
  }

  const fs::path expected_file = dir / "expected.json";
  if (std::getenv("LEADSYNC_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_file) << json::serialize(actual) << '\n';
  }
  ASSERT_TRUE(fs::exists(expected_file)) << "missing " << expected_file;
  const json::value expected = json::parse(read_file(expected_file));
  EXPECT_EQ(actual, expected) << "actual:   " << json::serialize(actual)
                              << "\nexpected: " << json::serialize(expected)
                              << (parsed ? "" : "\nmessage:  " + parsed.failure().message);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, ::testing::ValuesIn(case_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) {
                               c = '_';
                             }
                           }
                           return name;
                         });

}  // namespace
}  // namespace leadsync::adapters
