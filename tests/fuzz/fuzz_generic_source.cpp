// Fuzzes the generic JSON source: JSON parsing with positions, JSON pointers
// with array selection, scalar extraction. Any input must give events or an
// error, never a crash, a leak or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/builtin.hpp"

namespace {

using namespace leadsync;

const core::source_adapter& generic() {
  static const auto adapter = [] {
    core::registry r;
    adapters::register_builtin(r);
    core::option_values v;
    v.set("map", core::string_map{{"event_id", "/id"},
                                  {"email", "/contact/email"},
                                  {"first_name", "/names/0"},
                                  {"kind", "/type"},
                                  {"occurred_at", "/ts"}});
    v.set("defaults", core::string_map{{"kind", "form_submit"}});
    v.set("attributes", core::string_map{{"form", "/form/id"}, {"odd", "/a~1b/~0c"}});
    return std::move(r.source("generic")->create("fuzz", v).instance);
  }();
  return *adapter;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::inbound_request request;
  request.method = "POST";
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  (void)generic().parse(request, core::from_millis(1'700'000'000'000));
  return 0;
}
