#include "adapters/crm/hubspot/hubspot_requests.hpp"

#include <boost/json.hpp>

namespace leadsync::adapters::hubspot {
namespace {

// A mapped field's value: "fields.<trait>" names a trait explicitly, any other
// name is an update_field name (which also finds traits by their bare name).
std::optional<std::string> field_value(const core::stage_update& u, std::string_view name) {
  if (name.starts_with("fields.")) {
    auto it = u.fields.find(name.substr(7));
    if (it == u.fields.end() || it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  }
  return core::update_field(u, name);
}

boost::json::object input_for(const core::stage_update& u, boost::json::object properties) {
  boost::json::object input;
  input["idProperty"] = "email";
  input["id"] = u.email;
  input["objectWriteTraceId"] = trace_id(u);
  input["properties"] = std::move(properties);
  return input;
}

core::outbound_request post(const settings& s, std::string_view path, boost::json::array inputs) {
  core::outbound_request r;
  r.method = "POST";
  r.url = s.base_url + std::string{path};
  r.timeout = s.timeout;
  r.ca_file = s.ca_file;
  r.headers.emplace_back("authorization", "Bearer " + s.token);
  r.headers.emplace_back("content-type", "application/json");
  boost::json::object body;
  body["inputs"] = std::move(inputs);
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace

std::string trace_id(const core::stage_update& u) {
  return std::to_string(u.lead_id) + ":" + std::to_string(u.version);
}

core::outbound_request upsert_request(const settings& s, std::span<const contact_write> writes) {
  boost::json::array inputs;
  inputs.reserve(writes.size());
  for (const auto& w : writes) {
    const core::stage_update& u = *w.update;
    boost::json::object properties;
    for (const auto& [property, field] : s.properties) {
      if (auto value = field_value(u, field)) {
        properties[property] = *value;
      }
    }
    properties["email"] = u.email;
    properties["lifecyclestage"] = w.lifecyclestage;
    inputs.push_back(input_for(u, std::move(properties)));
  }
  return post(s, "/crm/v3/objects/contacts/batch/upsert", std::move(inputs));
}

core::outbound_request clear_request(const settings& s, std::span<const core::stage_update* const> updates) {
  boost::json::array inputs;
  inputs.reserve(updates.size());
  for (const core::stage_update* u : updates) {
    inputs.push_back(input_for(*u, boost::json::object{{"lifecyclestage", ""}}));
  }
  return post(s, "/crm/v3/objects/contacts/batch/update", std::move(inputs));
}

}  // namespace leadsync::adapters::hubspot
