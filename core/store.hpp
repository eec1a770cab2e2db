#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "core/lead.hpp"
#include "core/stage_update.hpp"
#include "core/time.hpp"

namespace leadsync::core {

enum class append_status { inserted, duplicate };

struct stored_event {
  std::int64_t seq = 0;  // position in the event log
  event data;
};

// One stage change, with the rule and inputs that caused it ("why").
struct transition {
  std::string lead_key;
  std::string from_stage;
  std::string to_stage;
  std::int64_t score = 0;
  std::string rule;
  std::string reason;
  timestamp at{};
  std::int64_t event_seq = 0;  // the event that triggered it; 0 for a timed re-check
  std::string breakdown;       // breakdown_json() of the evaluation
};

// Everything one processor pass changes, written atomically: leads are
// upserted by key, transitions appended, stage updates put in the outbox
// (per connector and lead the highest version wins) and the events marked
// processed. Transitions and updates refer to leads by key; the store
// assigns ids.
struct processing_batch {
  std::vector<lead> leads;
  std::vector<transition> transitions;
  std::vector<stage_update> updates;
  std::vector<std::int64_t> processed_event_seqs;
  // Other names of a lead: "anon:<source>:<id>" once its email is known,
  // "id:<system>:<id>" for ids in other systems. alias -> lead key.
  std::vector<std::pair<std::string, std::string>> aliases;
  // Events of forgotten people (see store::forget_person): marked processed
  // and their stored body and email replaced by a tombstone.
  std::vector<std::int64_t> forgotten_event_seqs;
};

// What store::forget_person removed.
struct forget_result {
  std::string email_sha256;  // the tombstone kept: hex SHA-256 of the normalised email
  std::size_t leads = 0;     // lead rows deleted (the person's and the anonymous leads merged into it)
  std::size_t events = 0;    // events whose body and email were replaced by a tombstone
  std::size_t transitions = 0;
  std::size_t outbox = 0;        // pending stage updates deleted
  std::size_t dead_letters = 0;  // dead letters deleted
  std::size_t aliases = 0;
  bool already_forgotten = false;  // the tombstone existed before
  // Whether anything of the person was found (a tombstone alone is not).
  [[nodiscard]] bool matched() const {
    return leads + events + transitions + outbox + dead_letters + aliases > 0;
  }
};

// A stage update a connector gave up on, with the CRM's words.
struct dead_letter {
  std::int64_t id = 0;
  stage_update update;
  std::string message;
  std::string code;  // the CRM's error code, "" when it gave none
  timestamp failed_at{};
};

// Which dead letters a `leadsyncctl dlq` command means. Every criterion that
// is set must hold; an empty filter matches every dead letter.
struct dead_letter_filter {
  std::vector<std::int64_t> ids;         // empty: any id
  std::optional<std::string> connector;  // nullopt: any connector
  std::optional<std::string> code;       // nullopt: any code; "" matches those without one
  std::size_t limit = 0;                 // listing only: at most this many, oldest first; 0: all
};

// What replaying dead letters did, by dead letter id.
struct replay_result {
  std::vector<std::int64_t> replayed;    // back in the outbox, due at once
  std::vector<std::int64_t> superseded;  // the lead moved on since: dropped, nothing queued
};

// Which leads `leadsyncctl replay` re-sends. Leads without an email or a
// stage never match (there is nothing a CRM could take).
struct lead_filter {
  bool all = false;                 // every lead
  std::vector<std::string> stages;  // else leads in one of these stages
  std::vector<std::string> emails;  // else leads with one of these emails (normalised by the store)
};

// What requeueing leads did, in leads.
struct requeue_result {
  std::size_t queued = 0;          // their current state put in the outbox, due at once
  std::size_t already_queued = 0;  // the outbox already held that version (or a newer one): left as it is
  [[nodiscard]] std::size_t matched() const { return queued + already_queued; }
};

// How many leads are in one stage.
struct stage_count {
  std::string stage;  // "" for leads not yet evaluated
  std::size_t leads = 0;
};

// The event log's size.
struct event_totals {
  std::size_t events = 0;       // in the log
  std::size_t unprocessed = 0;  // of those, still waiting for the processor
};

// What a connector's delivery loop last said about itself, kept in the
// database so `leadsyncctl status` can show it from another process (and
// after the daemon stopped: then it is the state it stopped in).
struct connector_status {
  std::string connector;
  std::string circuit = "closed";  // closed | open | half_open
  std::optional<timestamp> paused_until;  // the CRM or the breaker holds deliveries until then
  std::string reason;                     // why it is paused or open; "" when neither
  timestamp updated_at{};
};

// Durable state: the event log, leads, transitions, the outbox and the
// dead-letter queue. One instance owns one database connection and is used
// by one thread; open one per thread. Implementations must not assume they
// are the only process on the database (a PostgreSQL store with several
// daemons is the planned second implementation). Failures throw
// store_error: the database being unusable is not a data-path condition.
class store {
 public:
  virtual ~store() = default;

  // ---- ingest ----
  // Appends events in one transaction; (source, source_event_id) already in
  // the log is a duplicate and changes nothing. Returns one status per event.
  // Durable (per the configured durability) when it returns.
  virtual std::vector<append_status> append_events(std::span<const event> events) = 0;

