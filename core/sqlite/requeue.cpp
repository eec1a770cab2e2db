// Re-sending leads' current state (`leadsyncctl replay`): after a CRM was
// restored or its field mapping fixed, what it should hold is the lead as it
// is now, not the stage updates of the past. Rare and operator-driven, so the
// statements are prepared per call.
#include "core/sqlite/requeue.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/event.hpp"
#include "core/stage_update.hpp"

namespace leadsync::core::sqlite {
namespace {

namespace json = boost::json;

// ?1 1 for every lead; ?2 and ?3 JSON arrays of stages and emails. Merged
// anonymous leads have no email, so they never match.
constexpr std::string_view select_leads_sql =
    "SELECT id, state FROM leads WHERE email <> '' AND stage <> '' AND (?1 = 1 OR "
    "stage IN (SELECT value FROM json_each(?2)) OR email IN (SELECT value FROM json_each(?3))) ORDER BY id";

constexpr std::string_view latest_transition_sql =
    "SELECT rule, reason, breakdown FROM transitions WHERE lead_id = ? ORDER BY id DESC LIMIT 1";

constexpr std::string_view queued_version_sql = "SELECT version FROM outbox WHERE connector = ? AND lead_id = ?";

// The outbox's latest-state-wins upsert (as the processor's): an older row
// for the lead is replaced and keeps its previous_stage, since the CRM still
// holds that one.
constexpr std::string_view upsert_sql =
    "INSERT INTO outbox (connector, lead_id, version, stage, previous_stage, score, rule, reason, changed_at_ms, "
    "next_attempt_at_ms, fields) VALUES (?1, ?2, ?3, ?4, '', ?5, ?6, ?7, ?8, ?8, ?9) "
    "ON CONFLICT (connector, lead_id) DO UPDATE SET version = excluded.version, stage = excluded.stage, "
    "previous_stage = outbox.previous_stage, score = excluded.score, rule = excluded.rule, "
    "reason = excluded.reason, changed_at_ms = excluded.changed_at_ms, fields = excluded.fields, attempts = 0, "
    "next_attempt_at_ms = excluded.next_attempt_at_ms, last_error = '' WHERE excluded.version > outbox.version";

std::string json_strings(const std::vector<std::string>& values, bool as_emails) {
  json::array out;
  for (const std::string& v : values) {
    out.emplace_back(as_emails ? normalise_email(v) : v);
  }
  return json::serialize(out);
}

// grade and fit as the processor sent them: the latest transition's
// evaluation is the one its update was made from.
void put_evaluation(string_map& fields, std::string_view breakdown) {
  boost::system::error_code ec;
  const json::value v = json::parse(breakdown, ec);
  if (ec || !v.is_object()) {
    return;
  }
  const json::object& o = v.get_object();
  if (const auto* grade = o.if_contains("grade"); grade != nullptr && grade->is_string()) {
    if (!grade->get_string().empty()) {
      fields["grade"] = std::string{grade->get_string()};
    }
  }
  if (const auto* fit = o.if_contains("fit"); fit != nullptr && fit->is_number()) {
    fields["fit"] = std::to_string(static_cast<std::int64_t>(std::lround(fit->to_number<double>())));
  }
}

}  // namespace

requeue_result requeue_leads(database& db, std::string_view connector, const lead_filter& filter, timestamp now) {
  statement select_leads{db.handle(), select_leads_sql};
  statement latest_transition{db.handle(), latest_transition_sql};
  statement queued_version{db.handle(), queued_version_sql};
  statement upsert{db.handle(), upsert_sql};

  requeue_result out;
  // IMMEDIATE: the processor cannot move a lead on between reading it and
  // queueing it, so a newer state is never overwritten by this one.
  transaction tx(db);
  std::vector<lead> found;
  select_leads.bind(1, std::int64_t{filter.all ? 1 : 0})
      .bind(2, json_strings(filter.stages, false))
      .bind(3, json_strings(filter.emails, true));
  while (select_leads.step()) {
    lead l = lead_from_json(select_leads.column_text(1));
    l.id = select_leads.column_int(0);
    found.push_back(std::move(l));
  }
  const std::int64_t now_ms = to_millis(now);
  for (const lead& l : found) {
    std::optional<std::int64_t> queued;
    queued_version.bind(1, connector).bind(2, l.id);
    while (queued_version.step()) {
      queued = queued_version.column_int(0);
    }
    if (queued && *queued >= l.version) {
      ++out.already_queued;
      continue;
    }
    std::string rule;
    std::string reason;
    string_map fields = lead_fields(l);
    if (!l.track.empty()) {
      fields["track"] = l.track;
    }
    latest_transition.bind(1, l.id);
    while (latest_transition.step()) {
      rule = latest_transition.column_text(0);
      reason = latest_transition.column_text(1);
      put_evaluation(fields, latest_transition.column_text(2));
    }
    upsert.bind(1, connector)
        .bind(2, l.id)
        .bind(3, l.version)
        .bind(4, l.stage)
        .bind(5, l.score)
        .bind(6, rule)
        .bind(7, reason)
        .bind(8, now_ms)
        .bind(9, fields_to_json(fields))
        .run();
    ++out.queued;
  }
  tx.commit();
  return out;
}

}  // namespace leadsync::core::sqlite
