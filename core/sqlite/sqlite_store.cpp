#include "core/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <initializer_list>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/sqlite/forget.hpp"
#include "core/sqlite/requeue.hpp"
#include "core/sqlite/sqlite_db.hpp"

namespace leadsync::core {
namespace {

using sqlite::statement;

constexpr std::string_view update_columns =
    "o.id, o.connector, o.lead_id, l.email, o.version, o.stage, o.previous_stage, o.score, o.rule, o.reason, "
    "o.changed_at_ms, o.attempts, l.lead_key, o.fields";

stage_update read_update(const statement& q, int first = 0) {
  stage_update u;
  u.outbox_id = q.column_int(first + 0);
  u.connector = q.column_text(first + 1);
  u.lead_id = q.column_int(first + 2);
  u.email = q.column_text(first + 3);
  u.version = q.column_int(first + 4);
  u.stage = q.column_text(first + 5);
  u.previous_stage = q.column_text(first + 6);
  u.score = q.column_int(first + 7);
  u.rule = q.column_text(first + 8);
  u.reason = q.column_text(first + 9);
  u.changed_at = from_millis(q.column_int(first + 10));
  u.attempts = static_cast<int>(q.column_int(first + 11));
  u.lead_key = q.column_text(first + 12);
  u.fields = fields_from_json(q.column_text(first + 13));
  return u;
}

// Every dead-letter query filters the same way: ?1 connector, ?2 code, ?3 a
// JSON array of ids, each NULL for "any". One fixed text keeps the statements
// prepared once, and json_each takes any number of ids.
constexpr std::string_view dead_letter_match =
    " (?1 IS NULL OR d.connector = ?1) AND (?2 IS NULL OR d.code = ?2) AND "
    "(?3 IS NULL OR d.id IN (SELECT value FROM json_each(?3))) ";

void bind_filter(statement& q, const dead_letter_filter& f) {
  if (f.connector) {
    q.bind(1, *f.connector);
  } else {
    q.bind_null(1);
  }
  if (f.code) {
    q.bind(2, *f.code);
  } else {
    q.bind_null(2);
  }
  if (f.ids.empty()) {
    q.bind_null(3);
  } else {
    boost::json::array ids;
    for (std::int64_t id : f.ids) {
      ids.emplace_back(id);
    }
    q.bind(3, boost::json::serialize(ids));
  }
}

std::string sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    out += p;
  }
  return out;
}

class sqlite_store final : public store {
 public:
  explicit sqlite_store(const sqlite_options& options)
      : db_(options.path, options.full_sync), migrated_((sqlite::migrate(db_), true)) {}

  std::vector<append_status> append_events(std::span<const event> events) override {
    std::vector<append_status> out;
    out.reserve(events.size());
    sqlite::transaction tx(db_);
    for (const event& e : events) {
      insert_event_.bind(1, e.source)
          .bind(2, e.source_event_id)
          .bind(3, e.kind)
          .bind(4, normalise_email(e.email))
          .bind(5, to_millis(e.received_at))
          .bind(6, to_json(e))
          .run();
      out.push_back(db_.changes() > 0 ? append_status::inserted : append_status::duplicate);
    }
    tx.commit();
    return out;
  }

  std::vector<stored_event> unprocessed_events(std::size_t limit) override {
    std::vector<stored_event> out;
    select_unprocessed_.bind(1, static_cast<std::int64_t>(limit));
    while (select_unprocessed_.step()) {
      auto parsed = event_from_json(select_unprocessed_.column_text(1));
      stored_event se;
      se.seq = select_unprocessed_.column_int(0);
      if (parsed) {
        se.data = std::move(parsed.value());
      }
      out.push_back(std::move(se));
    }
    return out;
  }

  std::optional<lead> find_lead(std::string_view key) override {
    std::optional<lead> out;
    select_lead_.bind(1, key);
    while (select_lead_.step()) {
      lead l = lead_from_json(select_lead_.column_text(1));
      l.id = select_lead_.column_int(0);
      if (!select_lead_.column_is_null(2)) {
        l.next_check = from_millis(select_lead_.column_int(2));
      }
      out = std::move(l);
    }
    return out;
  }

