#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.hpp"
#include "core/stage_update.hpp"

namespace leadsync::adapters::http {

// The `template` option of type = "http": a JSON document with {{name}}
// placeholders where values go. Each placeholder becomes the JSON encoding of
// the update's value: score, version and lead_id as numbers, everything else
// as a JSON string, null when the update has none. Names are the
// update_field names (email, stage, previous_stage, score, rule, reason,
// changed_at, lead_id, lead_key, version, connector), the standard contact
// fields (first_name, last_name, company, title, phone, grade, fit, track,
// source) and fields.<trait> for any trait. Immutable after parse().
class body_template {
 public:
  // The template, or nullopt with errors (key "template") when it is not
  // JSON with every placeholder null, names an unknown field, or puts a
  // placeholder inside a JSON string.
  static std::optional<body_template> parse(std::string_view text, std::vector<core::option_error>& errors);

  // The body for `u`, whose stage is already the label to send.
  std::string render(const core::stage_update& u) const;

 private:
  struct piece {
    std::string text;
    bool placeholder = false;  // `text` is then the name
  };
  std::vector<piece> pieces_;
};

}  // namespace leadsync::adapters::http
