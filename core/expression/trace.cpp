#include "core/expression/trace.hpp"

#include <algorithm>

namespace leadsync::core::expr {

void trace::record(std::string_view name, const value& v) {
  const bool seen = std::any_of(entries_.begin(), entries_.end(), [&](const entry& e) { return e.name == name; });
  if (!seen) {
    entries_.push_back(entry{std::string(name), expr::to_string(v)});
  }
}

std::string trace::to_string() const {
  std::string out;
  for (const entry& e : entries_) {
    if (!out.empty()) {
      out += ' ';
    }
    out += e.name;
    out += '=';
    out += e.value;
  }
  return out;
}

}  // namespace leadsync::core::expr