  void commit_processing(const processing_batch& batch) override {
    sqlite::transaction tx(db_);
    const std::int64_t now_ms = to_millis(now_utc());
    for (const lead& l : batch.leads) {
      upsert_lead_.bind(1, l.key).bind(2, l.email).bind(3, l.stage).bind(4, l.score).bind(5, to_json(l)).bind(6, now_ms);
      if (l.next_check == timestamp{}) {
        upsert_lead_.bind_null(7);
      } else {
        upsert_lead_.bind(7, to_millis(l.next_check));
      }
      upsert_lead_.run();
    }
    for (const transition& t : batch.transitions) {
      insert_transition_.bind(1, t.lead_key)
          .bind(2, to_millis(t.at))
          .bind(3, t.from_stage)
          .bind(4, t.to_stage)
          .bind(5, t.score)
          .bind(6, t.rule)
          .bind(7, t.reason)
          .bind(8, t.event_seq)
          .bind(9, t.breakdown)
          .run();
    }
    for (const stage_update& u : batch.updates) {
      upsert_outbox_.bind(1, u.connector)
          .bind(2, u.lead_key)
          .bind(3, u.version)
          .bind(4, u.stage)
          .bind(5, u.previous_stage)
          .bind(6, u.score)
          .bind(7, u.rule)
          .bind(8, u.reason)
          .bind(9, to_millis(u.changed_at))
          .bind(10, now_ms)
          .bind(11, fields_to_json(u.fields))
          .run();
    }
    for (const auto& [alias, key] : batch.aliases) {
      upsert_alias_.bind(1, alias).bind(2, key).run();
    }
    for (std::int64_t seq : batch.processed_event_seqs) {
      mark_processed_.bind(1, seq).run();
    }
    for (std::int64_t seq : batch.forgotten_event_seqs) {
      tombstone_event_.bind(1, seq).run();
    }
    tx.commit();
  }

  forget_result forget_person(std::string_view email, timestamp now) override {
    return sqlite::forget_person(db_, email, now);
  }

  bool is_forgotten(std::string_view email) override {
    const std::string hash = sqlite::email_tombstone(email);
    bool found = false;
    select_forgotten_.bind(1, hash);
    while (select_forgotten_.step()) {
      found = true;
    }
    return found;
  }

  bool any_forgotten() override {
    bool found = false;
    while (select_any_forgotten_.step()) {
      found = true;
    }
    return found;
  }

  bool checkpoint_truncate() override { return sqlite::checkpoint_truncate(db_); }

  std::optional<std::string> resolve_alias(std::string_view alias) override {
    std::optional<std::string> out;
    select_alias_.bind(1, alias);
    while (select_alias_.step()) {
      out = select_alias_.column_text(0);
    }
    return out;
  }

  std::vector<transition> transitions_of(std::string_view key) override {
    std::vector<transition> out;
    select_transitions_.bind(1, key);
    while (select_transitions_.step()) {
      transition t;
      t.lead_key = std::string{key};
      t.at = from_millis(select_transitions_.column_int(0));
      t.from_stage = select_transitions_.column_text(1);
      t.to_stage = select_transitions_.column_text(2);
      t.score = select_transitions_.column_int(3);
      t.rule = select_transitions_.column_text(4);
      t.reason = select_transitions_.column_text(5);
      t.event_seq = select_transitions_.column_int(6);
      t.breakdown = select_transitions_.column_text(7);
      out.push_back(std::move(t));
    }
    return out;
  }

  std::vector<lead> due_leads(timestamp now, std::size_t limit) override {
    std::vector<lead> out;
    select_due_leads_.bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
    while (select_due_leads_.step()) {
      lead l = lead_from_json(select_due_leads_.column_text(1));
      l.id = select_due_leads_.column_int(0);
      l.next_check = from_millis(select_due_leads_.column_int(2));
      out.push_back(std::move(l));
    }
    return out;
  }

