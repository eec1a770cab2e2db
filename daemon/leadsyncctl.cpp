// leadsyncctl: looks into a leadsyncd database (safe while the daemon runs).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "adapters/builtin.hpp"
#include "config/config.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "daemon/definition_loader.hpp"

namespace {

using namespace leadsync;

constexpr const char* usage =
    "usage: leadsyncctl --config FILE COMMAND\n"
    "\n"
    "commands:\n"
    "  status          outbox depth per connector and dead letters\n"
    "  explain EMAIL   a lead's stage, score, fit and junk breakdowns and its history with reasons\n"
    "  dlq             dead-lettered stage updates with the CRM's message\n";

int status(core::store& db, const config::config& cfg) {
  std::cout << "connector            outbox\n";
  for (const auto& c : cfg.connectors) {
    std::cout << c.name << std::string(c.name.size() < 21 ? 21 - c.name.size() : 1, ' ')
              << db.outbox_depth(c.name) << '\n';
  }
  std::cout << "dead letters: " << db.dead_letters(1'000'000).size() << '\n';
  return 0;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') {
    s.pop_back();
  }
  return s;
}

// A lead's stage, score and fit breakdowns now, and every transition with its reason.
int explain(core::store& db, const core::lead_definition& definition, const std::string& raw_email) {
  const std::string email = core::normalise_email(raw_email);
  const auto l = db.find_lead(email);
  if (!l) {
    std::cerr << "leadsyncctl: no lead with email " << raw_email << '\n';
    return 1;
  }
  if (!l->merged_into.empty()) {
    std::cout << "lead " << l->id << "  " << l->email << " was merged into " << l->merged_into
              << " (the same person); explain that lead\n";
    return 0;
  }
  const core::evaluation ev = definition.evaluate(*l, core::now_utc());
  std::cout << "lead " << l->id << "  " << l->email << "\n"
            << "  stage:   " << l->stage << (l->track.empty() ? "" : "  (track " + l->track + ")")
            << "  since " << core::format_rfc3339(l->stage_since) << "\n";
  if (!l->sales_stage.empty()) {
    std::cout << "  sales set: " << l->sales_stage << " on " << core::format_rfc3339(l->sales_stage_at) << "\n";
  }
  std::cout << "  now:     " << ev.stage << "  rule " << ev.rule << ": " << ev.reason << "\n";
  if (!ev.inputs.empty()) {
    std::cout << "           read " << ev.inputs << "\n";
  }
  std::cout << "  score:   " << number(ev.exact_score) << "\n";
  for (const auto& p : ev.score_parts) {
    std::cout << "           " << number(p.points) << "  " << p.rule << "\n";
  }
  std::cout << "  fit:     " << number(ev.fit) << "  grade " << ev.grade << "\n";
  for (const auto& p : ev.fit_parts) {
    std::cout << "           " << number(p.points) << "  " << p.rule << "\n";
  }
  if (!ev.junk.empty()) {
    std::cout << "  junk:\n";
    for (const auto& j : ev.junk) {
      std::cout << "           " << j.code << ": " << j.message << "\n";
    }
  }
  if (ev.sla_breached || l->sla_breached) {
    std::cout << "  SLA:     breached (no answer from sales in time)\n";
  }
  std::cout << "  activities: " << l->activities.size() << ", last " << core::format_rfc3339(l->last_activity) << "\n";
  std::cout << "  history:\n";
  for (const auto& t : db.transitions_of(email)) {
    std::cout << "    " << core::format_rfc3339(t.at) << "  " << (t.from_stage.empty() ? "(new)" : t.from_stage)
              << " -> " << t.to_stage << "  score " << t.score << "  rule " << t.rule << ": " << t.reason << '\n';
  }
  return 0;
}

int dlq(core::store& db) {
  for (const auto& d : db.dead_letters(1000)) {
    std::cout << d.id << "  " << d.update.connector << "  " << d.update.email << "  " << d.update.stage << "  "
              << core::format_rfc3339(d.failed_at) << "  " << (d.code.empty() ? "-" : d.code) << "  " << d.message
              << '\n';
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_file;
  std::vector<std::string> command;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::cout << usage;
      return 0;
    } else {
      command.push_back(a);
    }
  }
  if (config_file.empty() || command.empty()) {
    std::cerr << usage;
    return 2;
  }
  core::registry adapters;
  adapters::register_builtin(adapters);
  const auto loaded = config::load_file(config_file, adapters);
  if (!loaded.value) {
    for (const auto& d : loaded.errors) {
      std::cerr << config::format(d) << '\n';
    }
    return 1;
  }
  try {
    auto db = core::open_sqlite_store({loaded.value->storage.path, false});
    if (command[0] == "status" && command.size() == 1) {
      return status(*db, *loaded.value);
    }
    if ((command[0] == "explain" || command[0] == "lead") && command.size() == 2) {
      const auto definition = daemon::load_engine(*loaded.value, std::filesystem::canonical("/proc/self/exe"));
      return explain(*db, *definition, command[1]);
    }
    if (command[0] == "dlq" && command.size() == 1) {
      return dlq(*db);
    }
  } catch (const std::exception& e) {
    std::cerr << "leadsyncctl: " << e.what() << '\n';
    return 1;
  }
  std::cerr << "leadsyncctl: unknown command\n" << usage;
  return 2;
}
