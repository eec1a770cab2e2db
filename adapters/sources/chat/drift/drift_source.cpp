// format = "drift": Drift webhook events (wire-formats §2.6;
// devdocs.drift.com "Webhooks", "Contact Update Subscriptions", "Message
// Model", "Conversation Model"). The envelope {"type", "token", "orgId",
// "data"} has no event id, so the idempotency key is derived from the type,
// the id of what data describes and its time. Contacts keep their fields
// under data.attributes; contact_updated sends a diff of "attributes.<name>"
// entries; conversations carry conversationTags.
#include <boost/json.hpp>

#include "adapters/sources/chat/chat_common.hpp"
#include "adapters/sources/chat/chat_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::chat {
namespace {

namespace json = boost::json;

const core::string_map& default_kinds() {
  static const core::string_map kinds{{"contact_identified", "chat_started"},
                                      {"new_conversation", "chat_started"},
                                      {"new_message", "chat_message"},
                                      {"contact_updated", "identify"}};
  return kinds;
}

// What one event says, whatever its type.
struct facts {
  std::string subject_id;  // message, conversation or contact id: part of the key
  std::string contact_id;
  std::string time;  // the sender's time of the event, when it has one
  std::string conversation_id;
  named_values attributes;
  const json::value* tags = nullptr;
};

// contact_updated: {"endUserId", "timestamp", "diff": [{"name": "attributes.email", "updated": ...}]}
facts from_contact_update(const json::value& data) {
  facts f;
  f.contact_id = text_at(data, "/endUserId");
  f.subject_id = f.contact_id;
  f.time = text_at(data, "/timestamp");
  if (const json::value* diff = find_at_path(data, "/diff"); diff != nullptr && diff->is_array()) {
    for (const json::value& change : diff->get_array()) {
      std::string name = text_at(change, "/name");
      if (name.starts_with("attributes.")) {
        f.attributes.push_back({name.substr(11), "", "", text_at(change, "/updated")});
      }
    }
  }
  return f;
}

// A tag "budget: 50k" (or "budget=50k") answers the qualifier read from the
// attribute "budget"; a bare tag "budget" answers it with "yes".
void add_tag_qualifiers(const json::value* tags, const core::string_map& qualifiers, core::event& e) {
  if (tags == nullptr || !tags->is_array()) {
    return;
  }
  for (const json::value& tag : tags->get_array()) {
    const std::string name = text_at(tag, "/name");
    const auto sep = name.find_first_of(":=");
    const std::string key = normalise_key(name.substr(0, sep));
    std::string value = "yes";
    if (sep != std::string::npos) {
      value = name.substr(sep + 1);
      value.erase(0, value.find_first_not_of(' '));
      value.erase(value.find_last_not_of(' ') + 1);
    }
    for (const auto& [qualifier, attribute] : qualifiers) {
      if (!value.empty() && normalise_key(attribute) == key && e.qualifiers.count(qualifier) == 0) {
        e.qualifiers.emplace(qualifier, value);
      }
    }
  }
}

class drift_source final : public core::source_adapter {
 public:
  explicit drift_source(chat_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    const std::string type = text_at(*doc, "/type");
    const auto kind = mapping_.kind_of(type);
    if (!kind) {
      return std::vector<core::event>{};
    }
    const json::value* data = find_at_path(*doc, "/data");
    if (data == nullptr || !data->is_object()) {
      return missing_field("data: the " + type + " event carries no data object");
    }
    facts f;
    if (type == "contact_updated") {
      f = from_contact_update(*data);
    } else if (type == "new_message") {
      const json::value* m = find_at_path(*data, "/message");
      const json::value& message = m != nullptr && m->is_object() ? *m : *data;
      if (text_at(message, "/author/type") != "contact" || text_at(message, "/type") == "private_note") {
        return std::vector<core::event>{};  // agents, bots and internal notes are not the lead talking
      }
      f.subject_id = text_at(message, "/id");
      f.contact_id = text_at(message, "/author/id");
      f.time = text_at(message, "/createdAt");
      f.conversation_id = text_at(message, "/conversationId");
      f.tags = find_at_path(*data, "/conversation/conversationTags");
    } else if (type == "new_conversation") {
      const json::value* c = find_at_path(*data, "/conversation");
      const json::value& conversation = c != nullptr && c->is_object() ? *c : *data;
      f.subject_id = text_at(conversation, "/id");
      f.conversation_id = f.subject_id;
      f.contact_id = text_at(conversation, "/contactId");
      f.time = text_at(conversation, "/createdAt");
      f.tags = find_at_path(conversation, "/conversationTags");
    } else {
      // contact_identified and other contact events: a contact object.
      const json::value* c = find_at_path(*data, "/contact");
      const json::value& contact = c != nullptr && c->is_object() ? *c : *data;
      f.contact_id = first_text_at(contact, {"/id", "/endUserId"});
      f.subject_id = f.contact_id;
      f.time = text_at(*data, "/timestamp");  // createdAt is when the contact was made, not this event
      f.attributes = object_values(find_at_path(contact, "/attributes"));
    }

    core::event e;
    e.kind = *kind;
    e.received_at = now;
    e.occurred_at = parse_timestamp(f.time).value_or(now);
    e.source_event_id = f.subject_id.empty() ? "sha256:" + sha256_hex(request.body)
                                             : type + ":" + f.subject_id + (f.time.empty() ? "" : ":" + f.time);
    mapping_.apply(f.attributes, e);
    add_tag_qualifiers(f.tags, mapping_.qualifiers(), e);
    if (!f.contact_id.empty()) {
      e.anonymous_id = f.contact_id;
      e.external_ids.emplace("drift_contact_id", f.contact_id);
    }
    e.attributes.emplace("event_type", type);
    if (!f.conversation_id.empty()) {
      e.attributes.emplace("conversation_id", f.conversation_id);
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

std::unique_ptr<core::source_factory> make_drift_factory() {
  return std::make_unique<vendor_chat_factory<drift_source>>("drift", "Drift webhook events: contacts identified or updated, conversations and visitor messages",
                                                   "a contact attribute, or a conversation tag written \"name: value\"", default_kinds());
}

}  // namespace leadsync::adapters::chat
