#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/expression/value.hpp"

namespace leadsync::core::expr {

// What an evaluation read: each name and each function call, with the value
// it had, in the order first read, for the "why" of a stage transition
// ("score=62 fit=25 junk=false"). Operands skipped by && and || short-circuit
// are not read and so not listed: the trace shows what decided the result.
//
// Values are rendered to text when recorded, so a trace owns its contents and
// outlives the environment and the expression. Recording allocates: pass a
// trace only when an explanation is wanted. Not thread-safe: one per
// evaluation (reuse it after clear()).
class trace {
 public:
  struct entry {
    std::string name;   // "score", "qualifiers.budget", "count(\"trial_started\", 14d)"
    std::string value;  // as the language writes it: 62, "A", true, 14d, null
  };

  // Keeps the first value recorded for a name; later reads of it are ignored.
  void record(std::string_view name, const value& v);

  const std::vector<entry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }
  void clear() noexcept { entries_.clear(); }

  // "score=62 fit=25 junk=false": entries joined by one space.
  std::string to_string() const;

 private:
  std::vector<entry> entries_;
};

}  // namespace leadsync::core::expr