  std::vector<stage_update> due_updates(std::string_view connector, timestamp now, std::size_t limit) override {
    std::vector<stage_update> out;
    select_due_.bind(1, connector).bind(2, to_millis(now)).bind(3, static_cast<std::int64_t>(limit));
    while (select_due_.step()) {
      out.push_back(read_update(select_due_));
    }
    return out;
  }

  std::optional<timestamp> next_due(std::string_view connector) override {
    std::optional<timestamp> out;
    select_next_due_.bind(1, connector);
    while (select_next_due_.step()) {
      if (!select_next_due_.column_is_null(0)) {
        out = from_millis(select_next_due_.column_int(0));
      }
    }
    return out;
  }

  due_summary summarize_due(std::string_view connector, timestamp now, std::size_t limit) override {
    due_summary out;
    select_due_summary_.bind(1, connector).bind(2, to_millis(now)).bind(3, static_cast<std::int64_t>(limit));
    while (select_due_summary_.step()) {
      out.count = static_cast<std::size_t>(select_due_summary_.column_int(0));
      if (!select_due_summary_.column_is_null(1)) {
        out.oldest_fresh = from_millis(select_due_summary_.column_int(1));
      }
    }
    return out;
  }

  void mark_delivered(std::span<const stage_update> delivered) override {
    sqlite::transaction tx(db_);
    for (const stage_update& u : delivered) {
      delete_outbox_.bind(1, u.outbox_id).bind(2, u.version).run();
      if (db_.changes() == 0) {
        // A newer state replaced this one while it was in flight: the CRM
        // now holds this stage, so that is the newer one's previous stage.
        advance_previous_stage_.bind(1, u.stage).bind(2, u.outbox_id).bind(3, u.version).run();
      }
    }
    tx.commit();
  }

  void reschedule(const stage_update& u, timestamp next_attempt, std::string_view last_error) override {
    reschedule_.bind(1, to_millis(next_attempt)).bind(2, last_error).bind(3, u.outbox_id).bind(4, u.version).run();
  }

  void move_to_dead_letters(const stage_update& u, std::string_view message, std::string_view code,
                            timestamp now) override {
    sqlite::transaction tx(db_);
    delete_outbox_.bind(1, u.outbox_id).bind(2, u.version).run();
    if (db_.changes() > 0) {
      insert_dead_letter_.bind(1, u.connector)
          .bind(2, u.lead_id)
          .bind(3, u.version)
          .bind(4, u.stage)
          .bind(5, u.previous_stage)
          .bind(6, u.score)
          .bind(7, u.rule)
          .bind(8, u.reason)
          .bind(9, to_millis(u.changed_at))
          .bind(10, std::int64_t{u.attempts})
          .bind(11, message)
          .bind(12, to_millis(now))
          .bind(13, fields_to_json(u.fields))
          .bind(14, code)
          .run();
    }
    tx.commit();
  }

  std::vector<dead_letter> dead_letters(std::size_t limit) override {
    std::vector<dead_letter> out;
    select_dead_letters_.bind(1, static_cast<std::int64_t>(limit));
    while (select_dead_letters_.step()) {
      dead_letter d;
      d.update = read_update(select_dead_letters_);
      d.id = d.update.outbox_id;
      d.message = select_dead_letters_.column_text(14);
      d.failed_at = from_millis(select_dead_letters_.column_int(15));
      d.code = select_dead_letters_.column_text(16);
      out.push_back(std::move(d));
    }
    return out;
  }

