// Field rules, Ids and error bodies of the fake Salesforce org.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include <boost/json/serialize.hpp>

#include "tests/fakes/salesforce_state.hpp"

namespace leadsync::tests::fakes {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 13> standard_lead_fields = {
    "Id",     "FirstName",  "LastName", "Company", "Email",    "Phone",  "Title",
    "Status", "LeadSource", "Rating",   "Website", "Industry", "Country"};
constexpr std::array<std::string_view, 3> read_only_fields = {"LastModifiedDate", "IsConverted",
                                                              "ConvertedContactId"};

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool in_allowed_set(const fake_salesforce_options& options, std::string_view name) {
  if (options.allowed_fields) {
    for (const auto& f : *options.allowed_fields) {
      if (iequals(f, name)) {
        return true;
      }
    }
    return false;
  }
  for (const auto f : standard_lead_fields) {
    if (iequals(f, name)) {
      return true;
    }
  }
  return ends_with_ci(name, "__c");
}

}  // namespace

sf_answer sf_request_error(unsigned status, std::string_view code, std::string_view message) {
  return {status, json::serialize(json::array{json::object{{"message", message}, {"errorCode", code}}})};
}

json::object sf_record_error(std::string_view code, std::string_view message, const std::vector<std::string>& fields) {
  json::array names;
  for (const auto& f : fields) {
    names.emplace_back(f);
  }
  return json::object{{"statusCode", code}, {"message", message}, {"fields", std::move(names)}};
}

std::optional<double> sf_api_version(std::string_view segment) {
  // "v60.0": a 'v', digits, '.', digits.
  if (segment.size() < 4 || segment[0] != 'v') {
    return std::nullopt;
  }
  const auto dot = segment.find('.');
  if (dot == std::string_view::npos || dot == 1 || dot + 1 == segment.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 1; i < segment.size(); ++i) {
    if (i != dot && (segment[i] < '0' || segment[i] > '9')) {
      return std::nullopt;
    }
  }
  return std::strtod(std::string(segment.substr(1)).c_str(), nullptr);
}

std::string sf_id_prefix(std::string_view type) {
  if (iequals(type, "Lead")) {
    return "00Q";
  }
  if (iequals(type, "Contact")) {
    return "003";
  }
  if (iequals(type, "Account")) {
    return "001";
  }
  return "a00";
}

std::string sf_new_id(sf_data& data, std::string_view type) {
  // Prefix + "Fk" + 13 digits = the 18 characters of a case-safe Id.
  char digits[16];
  std::snprintf(digits, sizeof digits, "%013llu", static_cast<unsigned long long>(data.next_id++));
  return sf_id_prefix(type) + "Fk" + digits;
}

bool sf_writable_field(const fake_salesforce_options& options, std::string_view name) {
  for (const auto f : read_only_fields) {
    if (iequals(f, name)) {
      return false;
    }
  }
  return in_allowed_set(options, name);
}

bool sf_selectable_field(const fake_salesforce_options& options, std::string_view name) {
  for (const auto f : read_only_fields) {
    if (iequals(f, name)) {
      return true;
    }
  }
  return iequals(name, "Id") || in_allowed_set(options, name);
}

const json::value* sf_field(const salesforce_record& record, std::string_view name) {
  for (const auto& kv : record.fields) {
    if (iequals(kv.key(), name)) {
      return &kv.value();
    }
  }
  return nullptr;
}

std::string sf_text(const json::value& v) {
  if (v.is_string()) {
    return std::string(v.as_string());
  }
  if (v.is_null()) {
    return {};
  }
  return json::serialize(v);
}

namespace {

std::string index_key(std::string_view type, std::string_view field, std::string_view value) {
  return std::string(type) + '|' + to_lower(field) + '|' + to_lower(value);
}

}  // namespace

void sf_index(sf_data& data, std::size_t pos) {
  const salesforce_record& r = data.records[pos].record;
  data.by_id[r.id] = pos;
  for (const auto& kv : r.fields) {
    if (kv.value().is_string()) {
      auto& slot = data.by_value[index_key(r.type, kv.key(), kv.value().get_string())];
      if (slot.empty() || slot.back() != pos) {  // repeats from re-indexing are weeded out by the reader
        slot.push_back(pos);
      }
    }
  }
}

const std::vector<std::size_t>& sf_candidates(const sf_data& data, std::string_view type, std::string_view field,
                                              std::string_view value) {
  static const std::vector<std::size_t> none;
  const auto it = data.by_value.find(index_key(type, field, value));
  return it == data.by_value.end() ? none : it->second;
}

}  // namespace leadsync::tests::fakes

namespace leadsync::tests {

std::string salesforce_record::field(std::string_view name) const {
  const auto* v = fakes::sf_field(*this, name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace leadsync::tests
