// leadsyncctl forget EMAIL --yes: GDPR erasure through the store (one
// transaction, safe while the daemon runs), then a WAL checkpoint so the
// address is gone from the -wal file as well as from the database file.
#include <chrono>
#include <ostream>
#include <string>
#include <thread>

#include <boost/json/object.hpp>

#include "daemon/ctl/commands.hpp"
#include "daemon/ctl/output.hpp"

namespace leadsync::ctl {
namespace {

namespace json = boost::json;

// The daemon's connections hold short transactions; a checkpoint that
// collides with one is tried again for up to ten seconds.
constexpr int checkpoint_tries = 100;
constexpr auto checkpoint_pause = std::chrono::milliseconds{100};

bool checkpoint(core::store& db) {
  for (int i = 0; i < checkpoint_tries; ++i) {
    if (db.checkpoint_truncate()) {
      return true;
    }
    std::this_thread::sleep_for(checkpoint_pause);
  }
  return false;
}

}  // namespace

int run_forget(const context& c) {
  const std::string& email = c.args.front();
  if (core::normalise_email(email).empty()) {
    throw usage_error("'" + one_line(email, 80) + "' is not an email address", "forget");
  }
  if (!c.line.options.contains("yes")) {
    throw usage_error("forget erases the person for good; add --yes to confirm", "forget");
  }
  const core::forget_result r = c.db.forget_person(email, core::now_utc());
  const bool checkpointed = checkpoint(c.db);

  if (c.line.json) {
    print_json(c.out, json::object{{"matched", r.matched()},
                                   {"email_sha256", r.email_sha256},
                                   {"already_forgotten", r.already_forgotten},
                                   {"removed", json::object{{"leads", r.leads},
                                                            {"events", r.events},
                                                            {"transitions", r.transitions},
                                                            {"outbox", r.outbox},
                                                            {"dead_letters", r.dead_letters},
                                                            {"aliases", r.aliases}}},
                                   {"wal_checkpointed", checkpointed}});
  } else {
    table t({"REMOVED", "COUNT"});
    t.add({"leads", std::to_string(r.leads)});
    t.add({"events (kept as tombstones)", std::to_string(r.events)});
    t.add({"transitions", std::to_string(r.transitions)});
    t.add({"outbox updates", std::to_string(r.outbox)});
    t.add({"dead letters", std::to_string(r.dead_letters)});
    t.add({"aliases", std::to_string(r.aliases)});
    t.print(c.out);
    c.out << "\ntombstone sha256: " << r.email_sha256
          << (r.already_forgotten ? " (already recorded)" : " (recorded)")
          << "\nlater events for this address are dropped\n";
    if (!r.matched()) {
      c.out << "nothing stored matched this address\n";
    }
  }
  if (!checkpointed) {
    c.err << "leadsyncctl: the erasure is committed, but the write-ahead log (" << c.cfg.storage.path.string()
          << "-wal) could not be emptied while the daemon was busy; run the command again\n";
    return exit_failure;
  }
  return r.matched() ? exit_ok : exit_no_match;
}

}  // namespace leadsync::ctl
