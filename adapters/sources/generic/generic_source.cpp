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

class generic_source final : public core::source_adapter {
 public:
  generic_source(std::string name, core::string_map map, core::string_map defaults, core::string_map attributes)
      : name_(std::move(name)), map_(std::move(map)), defaults_(std::move(defaults)), attributes_(std::move(attributes)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    if (auto bad = check_json_content_type(request)) {
      return *bad;
    }
    auto doc = parse_json_body(request.body);
    if (!doc) {
      return doc.failure();
    }
    if (!doc->is_object()) {
      return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object"};
    }

    core::event e;
    e.received_at = now;
    e.occurred_at = now;
    std::optional<error> problem;
    auto field = [&](std::string_view name) -> std::string {
      if (problem) {
        return {};
      }
      if (auto it = map_.find(name); it != map_.end()) {
        auto text = scalar_at(*doc, it->second, name);
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
      e.kind = "event";
    }
    if (auto at = field("occurred_at"); !at.empty()) {
      if (auto t = parse_epoch(at)) {
        e.occurred_at = *t;
      }
    }
    if (map_.count("event_id") != 0) {
      e.source_event_id = field("event_id");
      if (!problem && e.source_event_id.empty()) {
        problem = error{error_kind::unmappable, "missing_field",
                        "event_id: JSON pointer " + map_.at("event_id") + " is missing or empty in the body"};
      }
    } else {
      // No id from the sender: identical bodies are the same event.
      e.source_event_id = "sha256:" + sha256_hex(request.body);
    }
    for (const auto& [attr, pointer] : attributes_) {
      if (problem) {
        break;
      }
      auto text = scalar_at(*doc, pointer, attr);
      if (!text) {
        problem = text.failure();
      } else if (text->has_value()) {
        e.attributes.emplace(attr, **text);
      }
    }
    if (problem) {
      return *problem;
    }
    std::vector<core::event> out;
    out.push_back(std::move(e));
    return out;
  }

 private:
  std::string name_;
  core::string_map map_;
  core::string_map defaults_;
  core::string_map attributes_;
};

class generic_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "generic"; }
  std::string_view description() const override {
    return "any JSON object, mapped to the canonical event through JSON pointers";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{
        {"map", core::option_type::string_map, true,
         "canonical field -> JSON pointer into the body (" + canonical_list() + ")"},
        {"defaults", core::option_type::string_map, false, "canonical field -> value used when the body has none"},
        {"attributes", core::option_type::string_map, false, "attribute name -> JSON pointer, kept on the event"},
    };
    return specs;
  }

  core::build_result<core::source_adapter> create(std::string_view source_name,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    auto map = values.map_or_empty("map");
    auto defaults = values.map_or_empty("defaults");
    auto attributes = values.map_or_empty("attributes");
    for (const auto& [field, pointer] : map) {
      if (!is_canonical(field)) {
        out.errors.push_back({"map." + field, "unknown canonical field; expected one of " + canonical_list()});
      } else if (auto bad = check_json_pointer(pointer)) {
        out.errors.push_back({"map." + field, *bad});
      }
    }
    for (const auto& [field, value] : defaults) {
      if (!is_canonical(field) || field == "event_id") {
        out.errors.push_back({"defaults." + field, "no default possible; expected one of the canonical fields "
                                                   "other than event_id"});
      }
    }
    for (const auto& [name, pointer] : attributes) {
      if (auto bad = check_json_pointer(pointer)) {
        out.errors.push_back({"attributes." + name, *bad});
      }
    }
    if (map.find("email") == map.end() && map.find("anonymous_id") == map.end()) {
      out.errors.push_back({"map", "must map at least `email` or `anonymous_id`, or no lead can ever be found"});
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<generic_source>(std::string{source_name}, std::move(map), std::move(defaults),
                                                      std::move(attributes));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_generic_source_factory() { return std::make_unique<generic_factory>(); }

}  // namespace leadsync::adapters
