#include "adapters/sources/generic/generic_source.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

// Canonical event fields a mapping may name.
constexpr std::array<std::string_view, 10> canonical_fields{
    "event_id", "kind", "occurred_at", "email", "anonymous_id", "first_name", "last_name", "company", "title", "phone"};

bool is_canonical(std::string_view field) {
  return std::find(canonical_fields.begin(), canonical_fields.end(), field) != canonical_fields.end();
}

std::string canonical_list() {
  std::string out;
  for (auto f : canonical_fields) {
    out += out.empty() ? "" : ", ";
    out += f;
  }
  return out;
}

// Fixed values (defaults, constants) may name any canonical field but the
// id: a fixed id would make every post a duplicate of the first.
void check_fixed(const core::string_map& values, const std::string& option, std::string_view noun,
                 std::vector<core::option_error>& errors) {
  for (const auto& [field, value] : values) {
    if (!is_canonical(field) || field == "event_id") {
      errors.push_back(
          {option + "." + field,
           "no " + std::string{noun} + " possible; expected one of the canonical fields other than event_id"});
    }
  }
}

}  // namespace

std::vector<core::option_spec> json_mapping::option_specs() {
  return {
      {"map", core::option_type::string_map, true,
       "canonical field -> JSON pointer into the body (" + canonical_list() +
           "); a segment [key=value] selects an array element by content"},
      {"defaults", core::option_type::string_map, false, "canonical field -> value used when the body has none"},
      {"constants", core::option_type::string_map, false,
       "canonical field -> value always used, whatever the body says"},
      {"attributes", core::option_type::string_map, false, "attribute name -> JSON pointer, kept on the event"},
  };
}

json_mapping json_mapping::from_options(const core::option_values& values, std::vector<core::option_error>& errors) {
  json_mapping m;
  m.map_ = values.map_or_empty("map");
  m.defaults_ = values.map_or_empty("defaults");
  m.constants_ = values.map_or_empty("constants");
  m.attributes_ = values.map_or_empty("attributes");
  for (const auto& [field, pointer] : m.map_) {
    if (!is_canonical(field)) {
      errors.push_back({"map." + field, "unknown canonical field; expected one of " + canonical_list()});
    } else if (auto bad = check_json_path(pointer)) {
      errors.push_back({"map." + field, *bad});
    }
  }
  check_fixed(m.defaults_, "defaults", "default", errors);
  check_fixed(m.constants_, "constants", "constant", errors);
  for (const auto& [name, pointer] : m.attributes_) {
    if (auto bad = check_json_path(pointer)) {
      errors.push_back({"attributes." + name, *bad});
    }
  }
  if (m.map_.find("email") == m.map_.end() && m.map_.find("anonymous_id") == m.map_.end()) {
    errors.push_back({"map", "must map at least `email` or `anonymous_id`, or no lead can ever be found"});
  }
  return m;
}

core::result<core::event> json_mapping::apply(const json::value& doc, std::string_view body, core::timestamp now,
                                              std::string_view default_kind) const {
  core::event e;
  e.received_at = now;
  e.occurred_at = now;
  std::optional<error> problem;
  auto field = [&](std::string_view name) -> std::string {
    if (problem) {
      return {};
    }
    if (auto it = constants_.find(name); it != constants_.end()) {
      return it->second;
    }
    if (auto it = map_.find(name); it != map_.end()) {
      auto text = scalar_at_path(doc, it->second, name);
      if (!text) {
        problem = text.failure();
        return {};
      }
      if (text->has_value()) {
        return **text;
      }
    }
    if (auto it = defaults_.find(name); it != defaults_.end()) {
      return it->second;
    }
    return {};
  };

  e.email = field("email");
  e.anonymous_id = field("anonymous_id");
  e.first_name = field("first_name");
  e.last_name = field("last_name");
  e.company = field("company");
  e.title = field("title");
  e.phone = field("phone");
  e.kind = field("kind");
  if (e.kind.empty()) {
    e.kind = std::string{default_kind};
  }
  if (auto at = field("occurred_at"); !at.empty()) {
    if (auto t = parse_timestamp(at)) {
      e.occurred_at = *t;
    }
  }
  if (map_.count("event_id") != 0) {
    e.source_event_id = field("event_id");
    if (!problem && e.source_event_id.empty()) {
      problem = missing_field("event_id: JSON pointer " + map_.at("event_id") + " is missing or empty in the body");
    }
  } else {
    // No id from the sender: identical bodies are the same event.
    e.source_event_id = "sha256:" + sha256_hex(body);
  }
  for (const auto& [attr, pointer] : attributes_) {
    if (problem) {
      break;
    }
    auto text = scalar_at_path(doc, pointer, attr);
    if (!text) {
      problem = text.failure();
    } else if (text->has_value()) {
      e.attributes.emplace(attr, **text);
    }
  }
  if (problem) {
    return *problem;
  }
  return e;
}

namespace {

class generic_source final : public core::source_adapter {
 public:
  explicit generic_source(json_mapping mapping) : mapping_(std::move(mapping)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    auto e = mapping_.apply(*doc, request.body, now, "event");
    if (!e) {
      return e.failure();
    }
    std::vector<core::event> out;
    out.push_back(std::move(*e));
    return out;
  }

 private:
  json_mapping mapping_;
};

class generic_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "generic"; }
  std::string_view description() const override {
    return "any JSON object, mapped to the canonical event through JSON pointers";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = json_mapping::option_specs();
    return specs;
  }

  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    json_mapping mapping = json_mapping::from_options(values, out.errors);
    if (out.errors.empty()) {
      out.instance = std::make_unique<generic_source>(std::move(mapping));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_generic_source_factory() { return std::make_unique<generic_factory>(); }

}  // namespace leadsync::adapters
