// sObject Collections writes of the fake Salesforce org (docs/wire-formats.md
// 3.3): upsert by external id, create, update by Id. Request-level problems
// answer 400 with an errorCode array; record-level ones land in that record's
// result, in request order, with allOrNone rolling everything back.
#include <algorithm>
#include <variant>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/fakes/salesforce_state.hpp"

namespace leadsync::tests::fakes {

namespace {

namespace json = boost::json;

constexpr std::size_t max_collection_records = 200;

enum class write_kind { upsert, create, update };

struct parsed_collection {
  bool all_or_none = false;
  std::vector<std::pair<std::string, json::object>> records;  // type, fields without attributes
};

struct outcome {
  std::optional<json::object> error;
  std::string id;
  bool created = false;
};

outcome failed(json::object error) { return {std::move(error), {}, false}; }

bool type_accepted(const fake_salesforce_options& options, std::string_view type) {
  return options.any_sobject_type || type == options.sobject_type;
}

// The request as a whole: JSON shape, size, types and field names.
std::variant<parsed_collection, sf_answer> parse_collection(const sf_state& state, std::string_view body,
                                                            std::optional<std::string_view> url_type) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    return sf_request_error(400, "JSON_PARSER_ERROR", "the body is not a JSON object");
  }
  const auto& top = doc.as_object();
  parsed_collection out;
  if (const auto* aon = top.if_contains("allOrNone"); aon != nullptr) {
    if (!aon->is_bool()) {
      return sf_request_error(400, "JSON_PARSER_ERROR", "allOrNone must be a boolean");
    }
    out.all_or_none = aon->as_bool();
  }
  const auto* records = top.if_contains("records");
  if (records == nullptr || !records->is_array()) {
    return sf_request_error(400, "JSON_PARSER_ERROR", "records must be an array");
  }
  if (records->as_array().size() > max_collection_records) {
    return sf_request_error(400, "EXCEEDED_ID_LIMIT",
                            "record limit reached. cannot submit more than 200 records into this call");
  }
  std::size_t index = 0;
  for (const auto& r : records->as_array()) {
    ++index;
    const std::string where = "record " + std::to_string(index);
    if (!r.is_object()) {
      return sf_request_error(400, "JSON_PARSER_ERROR", where + " is not an object");
    }
    const auto* attributes = r.as_object().if_contains("attributes");
    const json::value* type = attributes != nullptr && attributes->is_object()
                                  ? attributes->as_object().if_contains("type")
                                  : nullptr;
    if (type == nullptr || !type->is_string()) {
      return sf_request_error(400, "INVALID_TYPE", where + " has no attributes.type");
    }
    const std::string type_name(type->as_string());
    if (url_type && type_name != *url_type) {
      return sf_request_error(
          400, "INVALID_TYPE",
          where + " has type '" + type_name + "' but the URL names '" + std::string(*url_type) + "'");
    }
    if (!type_accepted(state.options, type_name)) {
      return sf_request_error(400, "INVALID_TYPE", "sObject type '" + type_name + "' is not supported.");
    }
    json::object fields;
    for (const auto& kv : r.as_object()) {
      const std::string_view name = kv.key();
      if (name == "attributes") {
        continue;
      }
      const bool id_key = iequals(name, "Id");  // judged per record below
      if (!id_key && !sf_writable_field(state.options, name)) {
        if (sf_selectable_field(state.options, name)) {
          return sf_request_error(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                                  "Unable to create/update fields: " + std::string(name) +
                                      ". Please check the security settings of this field.");
        }
        return sf_request_error(400, "INVALID_FIELD",
                                "No such column '" + std::string(name) + "' on sobject of type " + type_name);
      }
      fields[name] = kv.value();
    }
    out.records.emplace_back(type_name, std::move(fields));
  }
  return out;
}

