#include "core/lead.hpp"

#include "core/json_fields.hpp"

namespace leadsync::core {
namespace json = boost::json;
using json_fields::get_int;
using json_fields::get_string;
using json_fields::map_from_json;
using json_fields::map_to_json;
using json_fields::put_if;

namespace {

double get_double(const json::value& v) {
  if (v.is_double()) {
    return v.get_double();
  }
  if (v.is_int64()) {
    return static_cast<double>(v.get_int64());
  }
  return 0;
}

}  // namespace

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
  o["traits"] = map_to_json(l.traits);
  o["qualifiers"] = map_to_json(l.qualifiers);
  o["stage"] = l.stage;
  put_if(o, "track", l.track);
  o["stage_since_ms"] = to_millis(l.stage_since);
  o["score"] = l.score;
  o["version"] = l.version;
  put_if(o, "sales_stage", l.sales_stage);
  o["sales_stage_at_ms"] = to_millis(l.sales_stage_at);
  o["recycled_at_ms"] = to_millis(l.recycled_at);
  o["score_since_ms"] = to_millis(l.score_since);
  o["sla_breached"] = l.sla_breached;
  o["first_seen_ms"] = to_millis(l.first_seen);
  o["last_activity_ms"] = to_millis(l.last_activity);
  json::array acts;
  acts.reserve(l.activities.size());
  for (const activity& a : l.activities) {
    json::array row{a.kind, to_millis(a.at)};
    if (!a.rule.empty()) {
      row.emplace_back(a.rule);
      row.emplace_back(a.points);
    }
    acts.push_back(std::move(row));
  }
  o["activities"] = std::move(acts);
  put_if(o, "merged_into", l.merged_into);
  if (!l.merged_keys.empty()) {
    json::array merged;
    for (const auto& k : l.merged_keys) {
      merged.emplace_back(k);
    }
    o["merged_keys"] = std::move(merged);
  }
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
  l.traits = map_from_json(o, "traits");
  l.qualifiers = map_from_json(o, "qualifiers");
  l.stage = get_string(o, "stage");
  l.track = get_string(o, "track");
  l.stage_since = from_millis(get_int(o, "stage_since_ms"));
  l.score = get_int(o, "score");
  l.version = get_int(o, "version");
  l.sales_stage = get_string(o, "sales_stage");
  l.sales_stage_at = from_millis(get_int(o, "sales_stage_at_ms"));
  l.recycled_at = from_millis(get_int(o, "recycled_at_ms"));
  l.score_since = from_millis(get_int(o, "score_since_ms"));
  if (const auto* b = o.if_contains("sla_breached"); b != nullptr && b->is_bool()) {
    l.sla_breached = b->get_bool();
  }
  l.first_seen = from_millis(get_int(o, "first_seen_ms"));
  l.last_activity = from_millis(get_int(o, "last_activity_ms"));
  if (const auto* acts = o.if_contains("activities"); acts != nullptr && acts->is_array()) {
    l.activities.reserve(acts->get_array().size());
    for (const auto& row : acts->get_array()) {
      if (!row.is_array() || row.get_array().size() < 2 || !row.get_array()[0].is_string()) {
        continue;
      }
      const auto& r = row.get_array();
      activity a;
      a.kind = std::string{r[0].get_string()};
      a.at = from_millis(r[1].is_int64() ? r[1].get_int64() : 0);
      if (r.size() >= 4 && r[2].is_string()) {
        a.rule = std::string{r[2].get_string()};
        a.points = get_double(r[3]);
      }
      l.activities.push_back(std::move(a));
    }
  }
  l.merged_into = get_string(o, "merged_into");
  if (const auto* merged = o.if_contains("merged_keys"); merged != nullptr && merged->is_array()) {
    for (const auto& k : merged->get_array()) {
      if (k.is_string()) {
        l.merged_keys.emplace_back(k.get_string());
      }
    }
  }
  return l;
}

}  // namespace leadsync::core
