// leadsyncctl status: how each configured connector is doing, from what the
// daemon keeps in the database (its outbox, dead letters and the delivery
// loops' own account of circuit and pause), plus the lead and event totals.
#include <optional>
#include <ostream>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "daemon/ctl/commands.hpp"
#include "daemon/ctl/output.hpp"

namespace leadsync::ctl {
namespace {

namespace json = boost::json;

struct connector_view {
  std::string name;
  std::string type;
  std::size_t depth = 0;
  std::optional<core::timestamp> oldest;
  std::size_t dead_letters = 0;
  std::optional<core::connector_status> status;  // nullopt: its delivery loop never wrote one
};

// A pause that has run out is no pause, whatever the row still says.
std::optional<core::timestamp> active_pause(const connector_view& v, core::timestamp now) {
  if (v.status && v.status->paused_until && *v.status->paused_until > now) {
    return v.status->paused_until;
  }
  return std::nullopt;
}

}  // namespace

int run_status(const context& c) {
  const core::timestamp now = core::now_utc();
  const auto statuses = c.db.connector_statuses();
  std::vector<connector_view> views;
  for (const auto& cc : c.cfg.connectors) {
    connector_view v{cc.name, cc.type, c.db.outbox_depth(cc.name), c.db.oldest_pending(cc.name), 0, std::nullopt};
    core::dead_letter_filter f;
    f.connector = cc.name;
    v.dead_letters = c.db.count_dead_letters(f);
    for (const auto& s : statuses) {
      if (s.connector == cc.name) {
        v.status = s;
      }
    }
    views.push_back(std::move(v));
  }
  const auto stages = c.db.leads_by_stage();
  const core::event_totals events = c.db.event_counts();
  const std::size_t dead_letters = c.db.count_dead_letters({});

  if (c.line.json) {
    json::array connectors;
    for (const auto& v : views) {
      json::value age = nullptr;
      if (v.oldest) {
        age = std::chrono::duration_cast<std::chrono::seconds>(now - *v.oldest).count();
      }
      connectors.emplace_back(json::object{
          {"name", v.name},
          {"type", v.type},
          {"outbox_depth", v.depth},
          {"oldest_pending_at", json_time(v.oldest)},
          {"oldest_pending_age_seconds", age},
          {"circuit", v.status ? json::value(v.status->circuit) : json::value(nullptr)},
          {"paused_until", json_time(active_pause(v, now))},
          {"reason", v.status ? json::value(v.status->reason) : json::value(nullptr)},
          {"status_updated_at", json_time(v.status ? std::optional{v.status->updated_at} : std::nullopt)},
          {"dead_letters", v.dead_letters}});
    }
    json::object by_stage;
    for (const auto& s : stages) {
      by_stage[s.stage] = s.leads;
    }
    print_json(c.out, json::object{{"connectors", std::move(connectors)},
                                   {"leads_by_stage", std::move(by_stage)},
                                   {"events", json::object{{"total", events.events},
                                                           {"unprocessed", events.unprocessed}}},
                                   {"dead_letters", dead_letters}});
    return exit_ok;
  }

  if (views.empty()) {
    c.out << "no connectors configured\n";
  } else {
    table t({"CONNECTOR", "TYPE", "OUTBOX", "OLDEST", "CIRCUIT", "PAUSED_UNTIL", "DEAD_LETTERS", "REASON"});
    for (const auto& v : views) {
      const auto pause = active_pause(v, now);
      t.add({v.name, v.type, std::to_string(v.depth),
             v.oldest ? format_age(std::chrono::duration_cast<std::chrono::milliseconds>(now - *v.oldest)) : "-",
             v.status ? v.status->circuit : "-", format_time(pause), std::to_string(v.dead_letters),
             v.status ? or_dash(one_line(v.status->reason, 80)) : "-"});
    }
    t.print(c.out);
  }
  c.out << "\nleads by stage:\n";
  if (stages.empty()) {
    c.out << "  (no leads yet)\n";
  } else {
    table t({"  STAGE", "LEADS"});
    for (const auto& s : stages) {
      t.add({"  " + (s.stage.empty() ? std::string{"(not evaluated)"} : s.stage), std::to_string(s.leads)});
    }
    t.print(c.out);
  }
  c.out << "\nevents: " << events.events << " (" << events.unprocessed << " waiting for the processor)\n"
        << "dead letters: " << dead_letters << '\n';
  return exit_ok;
}

}  // namespace leadsync::ctl
