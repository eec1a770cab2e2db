// format = "intercom": Intercom webhook notifications (wire-formats §2.4).
// The envelope {"type": "notification_event", "id": "notif_...", "topic",
// "created_at", "data": {"item": ...}} carries a contact (contact.* and the
// v1 user.* topics) or a conversation (conversation.user.*), whose visitor
// is source.author or the author of the newest conversation part (Intercom
// API Conversation model, as typed in the official intercom-client SDK).
// Qualifiers come from custom attributes: the contact's, or the
// conversation's own.
#include <boost/json.hpp>

#include "adapters/sources/chat/chat_common.hpp"
#include "adapters/sources/chat/chat_sources.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::chat {
namespace {

namespace json = boost::json;

const core::string_map& default_kinds() {
  static const core::string_map kinds{
      {"contact.created", "chat_started"},
      {"contact.lead.created", "chat_started"},
      {"contact.user.created", "chat_started"},
      {"user.created", "chat_started"},
      {"contact.lead.signed_up", "identify"},
      {"contact.email.updated", "identify"},
      {"contact.lead.updated", "identify"},
      {"contact.user.updated", "identify"},
      {"user.email.updated", "identify"},
      {"conversation.user.created", "chat_message"},
      {"conversation.user.replied", "chat_message"},
  };
  return kinds;
}

bool is_visitor(const json::value& author) {
  const std::string type = text_at(author, "/type");
  return type == "user" || type == "lead" || type == "contact";
}

// Who wrote the conversation event: the newest part by a visitor, else the
// author of the message that opened the conversation.
const json::value* conversation_author(const json::value& conversation) {
  const json::value* parts = find_at_path(conversation, "/conversation_parts/conversation_parts");
  if (parts != nullptr && parts->is_array()) {
    const json::array& list = parts->get_array();
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      const json::value* author = find_at_path(*it, "/author");
      if (author != nullptr && is_visitor(*author)) {
        return author;
      }
    }
  }
  return find_at_path(conversation, "/source/author");
}

void set_name(core::event& e, const std::string& full) {
  auto [first, last] = split_name(full);
  e.first_name = std::move(first);
  e.last_name = std::move(last);
}

class intercom_source final : public core::source_adapter {
 public:
  explicit intercom_source(chat_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    const std::string topic = text_at(*doc, "/topic");
    const auto kind = mapping_.kind_of(topic);
    if (!kind) {
      return std::vector<core::event>{};  // ping, admin replies, tags, ...
    }
    core::event e;
    e.source_event_id = text_at(*doc, "/id");
    if (e.source_event_id.empty()) {
      return missing_field("id: the notification has no id (notif_...)");
    }
    const json::value* item = find_at_path(*doc, "/data/item");
    if (item == nullptr || !item->is_object()) {
      return missing_field("data.item: the notification carries no item object");
    }
    e.kind = *kind;
    e.received_at = now;
    e.occurred_at = parse_epoch(text_at(*doc, "/created_at")).value_or(now);
    e.attributes.emplace("event_type", topic);

    std::string contact_id;
    const json::value* custom = nullptr;
    if (text_at(*item, "/type") == "conversation") {
      if (std::string conversation = text_at(*item, "/id"); !conversation.empty()) {
        e.attributes.emplace("conversation_id", std::move(conversation));
      }
      if (const json::value* author = conversation_author(*item)) {
        e.email = text_at(*author, "/email");
        set_name(e, text_at(*author, "/name"));
        contact_id = text_at(*author, "/id");
      }
      if (contact_id.empty()) {
        contact_id = text_at(*item, "/contacts/contacts/0/id");
      }
      custom = find_at_path(*item, "/custom_attributes");
    } else {
      e.email = text_at(*item, "/email");
      set_name(e, text_at(*item, "/name"));
      e.phone = text_at(*item, "/phone");
      e.company = first_text_at(*item, {"/companies/companies/0/name", "/companies/data/0/name"});
      contact_id = text_at(*item, "/id");
      if (std::string role = text_at(*item, "/role"); !role.empty()) {
        e.attributes.emplace("role", std::move(role));
      }
      custom = find_at_path(*item, "/custom_attributes");
    }
    mapping_.apply(object_values(custom), e);
    if (!contact_id.empty()) {
      e.anonymous_id = contact_id;
      e.external_ids.emplace("intercom_contact_id", contact_id);
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

std::unique_ptr<core::source_factory> make_intercom_factory() {
  return std::make_unique<vendor_chat_factory<intercom_source>>("intercom", "Intercom webhook notifications: contact and conversation topics",
                                                   "a custom attribute of the contact or conversation", default_kinds());
}

}  // namespace leadsync::adapters::chat
