#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace leadsync::ctl {

// leadsyncctl's exit codes: scripts branch on them.
enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,    // the database or config could not be used
  exit_usage = 2,      // the command line means nothing
  exit_no_match = 3,   // well formed, but nothing matched (unknown id or email)
};

// A command line that cannot mean anything: what is wrong, and the words of
// the command it was aimed at (for its usage), as far as they were understood.
class usage_error : public std::runtime_error {
 public:
  usage_error(const std::string& what, std::string command = {})
      : std::runtime_error(what), command_(std::move(command)) {}
  [[nodiscard]] const std::string& command() const { return command_; }

 private:
  std::string command_;
};

// The command line, split up but not yet matched to a command. Options may
// stand anywhere; "--" ends them.
struct command_line {
  std::filesystem::path config_file;  // --config, else $LEADSYNC_CONFIG, else /etc/leadsync/leadsync.toml
  bool json = false;                  // --json
  bool help = false;                  // --help or -h
  std::vector<std::string> words;     // command words, then its arguments
  // The command's own options (--connector C, --all, ...): name without
  // dashes -> value ("" for a switch).
  std::map<std::string, std::string> options;
};

// Splits argv (without argv[0]). Throws usage_error for an unknown option, a
// missing value or an option given twice.
command_line parse_command_line(std::span<const std::string> args);

}  // namespace leadsync::ctl
