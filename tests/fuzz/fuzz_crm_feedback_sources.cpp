// libFuzzer entry point: both CRM-feedback formats (hubspot-crm,
// crm-feedback) parse the input as a webhook body. Not wired into
// CMake yet; build by hand, e.g.
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//     tests/fuzz/fuzz_crm_feedback_sources.cpp <build>/adapters/libleadsync_adapters.a \
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
  core::option_values hubspot;
  hubspot.set("stage_map", core::string_map{{"1234567", "pql"}});
  hubspot.set("ignored_change_sources", std::vector<std::string>{"INTEGRATION"});
  add("hubspot-crm", hubspot);
  add("crm-feedback", {});
  core::option_values mapped;
  mapped.set("map", core::string_map{{"event_id", "/Id"}, {"stage", "/Lead/Status"}, {"record_id", "/Lead/Id"}});
  mapped.set("stage_map", core::string_map{{"Closed - Converted", "customer"}});
  mapped.set("attributes", core::string_map{{"owner", "/owner"}});
  add("crm-feedback", mapped);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto parsers = make_parsers();
  core::inbound_request request;
  request.method = "POST";
  request.target = "/hooks/fuzz";
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  const auto now = core::from_millis(1'700'000'000'000);
  for (const auto& parser : parsers) {
    auto events = parser->parse(request, now);
    if (!events) {
      continue;
    }
    for (const auto& e : *events) {
      if (e.source_event_id.empty() || e.kind != "crm_stage_changed" || e.received_at != now ||
          e.attributes.count("stage") == 0 || (e.email.empty() && e.anonymous_id.empty())) {
        std::abort();  // every stage change is keyed, names somebody and carries its stage
      }
    }
  }
  return 0;
}
