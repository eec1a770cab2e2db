#include "adapters/crm/http/body_template.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "core/blanks.hpp"

namespace leadsync::adapters::http {
namespace {

constexpr std::size_t max_template_bytes = 64 * 1024;

constexpr std::array<std::string_view, 11> update_names{
    "email", "stage", "previous_stage", "score", "rule", "reason", "changed_at", "lead_id", "lead_key", "version",
    "connector"};
constexpr std::array<std::string_view, 9> contact_names{"first_name", "last_name", "company", "title", "phone",
                                                        "grade",      "fit",       "track",   "source"};

bool known(std::string_view name) {
  if (name.starts_with("fields.")) {
    const std::string_view trait = name.substr(7);
    return !trait.empty() && trait.find_first_of(" \t\r\n\"{}") == std::string_view::npos;
  }
  return std::find(update_names.begin(), update_names.end(), name) != update_names.end() ||
         std::find(contact_names.begin(), contact_names.end(), name) != contact_names.end();
}

std::string json_string(std::string_view value) { return boost::json::serialize(boost::json::string(value)); }

std::string json_value(const core::stage_update& u, std::string_view name) {
  if (name == "score") {
    return std::to_string(u.score);
  }
  if (name == "version") {
    return std::to_string(u.version);
  }
  if (name == "lead_id") {
    return std::to_string(u.lead_id);
  }
  if (name.starts_with("fields.")) {
    auto it = u.fields.find(name.substr(7));
    return it == u.fields.end() || it->second.empty() ? "null" : json_string(it->second);
  }
  auto value = core::update_field(u, name);
  return value ? json_string(*value) : "null";
}

// The name of a "{{name}}" starting at text[at], and where it ends; nullopt
// when no "}}" closes it on the same line.
std::optional<std::pair<std::string_view, std::size_t>> placeholder_at(std::string_view text, std::size_t at) {
  const std::size_t close = text.find("}}", at + 2);
  const std::size_t line_end = text.find('\n', at);
  if (close == std::string_view::npos || close > line_end) {
    return std::nullopt;
  }
  return std::pair{core::trim_blanks(text.substr(at + 2, close - at - 2)), close + 2};
}

}  // namespace

std::optional<body_template> body_template::parse(std::string_view text, std::vector<core::option_error>& errors) {
  const std::size_t errors_before = errors.size();
  if (core::trim_blanks(text).empty() || text.size() > max_template_bytes) {
    errors.push_back({"template", "expected a JSON document of 1 to 65536 bytes"});
    return std::nullopt;
  }
  body_template out;
  std::string literal;
  std::string with_nulls;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const bool opens = c == '{' && i + 1 < text.size() && text[i + 1] == '{';
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      } else if (opens) {
        // A value spliced into a string would break it; JSON strings carry it whole.
        if (auto p = placeholder_at(text, i); p && known(p->first)) {
          errors.push_back({"template", "{{" + std::string{p->first} +
                                            "}} is inside a JSON string; write it without quotes, e.g. "
                                            "\"key\": {{" + std::string{p->first} + "}}"});
          i = p->second;
          continue;
        }
      }
    } else if (c == '"') {
      in_string = true;
    } else if (opens) {
      auto p = placeholder_at(text, i);
      if (!p) {
        errors.push_back({"template", "\"{{\" at byte " + std::to_string(i) + " is not closed by \"}}\""});
        return std::nullopt;
      }
      if (!known(p->first)) {
        errors.push_back({"template", "unknown placeholder {{" + std::string{p->first} +
                                          "}}: use an update field (email, stage, previous_stage, score, rule, "
                                          "reason, changed_at, lead_id, lead_key, version, connector, first_name, "
                                          "last_name, company, title, phone, grade, fit, track, source) or "
                                          "fields.<trait>"});
      }
      out.pieces_.push_back({std::move(literal), false});
      literal.clear();
      out.pieces_.push_back({std::string{p->first}, true});
      with_nulls += "null";
      i = p->second;
      continue;
    }
    literal += c;
    with_nulls += c;
    ++i;
  }
  out.pieces_.push_back({std::move(literal), false});
  if (errors.size() != errors_before) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  boost::json::parse(with_nulls, ec);
  if (ec) {
    errors.push_back({"template", "not JSON once every placeholder is null: " + ec.message()});
    return std::nullopt;
  }
  std::erase_if(out.pieces_, [](const piece& p) { return !p.placeholder && p.text.empty(); });
  return out;
}

std::string body_template::render(const core::stage_update& u) const {
  std::string body;
  for (const piece& p : pieces_) {
    body += p.placeholder ? json_value(u, p.text) : p.text;
  }
  return body;
}

}  // namespace leadsync::adapters::http