  std::vector<dead_letter> find_dead_letters(const dead_letter_filter& filter) override {
    std::vector<dead_letter> out;
    bind_filter(find_dead_letters_, filter);
    // A negative LIMIT is no limit in SQLite.
    find_dead_letters_.bind(4, filter.limit == 0 ? std::int64_t{-1} : static_cast<std::int64_t>(filter.limit));
    while (find_dead_letters_.step()) {
      dead_letter d;
      d.update = read_update(find_dead_letters_);
      d.id = d.update.outbox_id;
      d.update.outbox_id = 0;  // it is in no outbox
      d.message = find_dead_letters_.column_text(14);
      d.failed_at = from_millis(find_dead_letters_.column_int(15));
      d.code = find_dead_letters_.column_text(16);
      out.push_back(std::move(d));
    }
    return out;
  }

  std::size_t count_dead_letters(const dead_letter_filter& filter) override {
    std::size_t n = 0;
    bind_filter(count_dead_letters_, filter);
    while (count_dead_letters_.step()) {
      n = static_cast<std::size_t>(count_dead_letters_.column_int(0));
    }
    return n;
  }

  replay_result replay_dead_letters(const dead_letter_filter& filter, timestamp now) override {
    struct candidate {
      std::int64_t id;
      std::string connector;
      std::int64_t lead_id;
      std::int64_t version;
      std::int64_t lead_version;
    };
    replay_result out;
    // IMMEDIATE: the daemon cannot change the lead or the outbox between the
    // version checks and the insert.
    sqlite::transaction tx(db_);
    std::vector<candidate> found;
    bind_filter(select_replay_candidates_, filter);
    while (select_replay_candidates_.step()) {
      found.push_back({select_replay_candidates_.column_int(0), select_replay_candidates_.column_text(1),
                       select_replay_candidates_.column_int(2), select_replay_candidates_.column_int(3),
                       select_replay_candidates_.column_int(4)});
    }
    for (const candidate& c : found) {
      // Checked per dead letter, after the ones before it went back: two dead
      // letters of one lead and connector never both land in the outbox.
      std::optional<std::int64_t> queued;
      select_outbox_version_.bind(1, c.connector).bind(2, c.lead_id);
      while (select_outbox_version_.step()) {
        queued = select_outbox_version_.column_int(0);
      }
      const bool current = c.version == c.lead_version && (!queued || *queued < c.version);
      if (current) {
        requeue_dead_letter_.bind(1, c.id).bind(2, to_millis(now)).run();
        out.replayed.push_back(c.id);
      } else {
        out.superseded.push_back(c.id);
      }
      delete_dead_letter_.bind(1, c.id).run();
    }
    tx.commit();
    return out;
  }

  requeue_result requeue_leads(std::string_view connector, const lead_filter& filter, timestamp now) override {
    return sqlite::requeue_leads(db_, connector, filter, now);
  }

