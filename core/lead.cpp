#include "core/lead.hpp"

#include "core/json_fields.hpp"

namespace leadsync::core {
namespace json = boost::json;
using json_fields::get_int;
using json_fields::get_string;
using json_fields::put_if;

std::string lead_key(const event& e) {
  std::string email = normalise_email(e.email);
  if (!email.empty()) {
    return email;
  }
  if (!e.anonymous_id.empty()) {
    return "anon:" + e.source + ":" + e.anonymous_id;
  }
  return {};
}

std::string to_json(const lead& l) {
  json::object o;
  o["key"] = l.key;
  put_if(o, "email", l.email);
  put_if(o, "anonymous_id", l.anonymous_id);
  put_if(o, "first_name", l.first_name);
  put_if(o, "last_name", l.last_name);
  put_if(o, "company", l.company);
  put_if(o, "title", l.title);
  o["stage"] = l.stage;
  o["score"] = l.score;
  o["version"] = l.version;
  o["first_seen_ms"] = to_millis(l.first_seen);
  o["last_activity_ms"] = to_millis(l.last_activity);
  json::object counts;
  for (const auto& [kind, n] : l.activity_counts) {
    counts[kind] = n;
  }
  o["activity_counts"] = std::move(counts);
  return json::serialize(o);
}

lead lead_from_json(std::string_view text) {
  lead l;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return l;
  }
  const json::object& o = v.get_object();
  l.key = get_string(o, "key");
  l.email = get_string(o, "email");
  l.anonymous_id = get_string(o, "anonymous_id");
  l.first_name = get_string(o, "first_name");
  l.last_name = get_string(o, "last_name");
  l.company = get_string(o, "company");
  l.title = get_string(o, "title");
  l.stage = get_string(o, "stage");
  l.score = get_int(o, "score");
  l.version = get_int(o, "version");
  l.first_seen = from_millis(get_int(o, "first_seen_ms"));
  l.last_activity = from_millis(get_int(o, "last_activity_ms"));
  if (const auto* counts = o.if_contains("activity_counts"); counts != nullptr && counts->is_object()) {
    for (const auto& kv : counts->get_object()) {
      if (kv.value().is_int64()) {
        l.activity_counts.emplace(std::string{kv.key()}, kv.value().get_int64());
      }
    }
  }
  return l;
}

}  // namespace leadsync::core
