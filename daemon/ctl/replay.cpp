// leadsyncctl replay: re-sends leads' current state to one connector, e.g.
// after an operator fixed a CRM field mapping or restored a CRM from a backup.
// The store queues it in one transaction; the running daemon sends it at its
// next outbox poll.
#include <ostream>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "daemon/ctl/commands.hpp"
#include "daemon/ctl/output.hpp"

namespace leadsync::ctl {
namespace {

namespace json = boost::json;

constexpr const char* command_name = "replay";

std::string connector_names(const config::config& cfg) {
  std::string out;
  for (const auto& cc : cfg.connectors) {
    out += (out.empty() ? "" : ", ") + cc.name;
  }
  return out.empty() ? "none" : out;
}

// --all, or --stage/--email with the positional arguments as further values.
core::lead_filter selection(const context& c) {
  const auto& o = c.line.options;
  const bool all = o.contains("all");
  const auto stage = o.find("stage");
  const auto email = o.find("email");
  const int given = (all ? 1 : 0) + (stage != o.end() ? 1 : 0) + (email != o.end() ? 1 : 0);
  if (given != 1) {
    throw usage_error(given == 0 ? "say which leads: --all, --stage STAGE... or --email EMAIL..."
                                 : "--all, --stage and --email do not combine",
                      command_name);
  }
  core::lead_filter f;
  if (all) {
    if (!c.args.empty()) {
      throw usage_error("--all takes no arguments", command_name);
    }
    if (!o.contains("yes")) {
      throw usage_error("--all re-sends every lead; add --yes to confirm", command_name);
    }
    f.all = true;
    return f;
  }
  std::vector<std::string>& values = stage != o.end() ? f.stages : f.emails;
  values.push_back(stage != o.end() ? stage->second : email->second);
  values.insert(values.end(), c.args.begin(), c.args.end());
  for (const std::string& v : values) {
    if (stage != o.end() ? v.empty() : core::normalise_email(v).empty()) {
      throw usage_error("'" + one_line(v, 80) + "' is not " + (stage != o.end() ? "a stage" : "an email address"),
                        command_name);
    }
  }
  return f;
}

std::string counted(std::size_t n) { return std::to_string(n) + (n == 1 ? " lead" : " leads"); }

}  // namespace

int run_replay(const context& c) {
  const auto it = c.line.options.find("connector");
  if (it == c.line.options.end()) {
    throw usage_error("say which connector: --connector NAME (" + connector_names(c.cfg) + ")", command_name);
  }
  const std::string& connector = it->second;
  bool known = false;
  for (const auto& cc : c.cfg.connectors) {
    known = known || cc.name == connector;
  }
  if (!known) {
    throw usage_error("no connector '" + one_line(connector, 80) + "' in " + c.line.config_file.string() +
                          " (connectors: " + connector_names(c.cfg) + ")",
                      command_name);
  }
  const core::lead_filter f = selection(c);
  const core::requeue_result r = c.db.requeue_leads(connector, f, core::now_utc());
  if (c.line.json) {
    print_json(c.out,
               json::object{{"connector", connector}, {"queued", r.queued}, {"already_queued", r.already_queued}});
  } else if (r.matched() > 0) {
    c.out << "queued " << counted(r.queued) << " for " << connector << ": current state, due now\n"
          << "already queued " << counted(r.already_queued) << ": their current state is waiting to be sent\n";
  }
  if (r.matched() == 0) {
    c.err << "leadsyncctl: no leads with an email and a stage match\n";
    return exit_no_match;
  }
  return exit_ok;
}

}  // namespace leadsync::ctl
