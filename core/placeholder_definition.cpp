#include "core/placeholder_definition.hpp"

#include <array>
#include <string_view>
#include <utility>

namespace leadsync::core {
namespace {

constexpr std::array<std::string_view, 4> ladder{"anonymous", "identified", "engaged", "mql"};

int rank(std::string_view stage) {
  for (std::size_t i = 0; i < ladder.size(); ++i) {
    if (ladder[i] == stage) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

placeholder_definition::placeholder_definition(std::int64_t mql_score,
                                               std::map<std::string, std::int64_t, std::less<>> points)
    : mql_score_(mql_score), points_(std::move(points)) {}

evaluation placeholder_definition::evaluate(const lead& l, timestamp /*now*/) const {
  evaluation out;
  for (const auto& [kind, count] : l.activity_counts) {
    if (auto it = points_.find(kind); it != points_.end()) {
      out.score += it->second * count;
    }
  }
  if (l.email.empty()) {
    out.stage = "anonymous";
    out.rule = "placeholder.anonymous";
    out.reason = "no email known yet";
    return out;
  }
  if (out.score >= mql_score_) {
    out.stage = "mql";
    out.rule = "placeholder.mql";
    out.reason = "score " + std::to_string(out.score) + " >= mql_score " + std::to_string(mql_score_);
  } else if (out.score > 0) {
    out.stage = "engaged";
    out.rule = "placeholder.engaged";
    out.reason = "score " + std::to_string(out.score) + " > 0 (below mql_score " + std::to_string(mql_score_) + ")";
  } else {
    out.stage = "identified";
    out.rule = "placeholder.identified";
    out.reason = "email known, no scored activity";
  }
  // Forward only: a lead already further up the ladder (or in a stage this
  // definition does not know, e.g. one set by sales) keeps it.
  if (rank(l.stage) > rank(out.stage) || (!l.stage.empty() && rank(l.stage) < 0)) {
    out.stage = l.stage;
    out.rule = "placeholder.keep";
    out.reason = "stage " + l.stage + " is kept: this definition never moves a lead backwards";
  }
  return out;
}

}  // namespace leadsync::core
