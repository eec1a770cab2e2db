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
  return boost::json::serialize(o);
}

}  // namespace leadsync::core
