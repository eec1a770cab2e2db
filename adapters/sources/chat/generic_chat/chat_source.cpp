// format = "chat": any chat tool that can post JSON, mapped like format =
// "generic" (map / defaults / constants / attributes through JSON pointer
// paths) plus `qualifiers` (qualifier -> pointer path). The kind defaults to
// chat_message and becomes chat_qualified when a qualifier is answered.
#include <boost/json.hpp>

#include "adapters/sources/chat/chat_common.hpp"
#include "adapters/sources/chat/chat_sources.hpp"
#include "adapters/sources/generic/generic_source.hpp"
#include "adapters/sources/json_body.hpp"

namespace leadsync::adapters::chat {
namespace {

class chat_source final : public core::source_adapter {
 public:
  chat_source(json_mapping mapping, core::string_map qualifiers)
      : mapping_(std::move(mapping)), qualifiers_(std::move(qualifiers)) {}

  core::result<std::vector<core::event>> parse(const core::inbound_request& request,
                                               core::timestamp now) const override {
    auto doc = parse_json_object(request);
    if (!doc) {
      return doc.failure();
    }
    auto e = mapping_.apply(*doc, request.body, now, "chat_message");
    if (!e) {
      return e.failure();
    }
    for (const auto& [qualifier, path] : qualifiers_) {
      auto answer = scalar_at_path(*doc, path, "qualifiers." + qualifier);
      if (!answer) {
        return answer.failure();
      }
      if (answer->has_value() && !(*answer)->empty()) {
        e->qualifiers.emplace(qualifier, std::move(**answer));
      }
    }
    mark_qualified(*e);
    std::vector<core::event> out;
    out.push_back(std::move(*e));
    return out;
  }

 private:
  json_mapping mapping_;
  core::string_map qualifiers_;  // qualifier -> pointer path
};

class chat_factory final : public core::source_factory {
 public:
  std::string_view format() const override { return "chat"; }
  std::string_view description() const override {
    return "any chat tool posting JSON, mapped through JSON pointers, with qualifier answers";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = [] {
      auto s = json_mapping::option_specs();
      s.push_back({"qualifiers", core::option_type::string_map, false,
                   "qualifier (budget, authority, need, timeline, challenges, priority) -> JSON pointer"});
      return s;
    }();
    return specs;
  }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    json_mapping mapping = json_mapping::from_options(values, out.errors);
    core::string_map qualifiers = values.map_or_empty("qualifiers");
    check_qualifier_names(qualifiers, out.errors);
    for (const auto& [name, path] : qualifiers) {
      if (auto bad = check_json_path(path); bad && !path.empty()) {
        out.errors.push_back({"qualifiers." + name, *bad});
      }
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<chat_source>(std::move(mapping), std::move(qualifiers));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::source_factory> make_chat_factory() { return std::make_unique<chat_factory>(); }

}  // namespace leadsync::adapters::chat
