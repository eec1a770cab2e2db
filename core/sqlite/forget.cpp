// GDPR erasure. A person lives on in more places than the lead row: events
// they sent (under their email, an anonymous id merged later, or an id in
// another system), anonymous leads merged into theirs, aliases, transitions,
// the outbox and dead letters. Everything reachable from the lead is found
// first, then removed in one transaction with secure_delete on, so freed
// bytes are zeroed rather than left in free pages.
#include "core/sqlite/forget.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include <openssl/evp.h>

namespace leadsync::core::sqlite {
namespace {

// "anon:<source>:<id>" / "id:<system>:<id>" split into its two names, or
// nullopt when `name` has another shape. Sources and systems have no ':'.
std::optional<std::pair<std::string, std::string>> split_alias(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) {
    return std::nullopt;
  }
  name.remove_prefix(prefix.size());
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair{std::string{name.substr(0, colon)}, std::string{name.substr(colon + 1)}};
}

void add_unique(std::vector<std::string>& to, std::string value) {
  if (std::find(to.begin(), to.end(), value) == to.end()) {
    to.push_back(std::move(value));
  }
}

// Runs an UPDATE/DELETE once per binding and sums the rows it changed.
class counted {
 public:
  counted(database& db, std::string_view sql) : db_(db), stmt_(db.handle(), sql) {}
  statement& operator*() { return stmt_; }
  void run() {
    stmt_.run();
    total_ += static_cast<std::size_t>(db_.changes());
  }
  [[nodiscard]] std::size_t total() const { return total_; }

 private:
  database& db_;
  statement stmt_;
  std::size_t total_ = 0;
};

}  // namespace

std::string email_tombstone(std::string_view email) {
  const std::string normalised = normalise_email(email);
  if (normalised.empty()) {
    return {};
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(normalised.data(), normalised.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw store_error("SHA-256 of the email failed (OpenSSL)");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0f];
  }
  return out;
}

forget_result forget_person(database& db, std::string_view email, timestamp now) {
  forget_result out;
  const std::string key = normalise_email(email);
  out.email_sha256 = email_tombstone(key);
  if (key.empty()) {
    return out;
  }
  // Per connection, and it must be set outside a transaction.
  db.exec("PRAGMA secure_delete = ON");
  transaction tx(db);

  // The person's lead and every lead merged into it (merges may chain).
  std::vector<std::string> keys{key};
  statement merged_into(db.handle(), "SELECT lead_key FROM leads WHERE json_extract(state, '$.merged_into') = ?");
  statement merged_keys(db.handle(),
                        "SELECT j.value FROM leads, json_each(leads.state, '$.merged_keys') j WHERE leads.lead_key = ?");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string k = keys[i];
    for (statement* q : {&merged_into, &merged_keys}) {
      q->bind(1, k);
      while (q->step()) {
        add_unique(keys, q->column_text(0));
      }
    }
  }
  std::vector<std::string> names = keys;  // every name the person's events may carry
  statement aliases_of(db.handle(), "SELECT alias FROM lead_aliases WHERE lead_key = ?");
  for (const std::string& k : keys) {
    aliases_of.bind(1, k);
    while (aliases_of.step()) {
      add_unique(names, aliases_of.column_text(0));
    }
  }

  // Events: by email, by anonymous id, by an id in another system.
  const std::string not_yet = " AND json_extract(body, '$.forgotten') IS NULL";
  statement by_email(db.handle(), "SELECT seq FROM events WHERE email = ?" + not_yet);
  statement by_anon(db.handle(),
                    "SELECT seq FROM events WHERE source = ? AND json_extract(body, '$.anonymous_id') = ?" + not_yet);
  statement by_external(db.handle(),
                        "SELECT seq FROM events WHERE EXISTS (SELECT 1 FROM json_each(events.body, '$.external_ids') "
                        "x WHERE x.key = ? AND x.value = ?)" + not_yet);
  std::vector<std::int64_t> seqs;
  auto collect = [&seqs](statement& q) {
    while (q.step()) {
      seqs.push_back(q.column_int(0));
    }
  };
  for (const std::string& n : names) {
    if (auto anon = split_alias(n, "anon:")) {
      by_anon.bind(1, anon->first).bind(2, anon->second);
      collect(by_anon);
    } else if (auto id = split_alias(n, "id:")) {
      by_external.bind(1, id->first).bind(2, id->second);
      collect(by_external);
    } else {
      by_email.bind(1, n);
      collect(by_email);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  counted tombstone(db, tombstone_event_sql);
  for (std::int64_t seq : seqs) {
    (*tombstone).bind(1, seq);
    tombstone.run();
  }
  out.events = tombstone.total();

  // Rows that reference the leads go before the leads (foreign keys).
  counted transitions(db, "DELETE FROM transitions WHERE lead_id = (SELECT id FROM leads WHERE lead_key = ?)");
  counted outbox(db, "DELETE FROM outbox WHERE lead_id = (SELECT id FROM leads WHERE lead_key = ?)");
  counted dead_letters(db, "DELETE FROM dead_letters WHERE lead_id = (SELECT id FROM leads WHERE lead_key = ?)");
  counted aliases(db, "DELETE FROM lead_aliases WHERE lead_key = ?");
  counted leads(db, "DELETE FROM leads WHERE lead_key = ?");
  for (counted* c : {&transitions, &outbox, &dead_letters, &aliases, &leads}) {
    for (const std::string& k : keys) {
      (**c).bind(1, k);
      c->run();
    }
  }
  out.transitions = transitions.total();
  out.outbox = outbox.total();
  out.dead_letters = dead_letters.total();
  out.aliases = aliases.total();
  out.leads = leads.total();

  statement remember(db.handle(),
                     "INSERT INTO forgotten (email_sha256, forgotten_at_ms) VALUES (?, ?) "
                     "ON CONFLICT (email_sha256) DO NOTHING");
  remember.bind(1, out.email_sha256).bind(2, to_millis(now)).run();
  out.already_forgotten = db.changes() == 0;
  tx.commit();
  return out;
}

bool checkpoint_truncate(database& db) {
  // One row: busy (1 when a reader or writer kept it from finishing), then frame counts.
  statement q(db.handle(), "PRAGMA wal_checkpoint(TRUNCATE)");
  bool done = false;
  while (q.step()) {
    done = q.column_int(0) == 0;
  }
  return done;
}

}  // namespace leadsync::core::sqlite
