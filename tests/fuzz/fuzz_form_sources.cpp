// Fuzzes the form source formats (typeform, hubspot-form, webflow, tally,
// form): the input is the body of each, as JSON, and as form data for
// format = "form". Any input must give events or an error, never a crash,
// a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/builtin.hpp"

namespace {

using namespace leadsync;

struct parser {
  std::unique_ptr<core::source_adapter> adapter;
  std::string content_type;
};

const std::vector<parser>& parsers() {
  static const std::vector<parser> all = [] {
    core::registry r;
    adapters::register_builtin(r);
    std::vector<parser> out;
    auto add = [&](const char* format, const core::option_values& v, const char* content_type) {
      out.push_back({std::move(r.source(format)->create("fuzz", v).instance), content_type});
    };
    core::option_values plain;
    core::option_values mapped;
    mapped.set("fields", core::string_map{{"email", "email_q"}, {"name", "Full Name"}, {"company", "question_x"}});
    mapped.set("attributes", core::string_map{{"plan", "plan"}, {"team", "team_size"}});
    mapped.set("kind", std::string{"demo_request"});
    for (const char* format : {"typeform", "hubspot-form", "webflow", "tally", "form"}) {
      add(format, plain, "application/json");
      add(format, mapped, "application/json");
    }
    core::option_values hubspot = mapped;
    hubspot.set("form_id", std::string{"6f1d2c3b-4a59-4e7f-8a1b-2c3d4e5f6a7b"});
    add("hubspot-form", hubspot, "application/json");
    core::option_values form = mapped;
    form.set("event_id_field", std::string{"submission_id"});
    add("form", plain, "application/x-www-form-urlencoded");
    add("form", form, "application/x-www-form-urlencoded");
    add("form", plain, "");  // sniffed
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::inbound_request request;
  request.method = "POST";
  request.target = "/hooks/fuzz";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  for (const parser& p : parsers()) {
    request.headers.clear();
    if (!p.content_type.empty()) {
      request.headers.emplace_back("content-type", p.content_type);
    }
    (void)p.adapter->parse(request, core::from_millis(1'700'000'000'000));
  }
  return 0;
}
