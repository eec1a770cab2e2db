#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/store.hpp"
#include "daemon/ctl/command_line.hpp"

namespace leadsync::ctl {

// What a command runs with: the parsed command line, the loaded config and
// the daemon's database (opened by this process; the daemon may be running).
struct context {
  const command_line& line;
  std::vector<std::string> args;  // the command's positional arguments
  const config::config& cfg;
  core::store& db;
  std::filesystem::path executable;  // for the shipped data files the lead definition may need
  std::ostream& out;
  std::ostream& err;
};

// Each returns an exit_code. Usage problems the command table cannot catch
// (a bad id, a missing selector) throw usage_error; a database that cannot
// be used throws core::store_error.
int run_status(const context& c);
int run_leads_show(const context& c);
int run_leads_explain(const context& c);
int run_dlq_list(const context& c);
int run_dlq_show(const context& c);
int run_dlq_replay(const context& c);
int run_dlq_drop(const context& c);
int run_forget(const context& c);
int run_replay(const context& c);

}  // namespace leadsync::ctl
