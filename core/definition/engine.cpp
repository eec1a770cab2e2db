#include "core/definition/engine.hpp"

#include <algorithm>
#include <cmath>

#include "core/definition/environment.hpp"
#include "core/expression/trace.hpp"
#include "core/junk/classify.hpp"

namespace leadsync::core::definition {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view crm_stage_changed = "crm_stage_changed";
constexpr std::string_view purchased_trait = "junk.purchased_list";

std::string day_text(timestamp t) { return format_rfc3339(t).substr(0, 10); }

bool listed(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool uses_count(const lead_definition_model& m) {
  for (const auto& s : m.stages) {
    for (const auto& r : s.rules) {
      if (r.when.uses_function(ids::count) || r.when.uses_name(ids::days_since_last_activity) ||
          r.when.uses_name(ids::days_in_stage)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

engine::engine(std::shared_ptr<const lead_definition_model> model)
    : model_(std::move(model)),
      base_stage_(model_->stages.size() > 1 ? 1 : 0),
      time_sensitive_rules_(uses_count(*model_)) {}

void engine::record(lead& l, const event& e) const {
  const lead_definition_model& m = *model_;
  const timestamp at = std::min(e.occurred_at == timestamp{} ? e.received_at : e.occurred_at, e.received_at);

  if (e.kind == crm_stage_changed) {
    const auto it = e.attributes.find("stage");
    const std::string_view stage = it == e.attributes.end() ? std::string_view{} : std::string_view{it->second};
    if (stage == m.recycle.stage || stage == "recycled") {
      l.recycled_at = at;
      l.sales_stage.clear();
      l.sla_breached = false;
      l.qualifiers.clear();  // old answers must not qualify the lead again by themselves
      if (m.recycle.reset_score) {
        l.score_since = at;
      }
    } else if (const auto idx = m.index_of(stage); idx != std::string_view::npos && m.stages[idx].who == owner::sales) {
      l.sales_stage = std::string{stage};
      l.sales_stage_at = at;
      l.sla_breached = false;
    }
    return;  // what sales does is not the lead's activity
  }

  // Purchased-list provenance is a property of the event's source; remember it.
  const auto flags = junk::classify(junk::person_of(e), m.junk);
  for (const auto& f : flags) {
    if (f.code == junk::codes::purchased_list) {
      l.traits[std::string{purchased_trait}] = f.message;
    }
  }

  activity a;
  a.kind = e.kind;
  a.at = at;
  const event_environment env(e);
  for (const score_rule& rule : m.score.rules) {
    const auto held = rule.when.test(env);
    if (!held || !held.value()) {
      continue;
    }
    double points = rule.points;
    if (rule.window && rule.window_cap && points > 0) {
      double recent = 0;
      for (const activity& past : l.activities) {
        if (past.rule == rule.name && past.at > at - *rule.window && past.at >= l.score_since) {
          recent += past.points;
        }
      }
      points = std::clamp(*rule.window_cap - recent, 0.0, points);
    }
    a.rule = rule.name;
    a.points = points;
    break;  // the first rule that holds scores the activity
  }
  const auto pos = std::upper_bound(l.activities.begin(), l.activities.end(), at,
                                    [](timestamp t, const activity& x) { return t < x.at; });
  l.activities.insert(pos, std::move(a));
  if (l.activities.size() > m.max_activities) {
    l.activities.erase(l.activities.begin(),
                       l.activities.begin() + static_cast<std::ptrdiff_t>(l.activities.size() - m.max_activities));
  }
  l.last_activity = std::max(l.last_activity, at);
}

void engine::score(const lead& l, timestamp now, evaluation& ev) const {
  const scoring& s = model_->score;
  ev.score_parts.reserve(s.rules.size());
  for (const score_rule& rule : s.rules) {
    double sum = 0;
    bool seen = false;
    for (const activity& a : l.activities) {
      if (a.rule != rule.name || a.at < l.score_since) {
        continue;
      }
      seen = true;
      double p = a.points;
      if (s.half_life && a.at < now) {
        const double age = static_cast<double>((now - a.at).count());
        p *= std::exp2(-age / static_cast<double>(s.half_life->count()));
      }
      sum += p;
    }
    if (!seen) {
      continue;
    }
    if (rule.cap && sum > *rule.cap) {
      sum = *rule.cap;
    }
    ev.score_parts.push_back({rule.name, sum});
    ev.exact_score += sum;
  }
  ev.score = std::llround(ev.exact_score);
}

void engine::assess_fit(const lead& l, timestamp now, evaluation& ev) const {
  const fit& f = model_->fit_model;
  const lead_environment env(l, ev, now);
  for (const fit_rule& rule : f.rules) {
    const auto held = rule.when.test(env);
    if (held && held.value()) {
      ev.fit_parts.push_back({rule.name, rule.points});
      ev.fit += rule.points;
    }
  }
  for (const grade& g : f.grades) {
    ev.grade = g.name;
    if (ev.fit >= g.min_fit) {
      break;
    }
  }
}

void engine::decide_stage(const lead& l, timestamp now, evaluation& ev) const {
  const lead_definition_model& m = *model_;
  const auto& stages = m.stages;
  auto set = [&](std::size_t idx, std::string rule, std::string reason) {
    ev.stage = stages[idx].name;
    ev.rule = std::move(rule);
    ev.reason = std::move(reason);
  };
  if (l.email.empty()) {
    set(0, "identity.anonymous", "no email known yet");
    return;
  }

  std::size_t chosen = base_stage_;
  const bool sales_says = !l.sales_stage.empty() && l.sales_stage_at > l.recycled_at &&
                          m.index_of(l.sales_stage) != std::string_view::npos;
  const bool waiting_after_recycle = l.recycled_at != timestamp{} && l.last_activity <= l.recycled_at;
  if (sales_says) {
    chosen = m.index_of(l.sales_stage);
    set(chosen, "crm", "set by sales in the CRM on " + day_text(l.sales_stage_at));
  } else if (waiting_after_recycle) {
    chosen = m.index_of(m.recycle.stage);
    set(chosen, "recycling", "passed back to marketing on " + day_text(l.recycled_at) + "; no activity since");
  } else {
    set(base_stage_, "base", "email known; no rule of a higher stage holds");
    const lead_environment env(l, ev, now);
    bool found = false;
    for (std::size_t idx = stages.size(); idx-- > base_stage_ + 1 && !found;) {
      for (const stage_rule& rule : stages[idx].rules) {
        const auto held = rule.when.test(env);
        if (held && held.value()) {
          // Only the rule that decided is traced: tracing allocates.
          expr::trace t;
          (void)rule.when.test(env, t);
          chosen = idx;
          ev.track = rule.track;
          ev.inputs = t.to_string();
          set(idx, rule.name, "rule '" + rule.name + "' holds: " + std::string{rule.when.source()});
          found = true;
          break;
        }
      }
    }
    if (!ev.junk.empty() && chosen > base_stage_) {
      std::string codes;
      for (const auto& j : ev.junk) {
        codes += (codes.empty() ? "" : ", ") + j.code;
      }
      chosen = base_stage_;
      ev.track.clear();
      set(chosen, "junk", "junk leads never advance past " + stages[base_stage_].name + ": " + codes);
    }
  }

  // Inactivity recycling: explicit, with its own rule, even for sales stages.
  if (m.recycle.inactivity && listed(m.recycle.inactivity_stages, stages[chosen].name)) {
    const timestamp active = std::max(l.last_activity, sales_says ? l.sales_stage_at : timestamp{});
    if (now - active > *m.recycle.inactivity) {
      const auto days = std::chrono::duration_cast<std::chrono::hours>(now - active).count() / 24;
      const std::string from = stages[chosen].name;
      chosen = m.index_of(m.recycle.stage);
      ev.track.clear();
      set(chosen, "recycling.inactivity", "no activity for " + std::to_string(days) + " days in " + from);
    }
  }

  // SLA: a hand-off stage sales has not answered in time.
  const stage& s = stages[chosen];
  if (s.handoff && m.handoff_sla.within) {
    const timestamp entered = l.stage == s.name ? l.stage_since : now;
    const bool answered = l.sales_stage_at >= entered && l.sales_stage_at != timestamp{};
    // A breach holds while the lead waits: flagged in the hand-off stage, or
    // moved to the breach stage with no new activity since.
    const std::string& parked_in = m.handoff_sla.breach_stage;
    const bool still_breached = l.sla_breached && (l.stage == s.name || (!parked_in.empty() && l.stage == parked_in &&
                                                                          l.last_activity <= l.stage_since));
    if (!answered && (still_breached || now - entered >= *m.handoff_sla.within)) {
      ev.sla_breached = true;
      if (!l.sla_breached) {
        ev.notify_connector = m.handoff_sla.notify_connector;
      }
      if (!m.handoff_sla.breach_stage.empty()) {
        set(m.index_of(m.handoff_sla.breach_stage), "sla.breached",
            s.name + " since " + day_text(entered) + " with no answer from sales within the SLA");
      }
    }
  }
}

void engine::plan_next_check(const lead& l, timestamp now, evaluation& ev) const {
  const lead_definition_model& m = *model_;
  std::optional<timestamp> next;
  auto consider = [&](timestamp t) {
    if (t > now && (!next || t < *next)) {
      next = t;
    }
  };
  // Decay moves the score a little every day; look again daily while it matters.
  if (m.score.half_life && ev.exact_score >= 1) {
    consider(now + std::min<std::chrono::milliseconds>(*m.score.half_life / 4, 24h));
  }
  const std::size_t idx = m.index_of(ev.stage);
  if (idx != std::string_view::npos) {
    if (m.recycle.inactivity && listed(m.recycle.inactivity_stages, ev.stage)) {
      const timestamp active = std::max(l.last_activity, l.sales_stage_at);
      consider(active + *m.recycle.inactivity + 1ms);
    }
    if (m.stages[idx].handoff && m.handoff_sla.within && !ev.sla_breached) {
      const timestamp entered = l.stage == ev.stage ? l.stage_since : now;
      consider(entered + *m.handoff_sla.within);
    }
  }
  // Windows of count() and day counts close with time.
  if (time_sensitive_rules_ && now - l.last_activity < std::chrono::days{90}) {
    consider(now + 24h);
  }
  ev.next_check = next;
}

evaluation engine::evaluate(const lead& l, timestamp now) const {
  evaluation ev;
  score(l, now, ev);
  for (const auto& r : junk::classify(junk::person_of(l), model_->junk)) {
    ev.junk.push_back({r.code, r.message});
  }
  if (const auto it = l.traits.find(purchased_trait); it != l.traits.end()) {
    ev.junk.push_back({std::string{junk::codes::purchased_list}, it->second});
  }
  assess_fit(l, now, ev);
  decide_stage(l, now, ev);
  plan_next_check(l, now, ev);
  return ev;
}

}  // namespace leadsync::core::definition
