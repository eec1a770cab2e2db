// The schema, as an ordered list of migrations. A database records the
// version it is at in schema_version; migrate() applies the missing steps,
// each in its own transaction. Never edit a shipped step: append a new one.
#include <array>
#include <string_view>

#include "core/sqlite/sqlite_db.hpp"
#include "core/store.hpp"

namespace leadsync::core::sqlite {
namespace {

constexpr std::array<std::string_view, 5> steps{
    // 1: event log, leads, transitions, outbox, dead letters.
    R"sql(
CREATE TABLE events (
  seq             INTEGER PRIMARY KEY,
  source          TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  kind            TEXT NOT NULL,
  email           TEXT NOT NULL,
  received_at_ms  INTEGER NOT NULL,
  body            TEXT NOT NULL,
  processed       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source, source_event_id)
);
CREATE INDEX events_unprocessed ON events (seq) WHERE processed = 0;

CREATE TABLE leads (
  id             INTEGER PRIMARY KEY,
  lead_key       TEXT NOT NULL UNIQUE,
  email          TEXT NOT NULL,
  stage          TEXT NOT NULL,
  score          INTEGER NOT NULL,
  state          TEXT NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  next_due_at_ms INTEGER
);
CREATE INDEX leads_due ON leads (next_due_at_ms) WHERE next_due_at_ms IS NOT NULL;

CREATE TABLE transitions (
  id          INTEGER PRIMARY KEY,
  lead_id     INTEGER NOT NULL REFERENCES leads (id),
  at_ms       INTEGER NOT NULL,
  from_stage  TEXT NOT NULL,
  to_stage    TEXT NOT NULL,
  score       INTEGER NOT NULL,
  rule        TEXT NOT NULL,
  reason      TEXT NOT NULL,
  event_seq   INTEGER NOT NULL,
  breakdown   TEXT NOT NULL
);
CREATE TABLE lead_aliases (
  alias     TEXT PRIMARY KEY,
  lead_key  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX leads_by_email ON leads (email) WHERE email <> '';
CREATE INDEX transitions_by_lead ON transitions (lead_id, id);

CREATE TABLE outbox (
  id                 INTEGER PRIMARY KEY,
  connector          TEXT NOT NULL,
  lead_id            INTEGER NOT NULL REFERENCES leads (id),
  version            INTEGER NOT NULL,
  stage              TEXT NOT NULL,
  previous_stage     TEXT NOT NULL,
  score              INTEGER NOT NULL,
  rule               TEXT NOT NULL,
  reason             TEXT NOT NULL,
  changed_at_ms      INTEGER NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms INTEGER NOT NULL,
  last_error         TEXT NOT NULL DEFAULT '',
  UNIQUE (connector, lead_id)
);
CREATE INDEX outbox_due ON outbox (connector, next_attempt_at_ms);

CREATE TABLE dead_letters (
  id             INTEGER PRIMARY KEY,
  connector      TEXT NOT NULL,
  lead_id        INTEGER NOT NULL REFERENCES leads (id),
  version        INTEGER NOT NULL,
  stage          TEXT NOT NULL,
  previous_stage TEXT NOT NULL,
  score          INTEGER NOT NULL,
  rule           TEXT NOT NULL,
  reason         TEXT NOT NULL,
  changed_at_ms  INTEGER NOT NULL,
  attempts       INTEGER NOT NULL,
  message        TEXT NOT NULL,
  failed_at_ms   INTEGER NOT NULL
);
)sql",
    // 2: what CRM field mappings need about the person travels with each
    // update; dead letters keep the CRM's error code for filtering.
    R"sql(
ALTER TABLE outbox ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE dead_letters ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE dead_letters ADD COLUMN code TEXT NOT NULL DEFAULT '';
)sql",
    // 3: the delivery loops' own account of each connector (circuit, pause).
    R"sql(
CREATE TABLE connector_status (
  connector      TEXT PRIMARY KEY,
  circuit        TEXT NOT NULL,
  paused_until_ms INTEGER,
  reason         TEXT NOT NULL,
  updated_at_ms  INTEGER NOT NULL
);
)sql",
    // 4: people erased with `leadsyncctl forget`: only a hash of the
    // normalised email, so later events for them are recognised and dropped.
    R"sql(
CREATE TABLE forgotten (
  email_sha256    TEXT PRIMARY KEY,
  forgotten_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 5: no query uses leads_by_email (a known lead's key is its email), and
    // every new lead paid for a random insert into it: 10% of the CPU per
    // webhook in the ingest benchmark (bench/RESULTS.md).
    R"sql(
DROP INDEX IF EXISTS leads_by_email;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(steps.size()); }

int schema_version(database& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  statement q(db.handle(), "SELECT max(version) FROM schema_version");
  int version = 0;
  while (q.step()) {
    version = static_cast<int>(q.column_int(0));
  }
  return version;
}

void migrate(database& db) {
  const int current = schema_version(db);
  if (current > latest_schema_version()) {
    throw store_error("database schema version " + std::to_string(current) +
                      " is newer than this leadsyncd understands (" + std::to_string(latest_schema_version()) +
                      "); refusing to touch it");
  }
  for (int v = current + 1; v <= latest_schema_version(); ++v) {
    transaction tx(db);
    db.exec(steps[static_cast<std::size_t>(v - 1)]);
    statement record(db.handle(), "INSERT INTO schema_version (version) VALUES (?)");
    record.bind(1, std::int64_t{v}).run();
    tx.commit();
  }
}

}  // namespace leadsync::core::sqlite
