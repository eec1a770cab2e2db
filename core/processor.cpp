#include "core/processor.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace leadsync::core {
namespace {

// Copies what the event says about the person onto the lead; later events
// win for non-empty values.
void fold(lead& l, const event& e) {
  auto take = [](std::string& field, const std::string& value) {
    if (!value.empty()) {
      field = value;
    }
  };
  take(l.first_name, e.first_name);
  take(l.last_name, e.last_name);
  take(l.company, e.company);
  take(l.title, e.title);
  take(l.anonymous_id, e.anonymous_id);
  for (const auto& [k, v] : e.attributes) {
    l.traits[k] = v;
  }
  for (const auto& [k, v] : e.external_ids) {
    l.traits["id." + k] = v;
  }
  for (const auto& [k, v] : e.qualifiers) {
    l.qualifiers[k] = v;
  }
  if (l.first_seen == timestamp{}) {
    l.first_seen = e.received_at;
    l.traits.emplace("lead_source", e.source);  // where the person first came from; kept for CRMs
  }
}

// Moves a lead's history onto the lead it turned out to be the same person
// as; the merged lead keeps its key and points at the survivor.
void merge(lead& known, lead& anon) {
  for (auto& a : anon.activities) {
    const auto pos = std::upper_bound(known.activities.begin(), known.activities.end(), a.at,
                                      [](timestamp t, const activity& x) { return t < x.at; });
    known.activities.insert(pos, a);
  }
  for (const auto& [k, v] : anon.traits) {
    known.traits.emplace(k, v);
  }
  for (const auto& [k, v] : anon.qualifiers) {
    known.qualifiers.emplace(k, v);
  }
  known.last_activity = std::max(known.last_activity, anon.last_activity);
  if (anon.first_seen != timestamp{} && (known.first_seen == timestamp{} || anon.first_seen < known.first_seen)) {
    known.first_seen = anon.first_seen;
  }
  known.merged_keys.push_back(anon.key);
  anon.merged_into = known.key;
  anon.activities.clear();
  anon.next_check = timestamp{};
}

}  // namespace

// The leads one batch touches, loaded once and written once.
class processor::batch_state {
 public:
  batch_state(store& db, const lead_definition& definition, const std::vector<std::string>& connectors)
      : db_(db), definition_(definition), connectors_(connectors) {}

  // The key of the lead an event belongs to: its email; else a lead an
  // alias of it (its anonymous id, an id in another system) already names;
  // else its anonymous key. "" when it names nobody.
  std::string resolve(const event& e) {
    std::string key = lead_key(e);
    if (key.empty() || !normalise_email(e.email).empty()) {
      return key;
    }
    if (auto known = alias(key)) {
      return *known;
    }
    for (const auto& [system, id] : e.external_ids) {
      if (auto known = alias("id:" + system + ":" + id)) {
        return *known;
      }
    }
    return key;
  }

  // Remembers the other names an event gives a known lead.
  void learn_aliases(const event& e, const std::string& key) {
    if (!e.anonymous_id.empty()) {
      add_alias("anon:" + e.source + ":" + e.anonymous_id, key);
    }
    for (const auto& [system, id] : e.external_ids) {
      add_alias("id:" + system + ":" + id, key);
    }
  }

  // The lead `key` names, following merges to the lead it lives on as.
  lead& get(const std::string& key) {
    lead* l = &get_raw(key);
    for (int hops = 0; !l->merged_into.empty() && hops < 8; ++hops) {
      l = &get_raw(l->merged_into);
    }
    return *l;
  }

  // Other leads this event says are the same person as the lead `key`: the
  // event's anonymous lead, and leads its anonymous id or external ids
  // already name.
  std::vector<std::string> same_person(const event& e, const std::string& key) {
    std::vector<std::string> out;
    auto add = [&](const std::optional<std::string>& other) {
      if (other && *other != key && std::find(out.begin(), out.end(), *other) == out.end()) {
        out.push_back(*other);
      }
    };
    if (!e.anonymous_id.empty()) {
      const std::string anon = "anon:" + e.source + ":" + e.anonymous_id;
      add(anon);
      add(alias(anon));
    }
    for (const auto& [system, id] : e.external_ids) {
      add(alias("id:" + system + ":" + id));
    }
    return out;
  }

  lead& get_raw(const std::string& key) {
    auto it = touched_.find(key);
    if (it == touched_.end()) {
      lead l = db_.find_lead(key).value_or(lead{});
      l.key = key;
      it = touched_.emplace(key, std::move(l)).first;
    }
    return it->second;
  }

  // A lead already read (the scheduler's due leads).
  lead& adopt(lead l) {
    const std::string key = l.key;
    return touched_.insert_or_assign(key, std::move(l)).first->second;
  }

  // Evaluates `l` at `now` and records what changed.
  void evaluate(lead& l, timestamp now, std::int64_t event_seq) {
    const evaluation ev = definition_.evaluate(l, now);
    const bool newly_breached = ev.sla_breached && !l.sla_breached;
    l.score = ev.score;
    l.sla_breached = ev.sla_breached;
    l.next_check = ev.next_check.value_or(timestamp{});
    // CRMs find people by email: an anonymous lead's stages stay here; and
    // junk never reaches sales as a lead.
    const bool deliverable = !l.email.empty() && ev.junk.empty();
    if (ev.stage == l.stage) {
      if (newly_breached) {
        // The SLA ran out in the hand-off stage: record it, and tell the
        // connector the definition names, if any.
        const std::string why = ev.stage + " since " + format_rfc3339(l.stage_since) +
                                " with no answer from sales within the SLA";
        batch_.transitions.push_back(
            {l.key, l.stage, l.stage, ev.score, "sla.breached", why, now, event_seq, breakdown_json(ev)});
        if (!ev.notify_connector.empty()) {
          l.version += 1;
          if (deliverable) {
            queue(l, ev, l.stage, "sla.breached", why, now, {ev.notify_connector});
          }
        }
      }
      return;
    }
    transition t{l.key, l.stage, ev.stage, ev.score, ev.rule, ev.reason, now, event_seq, breakdown_json(ev)};
    const std::string previous = l.stage;
    l.stage = ev.stage;
    l.track = ev.track;
    l.stage_since = now;
    l.version += 1;
    if (deliverable) {
      queue(l, ev, previous, ev.rule, ev.reason, now, connectors_);
    }
    batch_.transitions.push_back(std::move(t));
  }

