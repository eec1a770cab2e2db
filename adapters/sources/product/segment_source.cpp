#include "adapters/sources/product/segment_source.hpp"

#include <boost/json.hpp>

#include "adapters/sources/json_body.hpp"
#include "adapters/sources/product/payload_util.hpp"
#include "adapters/sources/product/segment_message.hpp"

namespace leadsync::adapters::product {
namespace {

namespace json = boost::json;
using core::error;
using core::error_kind;

// Track event names of the Segment B2B SaaS Spec and the common custom ones;
// `track_kinds` in config adds to these and overrides them.
const core::string_map& default_track_kinds() {
  static const core::string_map kinds{
      {"Signed Up", "product_signup"},         {"Account Created", "product_signup"},
      {"Trial Started", "trial_started"},      {"Teammate Invited", "teammate_invited"},
      {"Invite Sent", "teammate_invited"},
  };
  return kinds;
}

class segment_source final : public core::source_adapter {
 public:
  explicit segment_source(segment_settings settings) : settings_(std::move(settings)) {}

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
      return error{error_kind::unmappable, "not_an_object", "the body must be a JSON object (a Segment message)"};
    }
    std::vector<core::event> out;
    const json::value* batch = doc->get_object().if_contains("batch");
    if (batch == nullptr) {
      if (auto bad = add(*doc, "", nullptr, now, out)) {
        return *bad;
      }
      return out;
    }
    if (!batch->is_array()) {
      return error{error_kind::unmappable, "wrong_type", "batch: /batch must be an array of Segment messages"};
    }
    const json::value* context = doc->get_object().if_contains("context");
    if (context != nullptr && !context->is_object()) {
      context = nullptr;
    }
    std::size_t index = 0;
    for (const auto& message : batch->get_array()) {
      if (auto bad = add(message, "/batch/" + std::to_string(index++), context, now, out)) {
        return *bad;
      }
    }
    return out;
  }

 private:
  // Appends the message's event, if it has one; a whole batch fails on the
  // first bad message so the sender sees the problem instead of half a batch.
  std::optional<core::error> add(const json::value& message, const std::string& prefix,
                                 const json::value* batch_context, core::timestamp now,
                                 std::vector<core::event>& out) const {
    auto parsed = parse_segment_message(message, prefix, batch_context, settings_, now);
    if (!parsed) {
      return parsed.failure();
    }
    if (parsed->has_value()) {
      out.push_back(std::move(**parsed));
    }
    return std::nullopt;
  }

  segment_settings settings_;
};

class segment_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "segment"; }
  std::string_view description() const override {
    return "Segment identify / track / page messages (Webhooks destination, or an HTTP API batch)";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{
        {"track_kinds", core::option_type::string_map, false,
         "track event name -> event kind (\"Trial Started\" = \"trial_started\"); added to the built-in names; "
         "unlisted track events become \"product_event\""},
        {"keep_properties", core::option_type::string_list, false,
         "track/page property or identify trait names copied into the event's attributes"},
    };
    return specs;
  }

  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    segment_settings settings;
    const auto configured = values.map_or_empty("track_kinds");
    for (const auto& [name, kind] : configured) {
      if (name.empty()) {
        out.errors.push_back({"track_kinds", "a track event name must not be empty"});
      } else if (auto bad = check_identifier(kind)) {
        out.errors.push_back({"track_kinds." + name, "kind " + *bad});
      }
    }
    settings.track_kinds = merged(default_track_kinds(), configured);
    settings.keep_properties = values.list_or_empty("keep_properties");
    for (const auto& name : settings.keep_properties) {
      if (name.empty()) {
        out.errors.push_back({"keep_properties", "a property name must not be empty"});
      }
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<segment_source>(std::move(settings));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_segment_source_factory() { return std::make_unique<segment_factory>(); }

}  // namespace leadsync::adapters::product
