#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "adapters/crm/salesforce/settings.hpp"
#include "core/stage_update.hpp"

namespace leadsync::adapters::salesforce {

// What Salesforce requires on a Lead insert when the mapping gives nothing.
inline constexpr std::string_view placeholder_value = "[not provided]";

// The record for one update: attributes.type, the stage field set to the
// mapped picklist value and every mapped field the update has a value for
// (missing values are left out, never sent as null). The caller adds the key
// (external id field or Id). The stage must be in settings.stages.
boost::json::object base_record(const settings& s, const core::stage_update& u);

// Sets `name` unless the record already has it (API names compare case-insensitively).
void set_if_absent(boost::json::object& record, std::string_view name, std::string_view value);

// Adds LastName and Company = "[not provided]" where absent, for a Lead
// insert; false when the object is not Lead or nothing was missing.
bool add_lead_placeholders(const settings& s, boost::json::object& record);

// {"allOrNone": false, "records": [...]}: each record succeeds or fails alone.
std::string collection_body(std::vector<boost::json::object> records);

// Paths relative to the instance URL.
std::string upsert_path(const settings& s);      // PATCH .../composite/sobjects/<object>/<external_id_field>
std::string collection_path(const settings& s);  // PATCH (update by Id) or POST (create) .../composite/sobjects

}  // namespace leadsync::adapters::salesforce
