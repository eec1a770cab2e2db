#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/time.hpp"

namespace leadsync::ctl {

// Rows printed under a header with aligned columns, two spaces apart. Cells
// are measured in characters (UTF-8 aware), so names with accents line up.
class table {
 public:
  explicit table(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  [[nodiscard]] bool empty() const { return rows_.empty(); }
  // The last column is not padded, so lines carry no trailing blanks.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` on one line (control characters become spaces), cut to at most
// max_chars characters with "..." at the end when it was longer.
std::string one_line(std::string_view text, std::size_t max_chars = std::string_view::npos);

// "2d4h", "3m12s", "850ms": how long ago, for a human.
std::string format_age(std::chrono::milliseconds age);
// RFC 3339, or "-" for no time.
std::string format_time(std::optional<core::timestamp> t);
// The text, or "-" when it is empty.
std::string or_dash(std::string_view text);
// 12.5 -> "12.5", 3.0 -> "3"
std::string format_number(double v);

// One JSON document on one line: what --json prints.
void print_json(std::ostream& out, const boost::json::value& v);
// A whole number as an integer (Boost.JSON writes every double as 2.5E1).
boost::json::value json_number(double v);
// RFC 3339 string, or null.
boost::json::value json_time(std::optional<core::timestamp> t);

}  // namespace leadsync::ctl
