#include "core/definition/environment.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace leadsync::core::definition {
namespace {

using expr::call_result;
using expr::value;
using expr::value_kind;

std::string domain_of(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) {
    return {};
  }
  std::string d{email.substr(at + 1)};
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::tolower(c); });
  return d;
}

value lookup_in(const string_map& m, std::string_view key) {
  const auto it = m.find(key);
  return it == m.end() ? value::null() : text_value(it->second);
}

double days(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 86'400'000.0; }

bool starts_with_any(std::string_view text, const value& prefixes) {
  if (prefixes.kind() == value_kind::string) {
    return text.starts_with(prefixes.as_string());
  }
  for (const value& p : prefixes.as_list()) {
    if (p.kind() == value_kind::string && text.starts_with(p.as_string())) {
      return true;
    }
  }
  return false;
}

// Numbers in text (a NAICS code, an employee count) compare as text here.
std::string_view as_text(const value& v, std::deque<std::string>& scratch) {
  if (v.kind() == value_kind::string) {
    return v.as_string();
  }
  return scratch.emplace_back(expr::to_string(v));
}

}  // namespace

value text_value(const std::string& text) {
  if (text.empty()) {
    return value::null();
  }
  double n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec == std::errc{} && ptr == end && std::isfinite(n)) {
    return value::number(n);
  }
  return value::string(text);
}

call_result common_call(expr::function_id id, std::span<const value> args, std::deque<std::string>& scratch) {
  switch (id) {
    case ids::has: {
      const value& v = args[0];
      if (v.is_null()) {
        return value::boolean(false);
      }
      if (v.kind() == value_kind::string) {
        return value::boolean(!v.as_string().empty());
      }
      if (v.kind() == value_kind::list) {
        return value::boolean(!v.as_list().empty());
      }
      return value::boolean(true);
    }
    case ids::starts_with:
    case ids::contains: {
      if (args[0].is_null()) {
        return value::boolean(false);
      }
      if (args[0].kind() != value_kind::string && args[0].kind() != value_kind::number) {
        return call_result::fail("needs text as its first argument");
      }
      const std::string_view text = as_text(args[0], scratch);
      if (id == ids::contains) {
        if (args[1].kind() != value_kind::string) {
          return call_result::fail("needs text as its second argument");
        }
        return value::boolean(text.find(args[1].as_string()) != std::string_view::npos);
      }
      if (args[1].kind() != value_kind::string && args[1].kind() != value_kind::list) {
        return call_result::fail("needs a prefix or a list of prefixes as its second argument");
      }
      return value::boolean(starts_with_any(text, args[1]));
    }
    case ids::lower: {
      if (args[0].kind() != value_kind::string) {
        return args[0].is_null() ? call_result{value::null()} : call_result::fail("needs text");
      }
      std::string& out = scratch.emplace_back(args[0].as_string());
      std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
      return value::string(out);
    }
    default:
      return call_result::fail("is not available here");
  }
}

event_environment::event_environment(const event& e) : event_(e), email_domain_(domain_of(e.email)) {}

value event_environment::lookup(expr::name_ref name) const {
  switch (name.id) {
    case ids::kind:
      return value::string(event_.kind);
    case ids::source:
      return value::string(event_.source);
    case ids::email_domain:
      return email_domain_.empty() ? value::null() : value::string(email_domain_);
    case ids::attributes:
      return lookup_in(event_.attributes, name.suffix);
    case ids::qualifiers:
      return lookup_in(event_.qualifiers, name.suffix);
    default:
      return value::null();
  }
}

call_result event_environment::call(expr::function_id id, std::span<const value> args) const {
  return common_call(id, args, scratch_);
}

lead_environment::lead_environment(const lead& l, const evaluation& so_far, timestamp now)
    : lead_(l), so_far_(so_far), now_(now), email_domain_(domain_of(l.email)) {}

value lead_environment::lead_field(std::string_view field) const {
  if (field == "email") {
    return text_value(lead_.email);
  }
  if (field == "first_name") {
    return text_value(lead_.first_name);
  }
  if (field == "last_name") {
    return text_value(lead_.last_name);
  }
  if (field == "company") {
    return text_value(lead_.company);
  }
  if (field == "title") {
    return text_value(lead_.title);
  }
  return lookup_in(lead_.traits, field);
}

value lead_environment::lookup(expr::name_ref name) const {
  switch (name.id) {
    case ids::email_domain:
      return email_domain_.empty() ? value::null() : value::string(email_domain_);
    case ids::lead:
      return lead_field(name.suffix);
    case ids::qualifiers:
      return lookup_in(lead_.qualifiers, name.suffix);
    case ids::score:
      // The score as shown (rounded): a 10-point activity one minute old has
      // decayed to 9.9997, and `score >= 10` must still hold for it.
      return value::number(static_cast<double>(so_far_.score));
    case ids::fit:
      return value::number(so_far_.fit);
    case ids::grade:
      return so_far_.grade.empty() ? value::null() : value::string(so_far_.grade);
    case ids::junk:
      return value::boolean(!so_far_.junk.empty());
    case ids::stage:
      return lead_.stage.empty() ? value::null() : value::string(lead_.stage);
    case ids::sales_stage:
      return lead_.sales_stage.empty() ? value::null() : value::string(lead_.sales_stage);
    case ids::recycled:
      return value::boolean(lead_.recycled_at != timestamp{} && lead_.last_activity <= lead_.recycled_at);
    case ids::sla_breached:
      return value::boolean(so_far_.sla_breached || lead_.sla_breached);
    case ids::days_since_last_activity:
      return lead_.last_activity == timestamp{} ? value::null() : value::number(days(now_ - lead_.last_activity));
    case ids::days_in_stage:
      return lead_.stage_since == timestamp{} ? value::null() : value::number(days(now_ - lead_.stage_since));
    case ids::activities:
      return value::number(static_cast<double>(lead_.activities.size()));
    default:
      return value::null();
  }
}

call_result lead_environment::count(std::span<const value> args) const {
  if (args[0].kind() != value_kind::string) {
    return call_result::fail("needs an activity kind (text) as its first argument");
  }
  timestamp since{};
  if (args.size() == 2) {
    if (args[1].kind() != value_kind::duration) {
      return call_result::fail("needs a duration such as 14d as its second argument");
    }
    since = now_ - args[1].as_duration();
  }
  // What happened before sales passed the lead back does not qualify it again.
  since = std::max(since, lead_.recycled_at);
  const std::string_view name = args[0].as_string();
  double n = 0;
  // Newest first: a windowed count stops at the first activity older than the window.
  for (auto it = lead_.activities.rbegin(); it != lead_.activities.rend(); ++it) {
    if (it->at < since) {
      break;
    }
    if ((it->kind == name || it->rule == name) && it->at <= now_) {
      n += 1;
    }
  }
  return value::number(n);
}

call_result lead_environment::call(expr::function_id id, std::span<const value> args) const {
  if (id == ids::count) {
    return count(args);
  }
  return common_call(id, args, scratch_);
}

}  // namespace leadsync::core::definition