std::vector<sf_stored*> live_matches(sf_data& data, std::string_view type, std::string_view field,
                                     std::string_view value) {
  std::vector<sf_stored*> out;
  std::vector<std::size_t> positions = sf_candidates(data, type, field, value);
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  for (std::size_t pos : positions) {
    sf_stored& s = data.records[pos];
    if (s.deleted || s.record.type != type) {
      continue;
    }
    const auto* v = sf_field(s.record, field);
    if (v != nullptr && !v->is_null() && iequals(sf_text(*v), value)) {
      out.push_back(&s);
    }
  }
  return out;
}

std::string email_of(const json::object& fields) {
  for (const auto& kv : fields) {
    if (iequals(kv.key(), "Email")) {
      return to_lower(sf_text(kv.value()));
    }
  }
  return {};
}

std::optional<json::object> picklist_error(const sf_state& state, const json::object& fields) {
  for (const auto& [field, values] : state.options.restricted_picklists) {
    for (const auto& kv : fields) {
      if (!iequals(kv.key(), field)) {
        continue;
      }
      const std::string value = sf_text(kv.value());
      if (!kv.value().is_string() || values.count(value) == 0) {
        return sf_record_error("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                               field + ": bad value for restricted picklist field: " + value, {field});
      }
    }
  }
  return std::nullopt;
}

// Injected faults keyed by email, external id or Id; each hit counts down.
std::optional<json::object> injected_error(sf_state& state, const std::vector<std::string>& keys,
                                           const std::string& email, const std::string& id) {
  if (!email.empty()) {
    if (auto it = state.validations.find(email); it != state.validations.end()) {
      json::object error = sf_record_error("FIELD_CUSTOM_VALIDATION_EXCEPTION", it->second.message);
      if (it->second.remaining && --*it->second.remaining == 0) {
        state.validations.erase(it);
      }
      return error;
    }
  }
  for (const auto& key : keys) {
    if (key.empty()) {
      continue;
    }
    if (auto it = state.row_locks.find(key); it != state.row_locks.end()) {
      if (--it->second == 0) {
        state.row_locks.erase(it);
      }
      return sf_record_error("UNABLE_TO_LOCK_ROW",
                             "unable to obtain exclusive access to this record or 1 records: " + id);
    }
  }
  return std::nullopt;
}

json::object duplicate_error(const sf_stored& existing) {
  const std::string& type = existing.record.type;
  json::object match_record{
      {"additionalInformation", json::array{}},
      {"fieldDiffs", json::array{}},
      {"matchConfidence", 100.0},
      {"record", json::object{{"attributes", json::object{{"type", type},
                                                          {"url", "/services/data/v60.0/sobjects/" + type + "/" +
                                                                      existing.record.id}}},
                              {"Id", existing.record.id}}}};
  json::object match_result{{"entityType", type},
                            {"errors", json::array{}},
                            {"matchEngine", "ExactMatchEngine"},
                            {"matchRecords", json::array{std::move(match_record)}},
                            {"rule", "Standard_" + type + "_Match_Rule_v1_0"},
                            {"size", 1},
                            {"success", true}};
  json::object error = sf_record_error("DUPLICATES_DETECTED", "Use one of these records?");
  error["duplicateResult"] = json::object{{"allowSave", false},
                                          {"duplicateRule", "Standard_" + type + "_Duplicate_Rule"},
                                          {"duplicateRuleEntityType", type},
                                          {"errorMessage", "Use one of these records?"},
                                          {"matchResults", json::array{std::move(match_result)}}};
  return error;
}

void touch(sf_data& data, sf_stored& s) {
  s.record.last_modified = std::chrono::system_clock::now();
  s.seq = data.next_seq++;
}

outcome create_record(sf_state& state, const std::string& type, json::object fields) {
  if (iequals(type, "Lead")) {
    std::vector<std::string> missing;
    for (const char* required : {"LastName", "Company"}) {
      bool present = false;
      for (const auto& kv : fields) {
        present = present || (iequals(kv.key(), required) && !sf_text(kv.value()).empty());
      }
      if (!present) {
        missing.emplace_back(required);
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) {
        list += (list.empty() ? "" : ", ") + m;
      }
      return failed(sf_record_error("REQUIRED_FIELD_MISSING", "Required fields are missing: [" + list + "]", missing));
    }
  }
  if (const std::string email = email_of(fields); state.duplicate_rule && !email.empty()) {
    if (const auto existing = live_matches(state.data, type, "Email", email); !existing.empty()) {
      return failed(duplicate_error(*existing.front()));
    }
  }
  sf_stored s;
  s.record.id = sf_new_id(state.data, type);
  s.record.type = type;
  s.record.fields = std::move(fields);
  touch(state.data, s);
  ++state.data.created;
  state.data.records.push_back(std::move(s));
  sf_index(state.data, state.data.records.size() - 1);
  return {std::nullopt, state.data.records.back().record.id, true};
}

outcome update_record(sf_state& state, sf_stored& target, const json::object& fields) {
  if (const auto* converted = sf_field(target.record, "IsConverted"); converted != nullptr && converted->is_bool() &&
                                                                       converted->as_bool()) {
    return failed(sf_record_error("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"));
  }
  for (const auto& kv : fields) {
    // Keep the stored spelling of a field name the request spells differently.
    std::string name(kv.key());
    for (const auto& existing : target.record.fields) {
      if (iequals(existing.key(), name)) {
        name = std::string(existing.key());
      }
    }
    target.record.fields[name] = kv.value();
  }
  touch(state.data, target);
  sf_index(state.data, static_cast<std::size_t>(&target - state.data.records.data()));
  return {std::nullopt, target.record.id, false};
}

bool well_formed_id(std::string_view id) {
  if (id.size() != 15 && id.size() != 18) {
    return false;
  }
  for (const char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

outcome write_one(sf_state& state, write_kind kind, const std::string& type, json::object fields,
                  std::string_view ext_field) {
  const json::value* id_value = nullptr;
  std::string id_key;
  for (const auto& kv : fields) {
    if (iequals(kv.key(), "Id")) {
      id_value = &kv.value();
      id_key = kv.key();
    }
  }
  sf_stored* target = nullptr;
  std::string ext_value;
  if (kind == write_kind::update) {
    if (id_value == nullptr || !id_value->is_string() || id_value->as_string().empty()) {
      return failed(sf_record_error("MISSING_ARGUMENT", "Id not specified in an update call", {"Id"}));
    }
    const std::string id(id_value->as_string());
    if (!well_formed_id(id) || id.compare(0, 3, sf_id_prefix(type)) != 0) {
      return failed(sf_record_error("MALFORMED_ID", type + " ID: id value of incorrect type: " + id, {"Id"}));
    }
    if (const auto it = state.data.by_id.find(id); it != state.data.by_id.end()) {
      target = &state.data.records[it->second];
    } else if (id.size() == 15) {  // the case-sensitive 15-character form of an 18-character Id
      for (auto& s : state.data.records) {
        if (s.record.id.compare(0, 15, id) == 0) {
          target = &s;
        }
      }
    }
    if (target != nullptr && target->deleted) {
      return failed(sf_record_error("ENTITY_IS_DELETED", "entity is deleted"));
    }
    if (target == nullptr) {
      return failed(sf_record_error("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"));
    }
    fields.erase(id_key);  // the key, not a field to write
  } else if (id_value != nullptr) {
    return failed(sf_record_error("INVALID_FIELD_FOR_INSERT_UPDATE",
                                  kind == write_kind::create ? "cannot specify Id in an insert call"
                                                             : "cannot specify Id in an upsert by external id",
                                  {"Id"}));
  }
  if (kind == write_kind::upsert) {
    const json::value* v = nullptr;
    for (const auto& kv : fields) {
      if (iequals(kv.key(), ext_field)) {
        v = &kv.value();
      }
    }
    ext_value = v == nullptr ? std::string() : sf_text(*v);
    if (ext_value.empty()) {
      return failed(sf_record_error("MISSING_ARGUMENT", std::string(ext_field) + " not specified",
                                    {std::string(ext_field)}));
    }
    const auto matches = live_matches(state.data, type, ext_field, ext_value);
    if (matches.size() > 1) {
      return failed(sf_record_error("DUPLICATE_EXTERNAL_ID",
                                    "The external id " + ext_value + " matches more than one " + type + " record",
                                    {std::string(ext_field)}));
    }
    target = matches.empty() ? nullptr : matches.front();
  }

  if (auto error = picklist_error(state, fields)) {
    return failed(std::move(*error));
  }
  std::string email = email_of(fields);
  if (email.empty() && target != nullptr) {
    email = email_of(target->record.fields);
  }
  const std::string target_id = target != nullptr ? target->record.id : std::string();
  const std::vector<std::string> keys{email, to_lower(ext_value), to_lower(target_id)};
  if (auto error = injected_error(state, keys, email, target_id)) {
    return failed(std::move(*error));
  }
  return target != nullptr ? update_record(state, *target, fields) : create_record(state, type, std::move(fields));
}

sf_answer run(sf_state& state, parsed_collection request, write_kind kind, std::string_view ext_field) {
  std::optional<sf_data> backup;
  if (request.all_or_none) {
    backup = state.data;
  }
  std::vector<outcome> outcomes;
  bool any_failed = false;
  for (auto& [type, fields] : request.records) {
    outcomes.push_back(write_one(state, kind, type, std::move(fields), ext_field));
    any_failed = any_failed || outcomes.back().error.has_value();
  }
  const bool rolled_back = backup && any_failed;
  if (rolled_back) {
    state.data = std::move(*backup);
  }
  json::array results;
  for (auto& o : outcomes) {
    if (o.error || rolled_back) {
      json::object error = o.error ? std::move(*o.error)
                                   : sf_record_error("ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                                     "Record rolled back because not all records were valid and the "
                                                     "request was using AllOrNone header");
      results.push_back(json::object{{"success", false}, {"errors", json::array{std::move(error)}}});
      continue;
    }
    json::object r{{"id", o.id}, {"success", true}, {"errors", json::array{}}};
    if (kind == write_kind::upsert) {
      r["created"] = o.created;
    }
    results.push_back(std::move(r));
  }
  return {200, json::serialize(results)};
}

}  // namespace

sf_answer sf_collections_upsert(sf_state& state, std::string_view type, std::string_view ext_field,
                                std::string_view body) {
  if (!type_accepted(state.options, type)) {
    return sf_request_error(400, "INVALID_TYPE", "sObject type '" + std::string(type) + "' is not supported.");
  }
  if (iequals(ext_field, "Id") || !sf_writable_field(state.options, ext_field)) {
    return sf_request_error(400, "INVALID_FIELD",
                            "Field name provided, " + std::string(ext_field) +
                                " is not an External ID or indexed field for " + std::string(type));
  }
  auto parsed = parse_collection(state, body, type);
  if (auto* error = std::get_if<sf_answer>(&parsed)) {
    return *error;
  }
  return run(state, std::move(std::get<parsed_collection>(parsed)), write_kind::upsert, ext_field);
}

sf_answer sf_collections_create(sf_state& state, std::string_view body) {
  auto parsed = parse_collection(state, body, std::nullopt);
  if (auto* error = std::get_if<sf_answer>(&parsed)) {
    return *error;
  }
  return run(state, std::move(std::get<parsed_collection>(parsed)), write_kind::create, {});
}

sf_answer sf_collections_update(sf_state& state, std::string_view body) {
  auto parsed = parse_collection(state, body, std::nullopt);
  if (auto* error = std::get_if<sf_answer>(&parsed)) {
    return *error;
  }
  return run(state, std::move(std::get<parsed_collection>(parsed)), write_kind::update, {});
}

}  // namespace leadsync::tests::fakes
