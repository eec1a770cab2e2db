#include "adapters/crm/hubspot/hubspot_answers.hpp"

#include <boost/json.hpp>

namespace leadsync::adapters::hubspot {
namespace {

std::string string_at(const boost::json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v != nullptr && v->is_string()) {
    return std::string{v->get_string()};
  }
  return {};
}

// Every string below `v`, for matching an error's context against emails.
void collect_strings(const boost::json::value& v, std::vector<std::string>& out, int depth = 0) {
  if (depth > 8) {
    return;
  }
  if (v.is_string()) {
    out.emplace_back(v.get_string());
  } else if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      collect_strings(item, out, depth + 1);
    }
  } else if (v.is_object()) {
    for (const auto& item : v.get_object()) {
      collect_strings(item.value(), out, depth + 1);
    }
  }
}

hubspot_error read_error(const boost::json::object& o) {
  hubspot_error e;
  e.category = string_at(o, "category");
  e.message = string_at(o, "message");
  e.correlation_id = string_at(o, "correlationId");
  e.policy_name = string_at(o, "policyName");
  if (const auto* details = o.if_contains("errors"); details != nullptr && details->is_array()) {
    const auto& list = details->get_array();
    if (!list.empty() && list.front().is_object()) {
      e.first_code = string_at(list.front().get_object(), "code");
    }
  }
  if (const auto* context = o.if_contains("context"); context != nullptr && context->is_object()) {
    for (const auto& [key, value] : context->get_object()) {
      collect_strings(value, key == "objectWriteTraceId" ? e.trace_ids : e.context_values);
    }
  }
  return e;
}

std::optional<boost::json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  return std::move(v.get_object());
}

}  // namespace

std::string lower(std::string_view text) {
  std::string out{text};
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string hubspot_error::code() const { return first_code.empty() ? category : first_code; }

std::string hubspot_error::describe() const {
  std::string out = message.empty() ? (category.empty() ? std::string{"no message"} : category) : message;
  if (!correlation_id.empty()) {
    out += " (correlationId " + correlation_id + ")";
  }
  return out;
}

bool hubspot_error::names_email(std::string_view email) const {
  if (email.empty()) {
    return false;
  }
  const std::string wanted = lower(email);
  for (const auto& value : context_values) {
    if (lower(value) == wanted) {
      return true;
    }
  }
  return lower(message).find(wanted) != std::string::npos;
}

std::optional<batch_answer> parse_batch_answer(std::string_view body) {
  auto o = parse_object(body);
  if (!o) {
    return std::nullopt;
  }
  const auto* results = o->if_contains("results");
  const auto* errors = o->if_contains("errors");
  const bool has_results = results != nullptr && results->is_array();
  const bool has_errors = errors != nullptr && errors->is_array();
  if (!has_results && !has_errors) {
    return std::nullopt;
  }
  batch_answer out;
  if (has_results) {
    for (const auto& item : results->get_array()) {
      if (!item.is_object()) {
        continue;
      }
      const auto& r = item.get_object();
      hubspot_result entry;
      entry.id = string_at(r, "id");
      entry.trace_id = string_at(r, "objectWriteTraceId");
      if (const auto* props = r.if_contains("properties"); props != nullptr && props->is_object()) {
        entry.email = string_at(props->get_object(), "email");
      }
      out.results.push_back(std::move(entry));
    }
  }
  if (has_errors) {
    for (const auto& item : errors->get_array()) {
      if (item.is_object()) {
        out.errors.push_back(read_error(item.get_object()));
      }
    }
  }
  return out;
}

hubspot_error parse_error(std::string_view body) {
  auto o = parse_object(body);
  return o ? read_error(*o) : hubspot_error{};
}

}  // namespace leadsync::adapters::hubspot
