#include "core/stage_update.hpp"

#include <boost/json.hpp>

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
  if (!u.fields.empty()) {
    boost::json::object f;
    for (const auto& [k, v] : u.fields) {
      f[k] = v;
    }
    o["fields"] = std::move(f);
  }
  return boost::json::serialize(o);
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
