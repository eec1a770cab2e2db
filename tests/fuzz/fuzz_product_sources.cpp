// libFuzzer entry point: every product source format (segment, stripe,
// auth-user, product) parses the input as a webhook body. Not wired into
// CMake yet; build by hand, e.g.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//     tests/fuzz/fuzz_product_sources.cpp <build>/adapters/libleadsync_adapters.a \
//     <build>/core/libleadsync_core.a -lboost_json -lboost_url -lcrypto
// Any crash, sanitizer report or an event breaking the invariants below is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "adapters/builtin.hpp"

namespace {

using namespace leadsync;

std::vector<std::unique_ptr<core::source_adapter>> make_parsers() {
  core::registry registry;
  adapters::register_builtin(registry);
  std::vector<std::unique_ptr<core::source_adapter>> out;
  auto add = [&](const char* format, const core::option_values& options) {
    auto built = registry.source(format)->create("fuzz", options);
    if (!built.instance) {
      std::abort();  // the options below are valid; a refusal is a bug too
    }
    out.push_back(std::move(built.instance));
  };
  core::option_values segment;
  segment.set("keep_properties", std::vector<std::string>{"plan", "a/b~c"});
  add("segment", segment);
  add("stripe", {});
  add("auth-user", {});
  core::option_values product;
  product.set("map", core::string_map{{"event_id", "/id"},
                                      {"email", "/user/email"},
                                      {"anonymous_id", "/user/id"},
                                      {"kind", "/name"},
                                      {"occurred_at", "/at"}});
  product.set("attributes", core::string_map{{"plan", "/plan"}});
  product.set("external_ids", core::string_map{{"app_user_id", "/user/id"}});
  add("product", product);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto parsers = make_parsers();
  core::inbound_request request;
  request.method = "POST";
  request.target = "/hooks/fuzz";
  request.headers.emplace_back("content-type", "application/json");
  request.headers.emplace_back("svix-id", "msg_fuzz");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  const auto now = core::from_millis(1'700'000'000'000);
  for (const auto& parser : parsers) {
    auto events = parser->parse(request, now);
    if (!events) {
      continue;
    }
    for (const auto& e : *events) {
      if (e.source_event_id.empty() || e.kind.empty() || e.received_at != now) {
        std::abort();  // every event must be keyed, have a kind, and be stamped with `now`
      }
    }
  }
  return 0;
}
