#include "adapters/crm/salesforce/answers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/json.hpp>

namespace leadsync::adapters::salesforce {
namespace {

namespace json = boost::json;

std::optional<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return std::nullopt;
  }
  return v;
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string{v->get_string()} : std::string{};
}

const json::array* array_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

const json::object* object_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// Duplicate rules may match records of other objects (a Lead rule matching
// Contacts); only records of the object written can be updated in its place.
std::vector<std::string> duplicate_ids(const json::object& error, std::string_view object) {
  std::vector<std::string> ids;
  const json::object* result = object_member(error, "duplicateResult");
  const json::array* matches = result != nullptr ? array_member(*result, "matchResults") : nullptr;
  if (matches == nullptr) {
    return ids;
  }
  for (const auto& match : *matches) {
    const json::object* m = match.if_object();
    if (m == nullptr) {
      continue;
    }
    if (const auto entity = text(*m, "entityType"); !entity.empty() && !same_name(entity, object)) {
      continue;
    }
    const json::array* records = array_member(*m, "matchRecords");
    if (records == nullptr) {
      continue;
    }
    for (const auto& entry : *records) {
      const json::object* e = entry.if_object();
      const json::object* record = e != nullptr ? object_member(*e, "record") : nullptr;
      if (record == nullptr) {
        continue;
      }
      const json::object* attributes = object_member(*record, "attributes");
      if (attributes != nullptr && !text(*attributes, "type").empty() &&
          !same_name(text(*attributes, "type"), object)) {
        continue;
      }
      if (auto id = text(*record, "Id"); !id.empty()) {
        ids.push_back(std::move(id));
      }
    }
  }
  return ids;
}

sf_error read_error(const json::object& o, std::string_view object) {
  sf_error e;
  e.code = text(o, "statusCode");
  if (e.code.empty()) {
    e.code = text(o, "errorCode");
  }
  e.message = text(o, "message");
  if (const json::array* fields = array_member(o, "fields")) {
    for (const auto& f : *fields) {
      if (f.is_string()) {
        e.fields.emplace_back(f.get_string());
      }
    }
  }
  if (e.code == "DUPLICATES_DETECTED") {
    e.duplicate_ids = duplicate_ids(o, object);
  }
  return e;
}

std::vector<sf_error> read_errors(const json::array& errors, std::string_view object) {
  std::vector<sf_error> out;
  for (const auto& v : errors) {
    if (const json::object* o = v.if_object()) {
      out.push_back(read_error(*o, object));
    }
  }
  return out;
}

}  // namespace

std::string describe(const sf_error& e) {
  std::string out = e.message.empty() ? e.code : e.message;
  if (out.size() > 500) {
    out.resize(500);
  }
  if (!e.fields.empty()) {
    out += " (fields: ";
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      out += (i == 0 ? "" : ", ") + e.fields[i];
    }
    out += ")";
  }
  return out;
}

std::optional<std::vector<record_answer>> parse_collection_results(std::string_view body, std::string_view object) {
  auto v = parse_json(body);
  const json::array* results = v ? v->if_array() : nullptr;
  if (results == nullptr) {
    return std::nullopt;
  }
  std::vector<record_answer> out;
  out.reserve(results->size());
  for (const auto& entry : *results) {
    record_answer a;
    if (const json::object* o = entry.if_object()) {
      const auto* success = o->if_contains("success");
      a.success = success != nullptr && success->is_bool() && success->get_bool();
      a.id = text(*o, "id");
      if (const json::array* errors = array_member(*o, "errors")) {
        a.errors = read_errors(*errors, object);
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<sf_error> parse_request_errors(std::string_view body) {
  auto v = parse_json(body);
  if (!v) {
    return {};
  }
  if (const json::array* errors = v->if_array()) {
    return read_errors(*errors, {});
  }
  // Some edges answer with a single object instead of an array.
  if (const json::object* o = v->if_object(); o != nullptr && (o->contains("errorCode") || o->contains("message"))) {
    return {read_error(*o, {})};
  }
  return {};
}

std::optional<query_page> parse_query_page(std::string_view body) {
  auto v = parse_json(body);
  const json::object* o = v ? v->if_object() : nullptr;
  const json::array* records = o != nullptr ? array_member(*o, "records") : nullptr;
  if (records == nullptr) {
    return std::nullopt;
  }
  query_page page;
  for (const auto& r : *records) {
    if (const json::object* record = r.if_object()) {
      page.rows.push_back({text(*record, "Id"), text(*record, "Email")});
    }
  }
  const auto* done = o->if_contains("done");
  if (done != nullptr && done->is_bool() && !done->get_bool()) {
    page.next_records_url = text(*o, "nextRecordsUrl");
  }
  return page;
}

std::optional<api_usage> parse_limit_info(std::string_view header) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view item = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    constexpr std::string_view key = "api-usage=";
    if (!item.starts_with(key)) {
      continue;
    }
    item.remove_prefix(key.size());
    api_usage usage;
    const char* last = item.data() + item.size();
    auto [slash, ec] = std::from_chars(item.data(), last, usage.used);
    if (ec != std::errc{} || slash == last || *slash != '/') {
      return std::nullopt;
    }
    auto [rest, ec2] = std::from_chars(slash + 1, last, usage.limit);
    if (ec2 != std::errc{} || usage.used < 0 || usage.limit <= 0) {
      return std::nullopt;
    }
    (void)rest;  // "(appName=...)" may follow
    return usage;
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::salesforce
