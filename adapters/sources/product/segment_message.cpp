#include "adapters/sources/product/segment_message.hpp"

#include <initializer_list>
#include <tuple>

#include <boost/json.hpp>

#include "adapters/sources/product/payload_util.hpp"

namespace leadsync::adapters::product {
namespace {

using core::error;
using core::error_kind;

// RFC 6901 escaping of one reference token.
std::string escape_token(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// The readers of one message: the message itself and, in a batch, the
// batch-level context that applies to every message in it.
struct readers {
  field_reader& message;
  field_reader* batch_context;  // nullptr outside a batch
};

// A trait from the message's traits (identify) or context.traits (track,
// page), else from the batch's context.traits.
std::string trait(readers& r, std::string_view name) {
  const std::string token = escape_token(name);
  auto value = r.message.first({"/traits/" + token, "/context/traits/" + token}, name);
  if (value.empty() && r.batch_context != nullptr) {
    value = r.batch_context->text("/traits/" + token, name);
  }
  return value;
}

// The Spec's reserved `company` trait is an object with a name; some
// sources send a plain string instead. Accept both.
std::string company(field_reader& r, std::initializer_list<std::string_view> bases) {
  for (std::string_view base : bases) {
    const auto* v = r.find(base);
    if (v != nullptr && v->is_object()) {
      if (auto name = r.text(std::string{base} + "/name", "company"); !name.empty()) {
        return name;
      }
    } else if (auto name = r.text(base, "company"); !name.empty()) {
      return name;
    }
  }
  return {};
}

void read_contact(readers& r, core::event& e) {
  e.email = r.message.first({"/traits/email", "/context/traits/email", "/properties/email"}, "email");
  if (e.email.empty()) {
    e.email = trait(r, "email");
  }
  e.first_name = trait(r, "firstName");
  e.last_name = trait(r, "lastName");
  if (e.first_name.empty() && e.last_name.empty()) {
    std::tie(e.first_name, e.last_name) = split_name(trait(r, "name"));
  }
  e.company = company(r.message, {"/traits/company", "/context/traits/company"});
  if (e.company.empty() && r.batch_context != nullptr) {
    e.company = company(*r.batch_context, {"/traits/company"});
  }
  e.title = trait(r, "title");
  e.phone = trait(r, "phone");
}

}  // namespace

core::result<std::optional<core::event>> parse_segment_message(const boost::json::value& message,
                                                               const std::string& prefix,
                                                               const boost::json::value* batch_context,
                                                               const segment_settings& settings,
                                                               core::timestamp now) {
  if (!message.is_object()) {
    return error{error_kind::unmappable, "not_an_object",
                 (prefix.empty() ? std::string{"the body"} : prefix) + " must be a JSON object (a Segment message)"};
  }
  field_reader r{message, prefix};
  const std::string type = r.text("/type", "type");
  r.require(type, "/type", "type");
  const std::string message_id = r.text("/messageId", "messageId");
  r.require(message_id, "/messageId", "messageId");
  if (r.failure()) {
    return *r.failure();
  }
  if (type != "identify" && type != "track" && type != "page") {
    return std::optional<core::event>{};
  }

  core::event e;
  e.source_event_id = message_id;
  e.received_at = now;
  e.occurred_at = parse_time(r.first({"/timestamp", "/originalTimestamp"}, "timestamp")).value_or(now);
  std::optional<field_reader> context_reader;
  if (batch_context != nullptr) {
    context_reader.emplace(*batch_context, "/context");
  }
  readers both{r, context_reader ? &*context_reader : nullptr};
  read_contact(both, e);
  if (context_reader && context_reader->failure()) {
    return *context_reader->failure();
  }

  const std::string user_id = r.text("/userId", "userId");
  e.anonymous_id = r.text("/anonymousId", "anonymousId");
  if (!user_id.empty()) {
    e.external_ids.emplace("segment_user_id", user_id);
    if (e.anonymous_id.empty()) {
      e.anonymous_id = "segment_user:" + user_id;  // keeps userId-only messages on one lead
    }
  }
  r.require(e.anonymous_id, "/anonymousId", "userId or anonymousId");

  const std::string properties_base = type == "identify" ? "/traits/" : "/properties/";
  if (type == "identify") {
    e.kind = "identify";
  } else if (type == "track") {
    const std::string name = r.text("/event", "event");
    r.require(name, "/event", "event");
    auto it = settings.track_kinds.find(name);
    e.kind = it == settings.track_kinds.end() ? "product_event" : it->second;
    e.attributes.emplace("event", name);
  } else {
    e.kind = "page_view";
    if (auto name = r.text("/name", "name"); !name.empty()) {
      e.attributes.emplace("page", name);
    }
    if (auto url = r.first({"/properties/url", "/context/page/url"}, "url"); !url.empty()) {
      e.attributes.emplace("url", url);
    }
    if (auto path = r.first({"/properties/path", "/context/page/path"}, "path"); !path.empty()) {
      e.attributes.emplace("path", path);
    }
  }
  for (const auto& name : settings.keep_properties) {
    if (auto value = r.text(properties_base + escape_token(name), name); !value.empty()) {
      e.attributes.emplace(name, value);
    }
  }
  if (r.failure()) {
    return *r.failure();
  }
  return std::optional<core::event>{std::move(e)};
}

}  // namespace leadsync::adapters::product
