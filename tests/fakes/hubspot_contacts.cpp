// Contact writes and reads of the fake HubSpot account (docs/wire-formats.md
// 4.2-4.4). Malformed requests answer 400 as a whole; a bad input becomes an
// entry in errors[] of a 207 while the others are written. lifecyclestage
// moves forward only: an earlier value is ignored silently, "" clears it.
#include <algorithm>
#include <set>
#include <variant>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/fakes/fake_server.hpp"
#include "tests/fakes/hubspot_state.hpp"

namespace leadsync::tests::fakes {

namespace {

namespace json = boost::json;

constexpr std::string_view stage_property = "lifecyclestage";

struct input {
  std::string id;  // as sent
  bool by_email = true;
  std::optional<std::string> trace;
  std::map<std::string, std::string> properties;
};

std::string now_text() { return iso8601_utc(std::chrono::system_clock::now(), true); }

std::optional<std::size_t> stage_rank(const hs_state& state, const std::string& value) {
  const auto& order = state.options.lifecycle_order;
  const auto it = std::find(order.begin(), order.end(), value);
  return it == order.end() ? std::nullopt : std::optional<std::size_t>(static_cast<std::size_t>(it - order.begin()));
}

hs_answer invalid_input(std::string_view message) { return hs_error(400, "VALIDATION_ERROR", message); }

std::variant<std::vector<input>, hs_answer> parse_batch(const hs_state& state, std::string_view body, bool upsert) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    return invalid_input("Invalid input JSON: the body is not a JSON object");
  }
  const auto* inputs = doc.as_object().if_contains("inputs");
  if (inputs == nullptr || !inputs->is_array()) {
    return invalid_input("Invalid input JSON: inputs must be an array");
  }
  if (inputs->as_array().size() > state.options.max_batch_inputs) {
    return invalid_input("Batch size " + std::to_string(inputs->as_array().size()) + " exceeds the limit of " +
                         std::to_string(state.options.max_batch_inputs) + " inputs");
  }
  std::vector<input> out;
  std::set<std::string> seen;
  std::vector<std::string> duplicates;
  for (const auto& v : inputs->as_array()) {
    const auto* obj = v.if_object();
    const auto* id = obj != nullptr ? obj->if_contains("id") : nullptr;
    if (id == nullptr || !id->is_string() || id->as_string().empty()) {
      return invalid_input("Invalid input JSON: every input needs a string id");
    }
    input in;
    in.id = std::string(id->as_string());
    const auto* id_property = obj->if_contains("idProperty");
    const std::string id_prop = id_property != nullptr && id_property->is_string()
                                    ? std::string(id_property->as_string())
                                    : std::string();
    if (upsert && id_prop != "email") {
      return invalid_input("idProperty must be a unique property; this fake supports \"email\", got \"" + id_prop +
                           "\"");
    }
    if (!upsert && !id_prop.empty() && id_prop != "email" && id_prop != "hs_object_id") {
      return invalid_input("idProperty \"" + id_prop + "\" is not a unique property");
    }
    in.by_email = id_prop == "email";
    if (const auto* trace = obj->if_contains("objectWriteTraceId"); trace != nullptr && trace->is_string()) {
      in.trace = std::string(trace->as_string());
    }
    const auto* props = obj->if_contains("properties");
    if (props == nullptr || !props->is_object()) {
      return invalid_input("Invalid input JSON: every input needs a properties object");
    }
    for (const auto& kv : props->as_object()) {
      const auto& value = kv.value();
      if (value.is_string()) {
        in.properties[kv.key()] = std::string(value.as_string());
      } else if (value.is_number() || value.is_bool()) {
        in.properties[kv.key()] = json::serialize(value);
      } else if (value.is_null()) {
        in.properties[kv.key()] = "";
      } else {
        return invalid_input("Invalid input JSON: property " + std::string(kv.key()) + " is not a scalar");
      }
    }
    const std::string key = in.by_email ? to_lower(in.id) : in.id;
    if (!seen.insert(key).second) {
      duplicates.push_back(in.id);
    }
    out.push_back(std::move(in));
  }
  if (!duplicates.empty()) {
    std::string list;
    for (const auto& d : duplicates) {
      list += (list.empty() ? "" : ", ") + d;
    }
    return invalid_input("Duplicate IDs found in batch input: [" + list + "]. IDs must be unique");
  }
  return out;
}

