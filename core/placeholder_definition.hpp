#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/definition.hpp"

namespace leadsync::core {

// The minimal definition shipped until the real engine lands:
// anonymous (no email) -> identified (score 0) -> engaged (score > 0) ->
// mql (score >= mql_score),
// where score sums the configured points of each event kind seen.
// Never moves a lead backwards.
class placeholder_definition final : public lead_definition {
 public:
  placeholder_definition(std::int64_t mql_score, std::map<std::string, std::int64_t, std::less<>> points);

  evaluation evaluate(const lead& l, timestamp now) const override;

 private:
  std::int64_t mql_score_;
  std::map<std::string, std::int64_t, std::less<>> points_;
};

}  // namespace leadsync::core
