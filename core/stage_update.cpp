#include "core/stage_update.hpp"

#include <boost/json.hpp>

#include "core/json_fields.hpp"

namespace leadsync::core {

std::string to_json(const stage_update& u) {
  boost::json::object o;
  o["connector"] = u.connector;
  o["lead_id"] = u.lead_id;
  o["email"] = u.email;
  o["stage"] = u.stage;
  o["previous_stage"] = u.previous_stage;
  o["score"] = u.score;
  o["rule"] = u.rule;
  o["reason"] = u.reason;
  o["changed_at"] = format_rfc3339(u.changed_at);
  o["version"] = u.version;
  json_fields::put_map(o, "fields", u.fields);
  return boost::json::serialize(o);
}

std::string fields_to_json(const string_map& fields) {
  return boost::json::serialize(json_fields::map_to_json(fields));
}

string_map fields_from_json(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) {
    return {};
  }
  return json_fields::string_members(v.get_object());
}

string_map lead_fields(const lead& l) {
  string_map f = l.traits;
  auto put = [&f](const char* name, const std::string& value) {
    if (!value.empty()) {
      f[name] = value;
    }
  };
  put("first_name", l.first_name);
  put("last_name", l.last_name);
  put("company", l.company);
  put("title", l.title);
  if (auto it = l.traits.find("lead_source"); it != l.traits.end()) {
    put("source", it->second);
  }
  return f;
}

std::optional<std::string> update_field(const stage_update& u, std::string_view name) {
  auto text = [](const std::string& s) -> std::optional<std::string> {
    if (s.empty()) {
      return std::nullopt;
    }
    return s;
  };
  if (name == "email") return text(u.email);
  if (name == "stage") return text(u.stage);
  if (name == "previous_stage") return text(u.previous_stage);
  if (name == "score") return std::to_string(u.score);
  if (name == "rule") return text(u.rule);
  if (name == "reason") return text(u.reason);
  if (name == "changed_at") return format_rfc3339(u.changed_at);
  if (name == "lead_id") return std::to_string(u.lead_id);
  if (name == "lead_key") return text(u.lead_key);
  if (name == "version") return std::to_string(u.version);
  if (name == "connector") return text(u.connector);
  if (auto it = u.fields.find(name); it != u.fields.end() && !it->second.empty()) {
    return it->second;
  }
  return std::nullopt;
}

}  // namespace leadsync::core