  // ---- processing ----
  virtual std::vector<stored_event> unprocessed_events(std::size_t limit) = 0;
  virtual std::optional<lead> find_lead(std::string_view key) = 0;
  // The key of the lead an alias names, if any.
  virtual std::optional<std::string> resolve_alias(std::string_view alias) = 0;
  virtual void commit_processing(const processing_batch& batch) = 0;
  virtual std::vector<transition> transitions_of(std::string_view key) = 0;
  // Every alias that names the lead, sorted (an operator's view: a scan, not for the data path).
  virtual std::vector<std::string> aliases_of(std::string_view key) = 0;
  // Leads whose next_check is due at `now`, soonest first (the scheduler's
  // index: never a scan of all leads).
  virtual std::vector<lead> due_leads(timestamp now, std::size_t limit) = 0;

  // ---- delivery ----
  // Updates whose next attempt is due at `now`, oldest first.
  virtual std::vector<stage_update> due_updates(std::string_view connector, timestamp now, std::size_t limit) = 0;
  // When the connector's next update becomes due, if it has any.
  virtual std::optional<timestamp> next_due(std::string_view connector) = 0;
  // How many updates are due at `now` (counting at most `limit`), and the
  // oldest stage change among them never tried yet: whether to wait for a
  // fuller batch, decided without reading the rows.
  struct due_summary {
    std::size_t count = 0;
    std::optional<timestamp> oldest_fresh;
  };
  virtual due_summary summarize_due(std::string_view connector, timestamp now, std::size_t limit) = 0;
  // Removes delivered updates, unless a newer version replaced them meanwhile.
  virtual void mark_delivered(std::span<const stage_update> delivered) = 0;
  // Records a failed attempt; no-op if a newer version replaced the update.
  virtual void reschedule(const stage_update& update, timestamp next_attempt, std::string_view last_error) = 0;
  // Moves an update to the dead-letter queue (unless a newer version replaced it).
  virtual void move_to_dead_letters(const stage_update& update, std::string_view message, std::string_view code,
                                    timestamp now) = 0;
  // Other names of leads learnt from CRMs ("id:salesforce_lead_id:00Q..." ->
  // lead key). An alias that already names a lead keeps it.
  virtual void add_aliases(std::span<const std::pair<std::string, std::string>> aliases) = 0;
  virtual std::vector<dead_letter> dead_letters(std::size_t limit) = 0;
  // Dead letters matching the filter, oldest first.
  virtual std::vector<dead_letter> find_dead_letters(const dead_letter_filter& filter) = 0;
  // How many dead letters match (the limit is ignored).
  virtual std::size_t count_dead_letters(const dead_letter_filter& filter) = 0;
  // Puts matching dead letters back in the outbox, due at `now` with no
  // attempts, and removes them from the queue; all in one transaction, safe
  // while the daemon delivers. Latest state wins: a dead letter is replayed
  // only while it is the lead's current version and the outbox holds no
  // newer (or the same) version for its connector and lead; otherwise it is
  // superseded and just removed. The limit is ignored.
  virtual replay_result replay_dead_letters(const dead_letter_filter& filter, timestamp now) = 0;
  // Deletes matching dead letters; returns their ids. The limit is ignored.
  virtual std::vector<std::int64_t> drop_dead_letters(const dead_letter_filter& filter) = 0;
  // Puts the current state of every matching lead in the connector's outbox,
  // due at `now` with no attempts: for re-sending after a CRM was restored or
  // its mapping fixed. previous_stage is "" (what the CRM holds is unknown),
  // rule and reason are the latest transition's, fields those the processor
  // sends (grade and fit as of that transition). A lead whose version (or a
  // newer one) is already queued for the connector is left alone. One
  // transaction, safe while the daemon delivers; the connector name is not
  // checked.
  virtual requeue_result requeue_leads(std::string_view connector, const lead_filter& filter, timestamp now) = 0;
  virtual std::size_t outbox_depth(std::string_view connector) = 0;
  // When the oldest update waiting for the connector changed stage; nullopt when none waits.
  virtual std::optional<timestamp> oldest_pending(std::string_view connector) = 0;

  // ---- connector status ----
  // Replaces the connector's row.
  virtual void save_connector_status(const connector_status& status) = 0;
  virtual std::vector<connector_status> connector_statuses() = 0;

  // ---- operator overview (`leadsyncctl status`; scans, not for the data path) ----
  // Leads per stage, by stage name.
  virtual std::vector<stage_count> leads_by_stage() = 0;
  virtual event_totals event_counts() = 0;

  // ---- erasure (GDPR; `leadsyncctl forget`) ----
  // Removes everything stored about the person with this email, in one
  // transaction, safe while the daemon runs: their lead and the leads merged
  // into it, the transitions, outbox rows, dead letters and aliases of those
  // leads, and the body and email of their events (replaced by a tombstone
  // that keeps seq, source, event id and kind, so redelivered webhooks stay
  // duplicates). Records the hash of the normalised email (is_forgotten).
  // Deleted content is overwritten, not just unlinked; call
  // checkpoint_truncate() afterwards to get it out of the write-ahead log too.
  virtual forget_result forget_person(std::string_view email, timestamp now) = 0;
  // Whether forget_person was called for this email (compared by hash).
  virtual bool is_forgotten(std::string_view email) = 0;
  // Whether forget_person was called for anybody: when not, the processor
  // skips is_forgotten (a hash and a query) for every event of a batch.
  virtual bool any_forgotten() = 0;
  // Moves the write-ahead log into the database and empties it. False when
  // another connection's open transaction kept it from finishing (try again).
  virtual bool checkpoint_truncate() = 0;
};

class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace leadsync::core
