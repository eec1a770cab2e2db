#include "daemon/ctl/output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>

#include <boost/json/serialize.hpp>

namespace leadsync::ctl {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Characters, not bytes: a continuation byte does not start one.
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(static_cast<unsigned char>(c)); }));
}

}  // namespace

table::table(std::vector<std::string> header) : header_(std::move(header)) {}

void table::add(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

void table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(header_.size());
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  };
  measure(header_);
  for (const auto& row : rows_) {
    measure(row);
  }
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) {
        out << std::string(widths[i] - width(row[i]) + 2, ' ');
      }
    }
    out << '\n';
  };
  line(header_);
  for (const auto& row : rows_) {
    line(row);
  }
}

std::string one_line(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars == std::string_view::npos ? text.size() : max_chars * 4));
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!is_continuation(c)) {
      if (chars == max_chars) {
        // Room for "..." is made by dropping the last three characters.
        for (int dropped = 0; dropped < 3 && !out.empty();) {
          const bool starts_char = !is_continuation(static_cast<unsigned char>(out.back()));
          out.pop_back();
          dropped += starts_char ? 1 : 0;
        }
        return out + "...";
      }
      ++chars;
    }
    out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
  }
  return out;
}

std::string format_age(std::chrono::milliseconds age) {
  using namespace std::chrono;
  if (age < 0ms) {
    age = 0ms;
  }
  if (age < 1s) {
    return std::to_string(age.count()) + "ms";
  }
  const auto d = duration_cast<days>(age);
  const auto h = duration_cast<hours>(age - d);
  const auto m = duration_cast<minutes>(age - d - h);
  const auto s = duration_cast<seconds>(age - d - h - m);
  if (d.count() > 0) {
    return std::to_string(d.count()) + "d" + std::to_string(h.count()) + "h";
  }
  if (h.count() > 0) {
    return std::to_string(h.count()) + "h" + std::to_string(m.count()) + "m";
  }
  if (m.count() > 0) {
    return std::to_string(m.count()) + "m" + std::to_string(s.count()) + "s";
  }
  return std::to_string(s.count()) + "s";
}

std::string format_time(std::optional<core::timestamp> t) {
  return t && *t != core::timestamp{} ? core::format_rfc3339(*t) : "-";
}

std::string or_dash(std::string_view text) { return text.empty() ? std::string{"-"} : std::string{text}; }

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') {
    s.pop_back();
  }
  return s;
}

void print_json(std::ostream& out, const boost::json::value& v) { out << boost::json::serialize(v) << '\n'; }

boost::json::value json_number(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e15) {
    return static_cast<std::int64_t>(v);
  }
  return v;
}

boost::json::value json_time(std::optional<core::timestamp> t) {
  if (!t || *t == core::timestamp{}) {
    return nullptr;
  }
  return boost::json::value(core::format_rfc3339(*t));
}

}  // namespace leadsync::ctl
