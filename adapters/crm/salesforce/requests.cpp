#include "adapters/crm/salesforce/requests.hpp"

#include <boost/json.hpp>

#include "adapters/crm/salesforce/soql.hpp"

namespace leadsync::adapters::salesforce {
namespace {

bool has_field(const boost::json::object& record, std::string_view name) {
  const std::string wanted = lower_ascii(name);
  for (const auto& member : record) {
    if (lower_ascii(member.key()) == wanted) {
      return true;
    }
  }
  return false;
}

}  // namespace

boost::json::object base_record(const settings& s, const core::stage_update& u) {
  boost::json::object record;
  record["attributes"] = boost::json::object{{"type", s.object}};
  if (auto stage = s.stages.find(u.stage); stage != s.stages.end()) {
    record[s.stage_field] = stage->second;
  }
  for (const auto& [field, source] : s.fields) {
    if (auto value = core::update_field(u, source)) {
      record[field] = *value;
    }
  }
  return record;
}

void set_if_absent(boost::json::object& record, std::string_view name, std::string_view value) {
  if (!has_field(record, name)) {
    record[name] = value;
  }
}

bool add_lead_placeholders(const settings& s, boost::json::object& record) {
  if (!s.object_is_lead()) {
    return false;
  }
  const std::size_t before = record.size();
  set_if_absent(record, "LastName", placeholder_value);
  set_if_absent(record, "Company", placeholder_value);
  return record.size() != before;
}

std::string collection_body(std::vector<boost::json::object> records) {
  boost::json::array list;
  list.reserve(records.size());
  for (auto& r : records) {
    list.emplace_back(std::move(r));
  }
  boost::json::object body;
  body["allOrNone"] = false;
  body["records"] = std::move(list);
  return boost::json::serialize(body);
}

std::string upsert_path(const settings& s) { return collection_path(s) + "/" + s.object + "/" + s.external_id_field; }

std::string collection_path(const settings& s) { return "/services/data/v" + s.api_version + "/composite/sobjects"; }

}  // namespace leadsync::adapters::salesforce