  std::vector<std::int64_t> drop_dead_letters(const dead_letter_filter& filter) override {
    std::vector<std::int64_t> out;
    sqlite::transaction tx(db_);
    bind_filter(drop_dead_letters_, filter);
    while (drop_dead_letters_.step()) {
      out.push_back(drop_dead_letters_.column_int(0));
    }
    tx.commit();
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> aliases_of(std::string_view key) override {
    std::vector<std::string> out;
    select_aliases_of_.bind(1, key);
    while (select_aliases_of_.step()) {
      out.push_back(select_aliases_of_.column_text(0));
    }
    return out;
  }

  std::vector<stage_count> leads_by_stage() override {
    std::vector<stage_count> out;
    while (select_leads_by_stage_.step()) {
      out.push_back({select_leads_by_stage_.column_text(0),
                     static_cast<std::size_t>(select_leads_by_stage_.column_int(1))});
    }
    return out;
  }

  event_totals event_counts() override {
    event_totals out;
    while (count_events_.step()) {
      out.events = static_cast<std::size_t>(count_events_.column_int(0));
    }
    while (count_unprocessed_.step()) {
      out.unprocessed = static_cast<std::size_t>(count_unprocessed_.column_int(0));
    }
    return out;
  }

  std::optional<timestamp> oldest_pending(std::string_view connector) override {
    std::optional<timestamp> out;
    select_oldest_pending_.bind(1, connector);
    while (select_oldest_pending_.step()) {
      if (!select_oldest_pending_.column_is_null(0)) {
        out = from_millis(select_oldest_pending_.column_int(0));
      }
    }
    return out;
  }

  void save_connector_status(const connector_status& c) override {
    upsert_connector_status_.bind(1, c.connector).bind(2, c.circuit);
    if (c.paused_until) {
      upsert_connector_status_.bind(3, to_millis(*c.paused_until));
    } else {
      upsert_connector_status_.bind_null(3);
    }
    upsert_connector_status_.bind(4, c.reason).bind(5, to_millis(c.updated_at)).run();
  }

  std::vector<connector_status> connector_statuses() override {
    std::vector<connector_status> out;
    while (select_connector_status_.step()) {
      connector_status c;
      c.connector = select_connector_status_.column_text(0);
      c.circuit = select_connector_status_.column_text(1);
      if (!select_connector_status_.column_is_null(2)) {
        c.paused_until = from_millis(select_connector_status_.column_int(2));
      }
      c.reason = select_connector_status_.column_text(3);
      c.updated_at = from_millis(select_connector_status_.column_int(4));
      out.push_back(std::move(c));
    }
    return out;
  }

  void add_aliases(std::span<const std::pair<std::string, std::string>> aliases) override {
    sqlite::transaction tx(db_);
    for (const auto& [alias, key] : aliases) {
      insert_alias_.bind(1, alias).bind(2, key).run();
    }
    tx.commit();
  }

  std::size_t outbox_depth(std::string_view connector) override {
    std::size_t n = 0;
    count_outbox_.bind(1, connector);
    while (count_outbox_.step()) {
      n = static_cast<std::size_t>(count_outbox_.column_int(0));
    }
    return n;
  }

 private:
  sqlite::database db_;
  bool migrated_;
  statement insert_event_{db_.handle(),
                          "INSERT INTO events (source, source_event_id, kind, email, received_at_ms, body) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_event_id) DO NOTHING"};
  statement select_unprocessed_{db_.handle(), "SELECT seq, body FROM events WHERE processed = 0 ORDER BY seq LIMIT ?"};
  statement mark_processed_{db_.handle(), "UPDATE events SET processed = 1 WHERE seq = ?"};
  statement tombstone_event_{db_.handle(), sqlite::tombstone_event_sql};
  statement select_forgotten_{db_.handle(), "SELECT 1 FROM forgotten WHERE email_sha256 = ?"};
  statement select_any_forgotten_{db_.handle(), "SELECT 1 FROM forgotten LIMIT 1"};
  statement select_lead_{db_.handle(), "SELECT id, state, next_due_at_ms FROM leads WHERE lead_key = ?"};
  statement select_alias_{db_.handle(), "SELECT lead_key FROM lead_aliases WHERE alias = ?"};
  statement upsert_alias_{db_.handle(),
                          "INSERT INTO lead_aliases (alias, lead_key) VALUES (?, ?) "
                          "ON CONFLICT (alias) DO UPDATE SET lead_key = excluded.lead_key"};
  statement select_due_leads_{db_.handle(),
                              "SELECT id, state, next_due_at_ms FROM leads WHERE next_due_at_ms <= ? "
                              "ORDER BY next_due_at_ms LIMIT ?"};
  statement upsert_lead_{db_.handle(),
                         "INSERT INTO leads (lead_key, email, stage, score, state, updated_at_ms, next_due_at_ms) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lead_key) DO UPDATE SET email = excluded.email, "
                         "stage = excluded.stage, score = excluded.score, next_due_at_ms = excluded.next_due_at_ms, "
                         "state = excluded.state, updated_at_ms = excluded.updated_at_ms"};
  statement insert_transition_{
      db_.handle(),
      "INSERT INTO transitions (lead_id, at_ms, from_stage, to_stage, score, rule, reason, event_seq, breakdown) "
      "SELECT id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM leads WHERE lead_key = ?1"};
  statement select_transitions_{
      db_.handle(),
      "SELECT t.at_ms, t.from_stage, t.to_stage, t.score, t.rule, t.reason, t.event_seq, t.breakdown "
      "FROM transitions t "
      "JOIN leads l ON l.id = t.lead_id WHERE l.lead_key = ? ORDER BY t.id"};
  // Latest state wins: a row for (connector, lead) is replaced only by a
  // higher version, and a replaced row is due at once with a fresh attempt
  // count. It keeps its previous_stage: the CRM still holds that stage, since
  // nothing of this row was delivered (HubSpot decides on it whether the
  // move goes backwards).
  statement upsert_outbox_{
      db_.handle(),
      "INSERT INTO outbox (connector, lead_id, version, stage, previous_stage, score, rule, reason, "
      "changed_at_ms, next_attempt_at_ms, fields) "
      "SELECT ?1, id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 FROM leads WHERE lead_key = ?2 "
      "ON CONFLICT (connector, lead_id) DO UPDATE SET version = excluded.version, stage = excluded.stage, "
      "previous_stage = outbox.previous_stage, score = excluded.score, rule = excluded.rule, "
      "reason = excluded.reason, changed_at_ms = excluded.changed_at_ms, fields = excluded.fields, attempts = 0, "
      "next_attempt_at_ms = excluded.next_attempt_at_ms, last_error = '' WHERE excluded.version > outbox.version"};
  statement select_due_{db_.handle(),
                        std::string{"SELECT "} + std::string{update_columns} +
                            " FROM outbox o JOIN leads l ON l.id = o.lead_id "
                            "WHERE o.connector = ? AND o.next_attempt_at_ms <= ? "
                            "ORDER BY o.next_attempt_at_ms, o.id LIMIT ?"};
  statement select_next_due_{db_.handle(), "SELECT min(next_attempt_at_ms) FROM outbox WHERE connector = ?"};
  statement select_due_summary_{db_.handle(),
                                "SELECT count(*), min(CASE WHEN attempts = 0 THEN changed_at_ms END) FROM "
                                "(SELECT attempts, changed_at_ms FROM outbox WHERE connector = ? AND "
                                "next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms LIMIT ?)"};
  statement delete_outbox_{db_.handle(), "DELETE FROM outbox WHERE id = ? AND version = ?"};
  statement advance_previous_stage_{db_.handle(),
                                    "UPDATE outbox SET previous_stage = ? WHERE id = ? AND version > ?"};
  statement reschedule_{db_.handle(),
                        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at_ms = ?, last_error = ? "
                        "WHERE id = ? AND version = ?"};
  statement insert_dead_letter_{
      db_.handle(),
      "INSERT INTO dead_letters (connector, lead_id, version, stage, previous_stage, score, rule, reason, "
      "changed_at_ms, attempts, message, failed_at_ms, fields, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
  statement select_dead_letters_{
      db_.handle(),
      "SELECT d.id, d.connector, d.lead_id, l.email, d.version, d.stage, d.previous_stage, d.score, d.rule, "
      "d.reason, d.changed_at_ms, d.attempts, l.lead_key, d.fields, d.message, d.failed_at_ms, d.code FROM dead_letters d "
      "JOIN leads l ON l.id = d.lead_id ORDER BY d.id LIMIT ?"};
  // LEFT JOIN: a dead letter stays visible (and droppable) whatever happened to its lead.
  statement find_dead_letters_{
      db_.handle(),
      sql({"SELECT d.id, d.connector, d.lead_id, coalesce(l.email, ''), d.version, d.stage, d.previous_stage, d.score, "
           "d.rule, d.reason, d.changed_at_ms, d.attempts, coalesce(l.lead_key, ''), d.fields, d.message, "
           "d.failed_at_ms, d.code FROM dead_letters d LEFT JOIN leads l ON l.id = d.lead_id WHERE",
           dead_letter_match, "ORDER BY d.id LIMIT ?4"})};
  statement count_dead_letters_{db_.handle(), sql({"SELECT count(*) FROM dead_letters d WHERE", dead_letter_match})};
  // The lead's version lives in its state JSON (core/lead.cpp writes "version");
  // a lead that is gone has none (-1), so its dead letters are superseded.
  statement select_replay_candidates_{
      db_.handle(),
      sql({"SELECT d.id, d.connector, d.lead_id, d.version, coalesce(json_extract(l.state, '$.version'), -1) "
           "FROM dead_letters d LEFT JOIN leads l ON l.id = d.lead_id WHERE",
           dead_letter_match, "ORDER BY d.id"})};
  statement select_outbox_version_{db_.handle(), "SELECT version FROM outbox WHERE connector = ? AND lead_id = ?"};
  // Due at once with a fresh attempt count; changed_at stays the first change
  // time, so the oldest-pending age tells how long the lead has really waited.
  statement requeue_dead_letter_{
      db_.handle(),
      "INSERT INTO outbox (connector, lead_id, version, stage, previous_stage, score, rule, reason, changed_at_ms, "
      "attempts, next_attempt_at_ms, last_error, fields) "
      "SELECT connector, lead_id, version, stage, previous_stage, score, rule, reason, changed_at_ms, 0, ?2, '', "
      "fields FROM dead_letters WHERE id = ?1 "
      "ON CONFLICT (connector, lead_id) DO UPDATE SET version = excluded.version, stage = excluded.stage, "
      "previous_stage = outbox.previous_stage, score = excluded.score, rule = excluded.rule, "
      "reason = excluded.reason, changed_at_ms = excluded.changed_at_ms, fields = excluded.fields, attempts = 0, "
      "next_attempt_at_ms = excluded.next_attempt_at_ms, last_error = '' WHERE excluded.version > outbox.version"};
  statement delete_dead_letter_{db_.handle(), "DELETE FROM dead_letters WHERE id = ?"};
  statement drop_dead_letters_{db_.handle(),
                               sql({"DELETE FROM dead_letters AS d WHERE", dead_letter_match, "RETURNING id"})};
  // lead_aliases is keyed by alias: finding a lead's aliases scans it, which
  // is fine for one `leads show` and not worth an index the daemon maintains.
  statement select_aliases_of_{db_.handle(), "SELECT alias FROM lead_aliases WHERE lead_key = ? ORDER BY alias"};
  // Merged anonymous leads live on in the lead they were merged into.
  statement select_leads_by_stage_{db_.handle(),
                                   "SELECT stage, count(*) FROM leads WHERE json_extract(state, '$.merged_into') IS "
                                   "NULL GROUP BY stage ORDER BY stage"};
  statement count_events_{db_.handle(), "SELECT count(*) FROM events"};
  statement count_unprocessed_{db_.handle(), "SELECT count(*) FROM events WHERE processed = 0"};
  statement count_outbox_{db_.handle(), "SELECT count(*) FROM outbox WHERE connector = ?"};
  statement select_oldest_pending_{db_.handle(), "SELECT min(changed_at_ms) FROM outbox WHERE connector = ?"};
  statement upsert_connector_status_{
      db_.handle(),
      "INSERT INTO connector_status (connector, circuit, paused_until_ms, reason, updated_at_ms) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (connector) DO UPDATE SET circuit = excluded.circuit, "
      "paused_until_ms = excluded.paused_until_ms, reason = excluded.reason, updated_at_ms = excluded.updated_at_ms"};
  statement select_connector_status_{
      db_.handle(), "SELECT connector, circuit, paused_until_ms, reason, updated_at_ms FROM connector_status ORDER BY connector"};
  // An alias already taken keeps its lead: merging is the processor's call.
  statement insert_alias_{db_.handle(),
                          "INSERT INTO lead_aliases (alias, lead_key) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING"};
};

}  // namespace

std::unique_ptr<store> open_sqlite_store(const sqlite_options& options) {
  return std::make_unique<sqlite_store>(options);
}

}  // namespace leadsync::core
