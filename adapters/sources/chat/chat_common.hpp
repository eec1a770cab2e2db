#pragma once

// What the live-chat formats share: qualifier answers (BANT/CHAMP) taken from
// the tool's custom attributes, the `fields`, `qualifiers` and `kinds`
// options of the vendor formats, and the rule that an event carrying a
// qualifier is "chat_qualified". Pure; a chat_mapping is immutable once built.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "adapters/sources/contact_fields.hpp"
#include "core/adapter.hpp"
#include "core/event.hpp"
#include "core/options.hpp"

namespace leadsync::adapters::chat {

// budget, authority, need, timeline, challenges, priority.
const std::vector<std::string>& qualifier_names();

// Appends an error for each key of a `qualifiers` option that is not a
// qualifier name.
void check_qualifier_names(const core::string_map& qualifiers, std::vector<core::option_error>& errors);

// The kind of an event that carries at least one qualifier.
inline constexpr std::string_view qualified_kind = "chat_qualified";

// Sets e.kind to chat_qualified when e carries a qualifier.
void mark_qualified(core::event& e);

// The scalar members of a JSON object (custom attributes) as named values;
// empty when `object` is null or not an object.
named_values object_values(const boost::json::value* object);

// The options of a vendor chat format and what they mean.
class chat_mapping {
 public:
  // `fields`, `qualifiers` and `kinds`; `attribute_help` says where the tool
  // keeps custom attributes, `default_kinds` lists the event types used.
  static std::vector<core::option_spec> option_specs(const std::string& attribute_help,
                                                     const core::string_map& default_kinds);

  static chat_mapping from_options(const core::option_values& values, const core::string_map& default_kinds,
                                   std::vector<core::option_error>& errors);

  // The kind an event type maps to; nullopt when the type is not used.
  std::optional<std::string> kind_of(std::string_view event_type) const;

  // Fills empty contact fields of `e` from custom attributes and adds the
  // qualifiers they answer.
  void apply(const named_values& attributes, core::event& e) const;

  // The attribute name `qualifier` is read from.
  const core::string_map& qualifiers() const { return qualifiers_; }

 private:
  contact_mapping contact_;
  core::string_map qualifiers_;  // qualifier -> attribute name
  core::string_map kinds_;       // event type -> kind; "" ignores the type
};

// The factory of a vendor chat format: its options are chat_mapping's, and
// `Source` is built from the mapping they give.
template <typename Source>
class vendor_chat_factory final : public core::source_factory {
 public:
  vendor_chat_factory(std::string_view format, std::string_view description, const std::string& attribute_help,
               const core::string_map& default_kinds)
      : format_(format),
        description_(description),
        default_kinds_(default_kinds),
        options_(chat_mapping::option_specs(attribute_help, default_kinds)) {}

  std::string_view format() const override { return format_; }
  std::string_view description() const override { return description_; }
  const std::vector<core::option_spec>& options() const override { return options_; }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    chat_mapping mapping = chat_mapping::from_options(values, default_kinds_, out.errors);
    if (out.errors.empty()) {
      out.instance = std::make_unique<Source>(std::move(mapping));
    }
    return out;
  }

 private:
  std::string_view format_;
  std::string_view description_;
  const core::string_map& default_kinds_;
  std::vector<core::option_spec> options_;
};

}  // namespace leadsync::adapters::chat
