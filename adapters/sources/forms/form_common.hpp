#pragma once

// What the form formats share: the options `fields`, `attributes` and `kind`,
// and turning one submission's values into its event. Pure; a
// submission_mapping is immutable once built.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sources/contact_fields.hpp"
#include "core/adapter.hpp"
#include "core/event.hpp"
#include "core/options.hpp"
#include "core/time.hpp"

namespace leadsync::adapters::forms {

// Kept as attributes whenever a submission carries them: the UTM tags.
const core::string_map& default_attributes();

// The specs of `fields`, `attributes` and `kind`; `reference_help` says what
// a reference names in this tool ("a field ref or hidden field name").
std::vector<core::option_spec> common_options(const std::string& reference_help);

struct submission_mapping {
  contact_mapping contact;
  std::string kind;
};

// Reads and validates the common options, appending one error per problem.
submission_mapping read_common_options(const core::option_values& values, std::vector<core::option_error>& errors);

// The event of one submission: `id` is the idempotency key, `occurred` the
// tool's time of submission (now when unknown).
core::event submission_event(const submission_mapping& mapping, std::string id, std::optional<core::timestamp> occurred,
                             core::timestamp now, const named_values& values, const type_hints& hints = {});

// The factory of a form format that takes the common options only: `Source`
// is built from the submission_mapping they give.
template <typename Source>
class submission_factory final : public core::source_factory {
 public:
  submission_factory(std::string_view format, std::string_view description, const std::string& reference_help)
      : format_(format), description_(description), options_(common_options(reference_help)) {}

  std::string_view format() const override { return format_; }
  std::string_view description() const override { return description_; }
  const std::vector<core::option_spec>& options() const override { return options_; }
  core::build_result<core::source_adapter> create(std::string_view /*source_name*/,
                                                  const core::option_values& values) const override {
    core::build_result<core::source_adapter> out;
    submission_mapping mapping = read_common_options(values, out.errors);
    if (out.errors.empty()) {
      out.instance = std::make_unique<Source>(std::move(mapping));
    }
    return out;
  }

 private:
  std::string_view format_;
  std::string_view description_;
  std::vector<core::option_spec> options_;
};

}  // namespace leadsync::adapters::forms
