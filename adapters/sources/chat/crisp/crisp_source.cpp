// format = "crisp": Crisp Web Hooks (docs.crisp.chat "Web Hooks Reference
// (V1)" and the quickstart's message:send example; session event payloads as
// typed in the official go-crisp-api events.go). The envelope is
// {"website_id", "event", "data", "timestamp"}; data always names the
// visitor's session_id. There is no event id: messages are keyed by their
// fingerprint, session events by their time.
#include <boost/json.hpp>

#include "adapters/sources/chat/chat_common.hpp"
#include "adapters/sources/chat/chat_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::chat {
namespace {

namespace json = boost::json;

const core::string_map& default_kinds() {
  static const core::string_map kinds{{"message:send", "chat_message"},
                                      {"session:set_email", "chat_started"},
                                      {"session:set_phone", "identify"},
                                      {"session:set_nickname", "identify"},
                                      {"session:set_data", "identify"}};
  return kinds;
}

// A chatbot question answered in the chatbox: a "field" message carries
// {"id", "value"}, a "picker" message {"id", "choices": [{"label", "selected"}]}.
// The question id names the answer, like a custom data key.
named_values bot_answer(const json::value& message) {
  const std::string type = text_at(message, "/type");
  const std::string id = text_at(message, "/content/id");
  if (id.empty()) {
    return {};
  }
  if (type == "field") {
    return {{id, "", type, text_at(message, "/content/value")}};
  }
  if (type == "picker") {
    if (const json::value* choices = find_at_path(message, "/content/choices");
        choices != nullptr && choices->is_array()) {
      for (const json::value& choice : choices->get_array()) {
        if (text_at(choice, "/selected") == "true") {
          return {{id, "", type, text_at(choice, "/label")}};
        }
      }
    }
  }
  return {};
}

class crisp_source final : public core::source_adapter {
 public:
  explicit crisp_source(chat_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    const std::string event = text_at(*doc, "/event");
    const auto kind = mapping_.kind_of(event);
    if (!kind) {
      return std::vector<core::event>{};
    }
    const json::value* data = find_at_path(*doc, "/data");
    if (data == nullptr || !data->is_object()) {
      return missing_field("data: the " + event + " event carries no data object");
    }
    const bool message = event.starts_with("message:");
    const std::string from = text_at(*data, "/from");
    if (message && !from.empty() && from != "user") {
      return std::vector<core::event>{};  // operators and bots are not the lead talking
    }
    const std::string session = text_at(*data, "/session_id");
    const std::string time = first_text_at(*doc, {"/data/timestamp", "/timestamp"});
    core::event e;
    e.kind = *kind;
    e.received_at = now;
    e.occurred_at = parse_epoch(time).value_or(now);
    const std::string discriminator = message ? text_at(*data, "/fingerprint") : time;
    e.source_event_id = session.empty() ? "sha256:" + sha256_hex(request.body)
                                        : event + ":" + session + (discriminator.empty() ? "" : ":" + discriminator);
    e.email = text_at(*data, "/email");
    e.phone = text_at(*data, "/phone");
    if (event == "session:set_nickname") {
      auto [first, last] = split_name(text_at(*data, "/nickname"));
      e.first_name = std::move(first);
      e.last_name = std::move(last);
    }
    mapping_.apply(message ? bot_answer(*data) : object_values(find_at_path(*data, "/data")), e);
    if (!session.empty()) {
      e.anonymous_id = session;
      e.external_ids.emplace("crisp_session_id", session);
    }
    e.attributes.emplace("event_type", event);
    if (std::string website = first_text_at(*doc, {"/website_id", "/data/website_id"}); !website.empty()) {
      e.attributes.emplace("website_id", std::move(website));
    }
    mark_qualified(e);
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  chat_mapping mapping_;
};

}  // namespace

std::unique_ptr<core::source_factory> make_crisp_factory() {
  return std::make_unique<vendor_chat_factory<crisp_source>>("crisp", "Crisp web hooks: visitor messages and session email, phone, nickname and data",
                                                   "a session data key (session:set_data) or chatbot question id", default_kinds());
}

}  // namespace leadsync::adapters::chat