// Per-input validation; the error (without context) when the input fails.
std::optional<json::object> check_input(hs_state& state, const input& in, const std::string& email) {
  json::array details;
  for (const auto& [name, value] : in.properties) {
    if (state.options.allowed_properties && state.options.allowed_properties->count(name) == 0) {
      details.push_back(json::object{{"message", "Property \"" + name + "\" does not exist"},
                                     {"code", "PROPERTY_DOESNT_EXIST"},
                                     {"context", json::object{{"propertyName", json::array{json::string(name)}}}}});
    } else if (name == stage_property && !value.empty() && !stage_rank(state, value)) {
      std::string allowed;
      for (const auto& s : state.options.lifecycle_order) {
        allowed += (allowed.empty() ? "" : ", ") + s;
      }
      details.push_back(json::object{{"message", value + " was not one of the allowed options: [" + allowed + "]"},
                                     {"code", "INVALID_OPTION"},
                                     {"in", stage_property},
                                     {"context", json::object{{"propertyName", json::array{stage_property}}}}});
    }
  }
  if (!details.empty()) {
    json::object error = hs_error_object("VALIDATION_ERROR", "Property values were not valid");
    error["errors"] = std::move(details);
    return error;
  }
  if (auto it = state.validations.find(email); !email.empty() && it != state.validations.end()) {
    json::object error = hs_error_object("VALIDATION_ERROR", it->second.message);
    if (it->second.remaining && --*it->second.remaining == 0) {
      state.validations.erase(it);
    }
    return error;
  }
  return std::nullopt;
}

void apply(const hs_state& state, hs_stored& stored, const std::map<std::string, std::string>& properties) {
  auto& props = stored.contact.properties;
  for (const auto& [name, value] : properties) {
    if (name != stage_property) {
      props[name] = value;
      continue;
    }
    const std::string current = props.count(name) != 0 ? props[name] : std::string();
    if (value == current) {
      continue;
    }
    // HubSpot ignores a move to an earlier stage without an error; only a
    // clear ("") lets a later request set an earlier value.
    const auto from = stage_rank(state, current);
    const auto to = stage_rank(state, value);
    if (from && to && *to < *from) {
      continue;
    }
    props[name] = value;
    stored.history.push_back(value);
  }
  stored.updated_at = std::chrono::system_clock::now();
}

json::object object_json(const hs_stored& s, const std::vector<std::string>* only) {
  json::object props;
  if (only != nullptr) {
    for (const auto& name : *only) {
      const auto it = s.contact.properties.find(name);
      props[name] = it == s.contact.properties.end() ? json::value(nullptr) : json::value(it->second);
    }
  } else {
    for (const auto& [name, value] : s.contact.properties) {
      props[name] = value;
    }
  }
  props["hs_object_id"] = s.contact.id;
  props["createdate"] = iso8601_utc(s.created_at, true);
  props["lastmodifieddate"] = iso8601_utc(s.updated_at, true);
  return json::object{{"id", s.contact.id},
                      {"properties", std::move(props)},
                      {"createdAt", iso8601_utc(s.created_at, true)},
                      {"updatedAt", iso8601_utc(s.updated_at, true)},
                      {"archived", false}};
}

// hs_stored* or const hs_stored*, following the constness of state.
template <class State>
auto find(State& state, const std::string& id, bool by_email) -> decltype(&state.contacts.begin()->second) {
  if (by_email) {
    const auto it = state.contacts.find(to_lower(id));
    return it == state.contacts.end() ? nullptr : &it->second;
  }
  for (auto& [email, s] : state.contacts) {
    if (s.contact.id == id) {
      return &s;
    }
  }
  return nullptr;
}

hs_answer batch_answer(const std::string& started, json::array results, json::array errors) {
  json::object body{{"status", "COMPLETE"},
                    {"results", std::move(results)},
                    {"startedAt", started},
                    {"completedAt", now_text()}};
  const bool partial = !errors.empty();
  if (partial) {
    body["numErrors"] = errors.size();
    body["errors"] = std::move(errors);
  }
  return {partial ? 207U : 200U, json::serialize(body)};
}

void add_trace(json::object& error, const input& in) {
  auto& context = error["context"].emplace_object();
  if (in.trace) {
    context["objectWriteTraceId"] = json::array{json::string(*in.trace)};
  }
}

}  // namespace

std::string hs_correlation_id() {
  return random_hex(4) + "-" + random_hex(2) + "-" + random_hex(2) + "-" + random_hex(2) + "-" + random_hex(6);
}

json::object hs_error_object(std::string_view category, std::string_view message) {
  return json::object{
      {"status", "error"}, {"message", message}, {"correlationId", hs_correlation_id()}, {"category", category}};
}

hs_answer hs_error(unsigned status, std::string_view category, std::string_view message) {
  return {status, json::serialize(hs_error_object(category, message))};
}

std::string hs_new_id(hs_state& state) { return std::to_string(1000 + state.next_id++); }

