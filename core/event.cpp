#include "core/event.hpp"

#include <cctype>

#include "core/json_fields.hpp"

namespace leadsync::core {
namespace json = boost::json;

std::string normalise_email(std::string_view raw) {
  auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!raw.empty() && is_space(static_cast<unsigned char>(raw.front()))) {
    raw.remove_prefix(1);
  }
  while (!raw.empty() && is_space(static_cast<unsigned char>(raw.back()))) {
    raw.remove_suffix(1);
  }
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  // The lead key needs at least "x@y"; syntax checks proper belong to junk rules.
  const auto at = out.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == out.size()) {
    return {};
  }
  return out;
}

using json_fields::get_int;
using json_fields::get_string;
using json_fields::map_from_json;
using json_fields::put_if;
using json_fields::put_map;

std::string to_json(const event& e) {
  json::object o;
  o["source"] = e.source;
  o["source_event_id"] = e.source_event_id;
  o["kind"] = e.kind;
  o["occurred_at_ms"] = to_millis(e.occurred_at);
  o["received_at_ms"] = to_millis(e.received_at);
  put_if(o, "email", e.email);
  put_if(o, "anonymous_id", e.anonymous_id);
  put_if(o, "first_name", e.first_name);
  put_if(o, "last_name", e.last_name);
  put_if(o, "company", e.company);
  put_if(o, "title", e.title);
  put_if(o, "phone", e.phone);
  put_map(o, "external_ids", e.external_ids);
  put_map(o, "qualifiers", e.qualifiers);
  put_map(o, "attributes", e.attributes);
  return json::serialize(o);
}

result<event> event_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return error{error_kind::internal, "corrupt_event", "stored event is not a JSON object"};
  }
  const json::object& o = v.get_object();
  event e;
  e.source = get_string(o, "source");
  e.source_event_id = get_string(o, "source_event_id");
  e.kind = get_string(o, "kind");
  e.occurred_at = from_millis(get_int(o, "occurred_at_ms"));
  e.received_at = from_millis(get_int(o, "received_at_ms"));
  e.email = get_string(o, "email");
  e.anonymous_id = get_string(o, "anonymous_id");
  e.first_name = get_string(o, "first_name");
  e.last_name = get_string(o, "last_name");
  e.company = get_string(o, "company");
  e.title = get_string(o, "title");
  e.phone = get_string(o, "phone");
  e.external_ids = map_from_json(o, "external_ids");
  e.qualifiers = map_from_json(o, "qualifiers");
  e.attributes = map_from_json(o, "attributes");
  return e;
}

}  // namespace leadsync::core
