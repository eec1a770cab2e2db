#include <cmath>

#include <boost/json.hpp>

#include "core/definition.hpp"

namespace leadsync::core {
namespace {

namespace json = boost::json;

// Points as people write them: 10, not 1E1; 12.35, not 12.3456789.
json::value points(double p) {
  const double rounded = std::round(p * 100) / 100;
  if (rounded == std::trunc(rounded) && std::abs(rounded) < 1e15) {
    return static_cast<std::int64_t>(rounded);
  }
  return rounded;
}

}  // namespace

std::string breakdown_json(const evaluation& ev) {
  json::object o;
  o["score"] = points(ev.exact_score);
  json::object score_parts;
  for (const auto& p : ev.score_parts) {
    score_parts[p.rule] = points(p.points);
  }
  o["score_parts"] = std::move(score_parts);
  o["fit"] = points(ev.fit);
  o["grade"] = ev.grade;
  json::object fit_parts;
  for (const auto& p : ev.fit_parts) {
    fit_parts[p.rule] = points(p.points);
  }
  o["fit_parts"] = std::move(fit_parts);
  json::array junk;
  for (const auto& j : ev.junk) {
    junk.push_back(json::object{{"code", j.code}, {"message", j.message}});
  }
  o["junk"] = std::move(junk);
  if (!ev.track.empty()) {
    o["track"] = ev.track;
  }
  if (!ev.inputs.empty()) {
    o["inputs"] = ev.inputs;
  }
  if (ev.sla_breached) {
    o["sla_breached"] = true;
  }
  return json::serialize(o);
}

}  // namespace leadsync::core