hs_answer hs_batch_upsert(hs_state& state, std::string_view body) {
  const std::string started = now_text();
  auto parsed = parse_batch(state, body, true);
  if (auto* error = std::get_if<hs_answer>(&parsed)) {
    return *error;
  }
  json::array results;
  json::array errors;
  for (const auto& in : std::get<std::vector<input>>(parsed)) {
    const std::string email = to_lower(in.id);
    if (auto error = check_input(state, in, email)) {
      add_trace(*error, in);
      errors.push_back(std::move(*error));
      continue;
    }
    auto it = state.contacts.find(email);
    const bool is_new = it == state.contacts.end();
    if (is_new) {
      hs_stored s;
      s.contact.id = hs_new_id(state);
      s.contact.properties["email"] = email;
      s.created_at = std::chrono::system_clock::now();
      it = state.contacts.emplace(email, std::move(s)).first;
    }
    apply(state, it->second, in.properties);
    json::object r = object_json(it->second, nullptr);
    r["new"] = is_new;
    if (in.trace) {
      r["objectWriteTraceId"] = *in.trace;
    }
    results.push_back(std::move(r));
  }
  return batch_answer(started, std::move(results), std::move(errors));
}

hs_answer hs_batch_update(hs_state& state, std::string_view body) {
  const std::string started = now_text();
  auto parsed = parse_batch(state, body, false);
  if (auto* error = std::get_if<hs_answer>(&parsed)) {
    return *error;
  }
  json::array results;
  json::array errors;
  for (const auto& in : std::get<std::vector<input>>(parsed)) {
    hs_stored* target = find(state, in.id, in.by_email);
    if (target == nullptr) {
      json::object error = hs_error_object(
          "OBJECT_NOT_FOUND", "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids "
                              "are valid.");
      add_trace(error, in);
      error["context"].as_object()["ids"] = json::array{json::string(in.id)};
      errors.push_back(std::move(error));
      continue;
    }
    if (auto error = check_input(state, in, to_lower(target->contact.property("email")))) {
      add_trace(*error, in);
      errors.push_back(std::move(*error));
      continue;
    }
    apply(state, *target, in.properties);
    json::object r = object_json(*target, nullptr);
    if (in.trace) {
      r["objectWriteTraceId"] = *in.trace;
    }
    results.push_back(std::move(r));
  }
  return batch_answer(started, std::move(results), std::move(errors));
}

hs_answer hs_read(const hs_state& state, const std::string& id, bool by_email,
                  const std::vector<std::string>& properties) {
  const hs_stored* s = find(state, id, by_email);
  if (s == nullptr) {
    return hs_error(404, "OBJECT_NOT_FOUND", "resource not found");
  }
  static const std::vector<std::string> defaults = {"createdate", "email", "firstname", "lastname"};
  return {200, json::serialize(object_json(*s, properties.empty() ? &defaults : &properties))};
}

hs_answer hs_update_one(hs_state& state, const std::string& id, bool by_email, std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  const auto* props = !ec && doc.is_object() ? doc.as_object().if_contains("properties") : nullptr;
  if (props == nullptr || !props->is_object()) {
    return invalid_input("Invalid input JSON: expected {\"properties\":{...}}");
  }
  hs_stored* target = find(state, id, by_email);
  if (target == nullptr) {
    return hs_error(404, "OBJECT_NOT_FOUND", "resource not found");
  }
  // Reuse the batch parser's rules by wrapping the body as one update input.
  json::object wrapped{{"inputs", json::array{json::object{{"id", target->contact.id}, {"properties", *props}}}}};
  auto parsed = parse_batch(state, json::serialize(wrapped), false);
  if (auto* error = std::get_if<hs_answer>(&parsed)) {
    return *error;
  }
  const input& in = std::get<std::vector<input>>(parsed).front();
  if (auto error = check_input(state, in, to_lower(target->contact.property("email")))) {
    return {400, json::serialize(*error)};
  }
  apply(state, *target, in.properties);
  return {200, json::serialize(object_json(*target, nullptr))};
}

hs_answer hs_lifecycle_property(const hs_state& state) {
  json::array options;
  int order = 0;
  for (const auto& value : state.options.lifecycle_order) {
    options.push_back(json::object{{"label", value}, {"value", value}, {"displayOrder", order++}, {"hidden", false}});
  }
  const json::object body{{"name", stage_property},       {"label", "Lifecycle Stage"},
                          {"type", "enumeration"},        {"fieldType", "radio"},
                          {"groupName", "contactinformation"}, {"options", std::move(options)}};
  return {200, json::serialize(body)};
}

}  // namespace leadsync::tests::fakes
