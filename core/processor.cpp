#include "core/processor.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace leadsync::core {
namespace {

// Copies what the event says about the person onto the lead; later events
// win for non-empty fields.
const std::vector<std::string> no_connectors;

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
  if (l.first_seen == timestamp{}) {
    l.first_seen = e.received_at;
  }
  l.last_activity = std::max(l.last_activity, e.occurred_at);
  if (!e.kind.empty()) {
    l.activity_counts[e.kind] += 1;
  }
}

}  // namespace

processor::processor(store& db, const lead_definition& definition, std::vector<std::string> connectors)
    : db_(db), definition_(definition), connectors_(std::move(connectors)) {}

std::size_t processor::run(std::size_t limit) {
  const std::vector<stored_event> events = db_.unprocessed_events(limit);
  if (events.empty()) {
    return 0;
  }

  processing_batch batch;
  std::map<std::string, lead, std::less<>> touched;  // leads changed in this batch, by key
  for (const stored_event& se : events) {
    batch.processed_event_seqs.push_back(se.seq);
    const std::string key = lead_key(se.data);
    if (key.empty()) {
      continue;  // names nobody: kept in the event log only
    }
    auto it = touched.find(key);
    if (it == touched.end()) {
      lead l = db_.find_lead(key).value_or(lead{});
      l.key = key;
      l.email = normalise_email(se.data.email);
      it = touched.emplace(key, std::move(l)).first;
    }
    lead& l = it->second;
    fold(l, se.data);

    const evaluation ev = definition_.evaluate(l, se.data.received_at);
    l.score = ev.score;
    if (ev.stage == l.stage) {
      continue;
    }
    transition t{key, l.stage, ev.stage, ev.score, ev.rule, ev.reason, se.data.received_at, se.seq};
    l.stage = ev.stage;
    l.version += 1;
    // CRMs find people by email: an anonymous lead's stages stay here.
    const std::vector<std::string>& targets = l.email.empty() ? no_connectors : connectors_;
    for (const std::string& connector : targets) {
      stage_update u;
      u.connector = connector;
      u.lead_id = l.id;  // 0 for a new lead; the store resolves it by key
      u.lead_key = key;
      u.email = l.email;
      u.stage = ev.stage;
      u.previous_stage = t.from_stage;
      u.score = ev.score;
      u.rule = ev.rule;
      u.reason = ev.reason;
      u.changed_at = se.data.received_at;
      u.version = l.version;
      batch.updates.push_back(std::move(u));
    }
    batch.transitions.push_back(std::move(t));
  }
  for (auto& [key, l] : touched) {
    batch.leads.push_back(std::move(l));
  }
  db_.commit_processing(batch);
  totals_.events += events.size();
  totals_.transitions += batch.transitions.size();
  return events.size();
}

}  // namespace leadsync::core