  // Puts the lead's current state in the outbox of each connector.
  void queue(const lead& l, const evaluation& ev, const std::string& previous, const std::string& rule,
             const std::string& reason, timestamp now, const std::vector<std::string>& connectors) {
    for (const std::string& connector : connectors) {
      stage_update u;
      u.connector = connector;
      u.lead_id = l.id;  // 0 for a new lead; the store resolves it by key
      u.lead_key = l.key;
      u.email = l.email;
      u.stage = l.stage;
      u.previous_stage = previous;
      u.score = ev.score;
      u.rule = rule;
      u.reason = reason;
      u.changed_at = now;
      u.version = l.version;
      u.fields = crm_fields(l, ev);
      batch_.updates.push_back(std::move(u));
    }
  }

  // What CRM field mappings may ask for beyond the stage (see stage_update::fields).
  static string_map crm_fields(const lead& l, const evaluation& ev) {
    string_map f = lead_fields(l);
    auto put = [&f](const char* name, const std::string& value) {
      if (!value.empty()) {
        f[name] = value;
      }
    };
    put("grade", ev.grade);
    put("track", ev.track);
    f["fit"] = std::to_string(static_cast<std::int64_t>(std::lround(ev.fit)));
    return f;
  }

  processing_batch& finish() {
    for (auto& [key, l] : touched_) {
      batch_.leads.push_back(std::move(l));
    }
    return batch_;
  }

  processing_batch& batch() { return batch_; }

 private:
  std::optional<std::string> alias(const std::string& name) {
    if (auto it = new_aliases_.find(name); it != new_aliases_.end()) {
      return it->second;
    }
    return db_.resolve_alias(name);
  }

  void add_alias(const std::string& name, const std::string& key) {
    if (alias(name) == key) {
      return;
    }
    new_aliases_[name] = key;
    batch_.aliases.emplace_back(name, key);
  }

  std::map<std::string, std::string, std::less<>> new_aliases_;
  store& db_;
  const lead_definition& definition_;
  const std::vector<std::string>& connectors_;
  std::map<std::string, lead, std::less<>> touched_;
  processing_batch batch_;
};

processor::processor(store& db, const lead_definition& definition, std::vector<std::string> connectors)
    : db_(db), definition_(definition), connectors_(std::move(connectors)) {}

std::size_t processor::run(std::size_t limit) {
  const std::vector<stored_event> events = db_.unprocessed_events(limit);
  if (events.empty()) {
    return 0;
  }
  batch_state state(db_, definition_, connectors_);
  std::size_t dropped = 0;
  const bool anybody_forgotten = db_.any_forgotten();
  for (const stored_event& se : events) {
    const event& e = se.data;
    if (anybody_forgotten && !normalise_email(e.email).empty() && db_.is_forgotten(e.email)) {
      state.batch().forgotten_event_seqs.push_back(se.seq);
      ++dropped;
      continue;
    }
    state.batch().processed_event_seqs.push_back(se.seq);
    const std::string key = state.resolve(e);
    if (key.empty()) {
      continue;  // names nobody: kept in the event log only
    }
    lead& l = state.get(key);
    if (l.email.empty()) {
      l.email = normalise_email(e.email);
    }
    if (!l.email.empty()) {
      // Someone seen before under another name (anonymously, or with another
      // email and the same id elsewhere): one lead, all histories.
      for (const std::string& other_key : state.same_person(e, l.key)) {
        lead& other = state.get_raw(other_key);
        if (other.id != 0 && other.merged_into.empty() && other.key != l.key) {
          merge(l, other);
        }
      }
      state.learn_aliases(e, l.key);
    }
    fold(l, e);
    definition_.record(l, e);
    state.evaluate(l, e.received_at, se.seq);
  }
  processing_batch& batch = state.finish();
  // An anonymous key looked up but never stored must not become a lead.
  std::erase_if(batch.leads, [](const lead& l) { return l.id == 0 && l.email.empty() && l.activities.empty(); });
  db_.commit_processing(batch);
  totals_.events += events.size();
  totals_.dropped_forgotten += dropped;
  count(batch.transitions);
  return events.size();
}

std::size_t processor::run_due(timestamp now, std::size_t limit) {
  std::vector<lead> due = db_.due_leads(now, limit);
  if (due.empty()) {
    return 0;
  }
  batch_state state(db_, definition_, connectors_);
  for (lead& d : due) {
    state.evaluate(state.adopt(std::move(d)), now, 0);
  }
  processing_batch& batch = state.finish();
  db_.commit_processing(batch);
  count(batch.transitions);
  return due.size();
}

void processor::count(const std::vector<transition>& recorded) {
  totals_.transitions += recorded.size();
  for (const transition& t : recorded) {
    if (t.rule == "sla.breached" && t.from_stage == t.to_stage) {
      ++totals_.sla_breaches;
    } else if (t.from_stage != t.to_stage) {
      ++totals_.stage_changes[t.to_stage];
    }
  }
}

}  // namespace leadsync::core
