// Fuzzes the live-chat source formats (intercom, drift, crisp, chat): the
// input is the JSON body of each, with default and remapped options. Any
// input must give events or an error, never a crash, a leak or undefined
// behaviour.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "adapters/builtin.hpp"

namespace {

using namespace leadsync;

const std::vector<std::unique_ptr<core::source_adapter>>& parsers() {
  static const std::vector<std::unique_ptr<core::source_adapter>> all = [] {
    core::registry r;
    adapters::register_builtin(r);
    std::vector<std::unique_ptr<core::source_adapter>> out;
    core::option_values plain;
    core::option_values remapped;
    remapped.set("qualifiers", core::string_map{{"budget", "Budget (USD)"}, {"need", "use_case"}});
    remapped.set("fields", core::string_map{{"company", "org"}, {"title", "job"}});
    remapped.set("kinds", core::string_map{{"conversation.admin.replied", "chat_message"},
                                           {"message:received", "chat_message"},
                                           {"new_message", ""}});
    for (const char* format : {"intercom", "drift", "crisp"}) {
      out.push_back(std::move(r.source(format)->create("fuzz", plain).instance));
      out.push_back(std::move(r.source(format)->create("fuzz", remapped).instance));
    }
    core::option_values chat;
    chat.set("map", core::string_map{{"event_id", "/id"},
                                     {"email", "/visitor/email"},
                                     {"anonymous_id", "/visitor/id"},
                                     {"kind", "/type"},
                                     {"occurred_at", "/ts"}});
    chat.set("constants", core::string_map{{"company", "Acme"}});
    chat.set("qualifiers", core::string_map{{"budget", "/answers/[question.key=budget]/value"},
                                            {"timeline", "/answers/[q=when]/v/0"},
                                            {"need", "/a~1b/[x.y.z=1]"}});
    out.push_back(std::move(r.source("chat")->create("fuzz", chat).instance));
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::inbound_request request;
  request.method = "POST";
  request.target = "/hooks/fuzz";
  request.headers.emplace_back("content-type", "application/json");
  request.body.assign(reinterpret_cast<const char*>(data), size);
  for (const auto& p : parsers()) {
    (void)p->parse(request, core::from_millis(1'700'000'000'000));
  }
  return 0;
}
