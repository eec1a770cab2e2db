// leadsyncctl: looks into a leadsyncd database and fixes what delivery could
// not (dead letters). Safe while the daemon runs: every change is one SQLite
// transaction, and the daemon picks replayed updates up at its next outbox poll.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/builtin.hpp"
#include "config/config.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "daemon/ctl/command_line.hpp"
#include "daemon/ctl/commands.hpp"

namespace {

using namespace leadsync;

constexpr std::string_view tool_usage = "leadsyncctl [--config FILE] [--json] COMMAND [ARGS]";

constexpr std::string_view tool_help =
    "Looks into a leadsyncd database and fixes what delivery could not. Safe to run while\n"
    "the daemon runs.\n"
    "\n"
    "commands:\n"
    "  status                 each connector's outbox, circuit, pause and dead letters; leads by stage\n"
    "  leads show EMAIL       a lead's stage, score, fit, traits, aliases and next check\n"
    "  leads explain EMAIL    why a lead is in its stage, with its history (also: explain EMAIL)\n"
    "  dlq list               dead-lettered stage updates with the CRM's message (also: dlq)\n"
    "  dlq show ID            one dead letter in full\n"
    "  dlq replay SELECTION   put dead letters back in the outbox\n"
    "  dlq drop SELECTION     delete dead letters\n"
    "  replay --connector C (--all --yes | --stage STAGE... | --email EMAIL...)\n"
    "                         re-send leads' current state to a connector\n"
    "  forget EMAIL --yes     erase a person (GDPR): lead, events, outbox, dead letters; keep a hash\n"
    "  help [COMMAND]         this help, or a command's (as COMMAND --help)\n"
    "\n"
    "options:\n"
    "  --config FILE   the daemon's config; default $LEADSYNC_CONFIG, else /etc/leadsync/leadsync.toml\n"
    "  --json          one JSON document on stdout, for scripts, instead of tables\n"
    "  -h, --help      this help; after a command, that command's help\n"
    "\n"
    "exit codes: 0 done, 1 the config or database cannot be used, 2 usage error,\n"
    "            3 nothing matched (unknown id or email)\n";

constexpr std::string_view selection_help =
    "SELECTION is one or more dead letter ids (the first column of `dlq list`), --connector C,\n"
    "--code X (`--code -` for dead letters without a code), or --all. Ids, --connector and\n"
    "--code combine: all must hold. Named ids that do not exist fail the command (exit 3)\n"
    "before anything changes.\n";

struct command {
  std::string_view name;   // its words, space-separated
  std::string_view usage;  // what follows the global options
  std::string help;
  std::vector<std::string_view> options;  // the command's own options, without dashes
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  int (*run)(const ctl::context&) = nullptr;  // null: a group, only its subcommands run
  bool hidden = false;                        // an old name, not listed
};

constexpr std::size_t many = static_cast<std::size_t>(-1);

const std::vector<command>& commands() {
  static const std::vector<command> all{
      {"status", "status",
       "Per configured connector: outbox depth, age of the oldest pending update, circuit\n"
       "state, paused until (and why; \"-\" before the daemon delivered for it) and dead\n"
       "letters. Then leads per stage and the event log's size.\n",
       {}, 0, 0, ctl::run_status},
      {"leads", "leads (show | explain) EMAIL",
       "One lead. EMAIL may also be a lead key (anon:<source>:<id>) or an alias a CRM gave\n"
       "it (id:<system>:<id>).\n"
       "\n"
       "  leads show EMAIL      stage, score, fit and grade, junk flags, traits, aliases,\n"
       "                        last activity and next timed check\n"
       "  leads explain EMAIL   the stage the definition gives now with the score, fit and junk\n"
       "                        breakdowns, and every stage change with its reason\n",
       {}, 0, 0, nullptr},
      {"leads show", "leads show EMAIL",
       "A lead's stage, score, fit and grade, junk flags, traits, aliases, last activity\n"
       "and next timed check. Fit, grade and junk are evaluated now with the configured\n"
       "lead definition. Exit 3 when no lead has that email, key or alias.\n",
       {}, 1, 1, ctl::run_leads_show},
      {"leads explain", "leads explain EMAIL",
       "Why a lead is in its stage: the stage the lead definition gives it now, with the\n"
       "score, fit and junk breakdowns, and its history of stage changes with their\n"
       "reasons. Exit 3 when no lead has that email, key or alias.\n",
       {}, 1, 1, ctl::run_leads_explain},
      {"explain", "explain EMAIL", "The old name of `leads explain EMAIL`.\n", {}, 1, 1, ctl::run_leads_explain, true},
      {"dlq", "dlq [list | show | replay | drop] ...",
       "The dead-letter queue: stage updates a CRM refused for good, or that ran out of\n"
       "retries, with the CRM's message. Without a subcommand: dlq list.\n"
       "\n"
       "  dlq list [--connector C] [--code X] [--limit N]\n"
       "  dlq show ID\n"
       "  dlq replay (ID... | --connector C | --code X | --all)\n"
       "  dlq drop (ID... | --connector C | --code X | --all --yes)\n",
       {"connector", "code", "limit"}, 0, 0, ctl::run_dlq_list},
      {"dlq list", "dlq list [--connector C] [--code X] [--limit N]",
       "Dead letters, oldest first: id, connector, email, stage, attempts, when it failed,\n"
       "the CRM's error code and message (cut short in the table; whole with --json).\n"
       "\n"
       "  --connector C   only this connector's\n"
       "  --code X        only those with this error code (`-`: those without one)\n"
       "  --limit N       at most N (default 100; 0: all)\n",
       {"connector", "code", "limit"}, 0, 0, ctl::run_dlq_list},
      {"dlq show", "dlq show ID",
       "Everything about one dead letter: the lead, the stage update (stage, previous\n"
       "stage, version, score, rule and reason, when the stage changed, the fields sent),\n"
       "attempts, when it failed, and the CRM's code and whole message. Exit 3 when no\n"
       "dead letter has that id.\n",
       {}, 1, 1, ctl::run_dlq_show},
      {"dlq replay", "dlq replay (ID... | --connector C | --code X | --all)",
       "Puts dead letters back in the outbox, due now with no attempts counted, and takes\n"
       "them out of the queue, in one transaction; the daemon sends them at its next poll.\n"
       "Latest state wins: a dead letter whose lead has changed since (a newer version, or\n"
       "a newer update already queued for that connector) is superseded: dropped, not sent.\n"
       "Prints what was replayed and what was superseded.\n"
       "\n" +
           std::string{selection_help},
       {"connector", "code", "all"}, 0, many, ctl::run_dlq_replay},
      {"dlq drop", "dlq drop (ID... | --connector C | --code X | --all --yes)",
       "Deletes dead letters for good and prints which. --all needs --yes.\n"
       "\n" +
           std::string{selection_help},
       {"connector", "code", "all", "yes"}, 0, many, ctl::run_dlq_drop},
      {"replay", "replay --connector C (--all --yes | --stage STAGE... | --email EMAIL...)",
       "Re-sends leads' current state to connector C (one in the config), e.g. after its\n"
       "CRM field mapping was fixed or the CRM was restored from a backup. Each matching\n"
       "lead with an email and a stage goes into C's outbox as it is now, due now with no\n"
       "attempts counted: its stage, score, the rule and reason of its last stage change\n"
       "and the person's fields; previous stage empty (what the CRM holds is unknown). A lead\n"
       "whose current state is already queued for C is left as it is. One transaction; the\n"
       "running daemon sends them at its next poll.\n"
       "\n"
       "  --connector C      the connector to send to\n"
       "  --all --yes        every lead\n"
       "  --stage STAGE...   leads in these stages (the stages follow --stage)\n"
       "  --email EMAIL...   the leads with these emails\n"
       "\n"
       "Prints how many leads were queued and how many already were. Exit 3 when no\n"
       "lead matched, 2 for a connector that is not configured.\n",
       {"connector", "all", "yes", "stage", "email"}, 0, many, ctl::run_replay},
      {"forget", "forget EMAIL --yes",
       "Erases a person (GDPR), in one transaction, safe while the daemon runs: their lead\n"
       "and the anonymous leads merged into it, its transitions, aliases, pending stage\n"
       "updates and dead letters are deleted; their events stay in the log as tombstones\n"
       "(source, event id and kind only, so redelivered webhooks stay duplicates). Keeps the\n"
       "SHA-256 of the normalised address: later events for it are dropped, nothing is\n"
       "pushed to a CRM for them. Deleted bytes are overwritten and the write-ahead log is\n"
       "emptied, so the address is gone from the database files. It is not taken back out of\n"
       "CRMs: delete the person there too.\n"
       "\n"
       "  --yes   required: there is no undo\n"
       "\n"
       "Prints what was removed. Exit 3 when nothing stored matched (the tombstone is still\n"
       "recorded), 1 when the write-ahead log could not be emptied (run it again).\n",
       {"yes"}, 1, 1, ctl::run_forget},
  };
  return all;
}

std::vector<std::string_view> words_of(std::string_view name) {
  std::vector<std::string_view> out;
  while (!name.empty()) {
    const auto space = name.find(' ');
    out.push_back(name.substr(0, space));
    name = space == std::string_view::npos ? std::string_view{} : name.substr(space + 1);
  }
  return out;
}

// The command with the most leading words matching; nullptr for none. `used`
// is how many words it took.
const command* resolve(const std::vector<std::string>& words, std::size_t& used) {
  const command* best = nullptr;
  used = 0;
  for (const command& c : commands()) {
    const auto w = words_of(c.name);
    if (w.size() > words.size() || w.size() <= used) {
      continue;
    }
    bool match = true;
    for (std::size_t i = 0; i < w.size(); ++i) {
      match = match && words[i] == w[i];
    }
    if (match) {
      best = &c;
      used = w.size();
    }
  }
  return best;
}

const command* find_command(std::string_view name) {
  for (const command& c : commands()) {
    if (c.name == name) {
      return &c;
    }
  }
  return nullptr;
}

void print_help(std::ostream& out, const command* c) {
  if (c == nullptr) {
    out << "usage: " << tool_usage << "\n\n" << tool_help;
    return;
  }
  out << "usage: leadsyncctl [--config FILE] [--json] " << c->usage << "\n\n" << c->help;
}

int usage_failure(const std::string& what, const command* c) {
  std::cerr << "leadsyncctl: " << what << '\n';
  if (c == nullptr) {
    print_help(std::cerr, nullptr);
  } else {
    std::cerr << "usage: leadsyncctl [--config FILE] [--json] " << c->usage << "\n(leadsyncctl " << c->name
              << " --help for more)\n";
  }
  return ctl::exit_usage;
}

// The command the words name, with its arguments checked against it; throws usage_error.
const command& pick(const ctl::command_line& line, std::vector<std::string>& args) {
  std::size_t used = 0;
  const command* c = resolve(line.words, used);
  if (c == nullptr) {
    throw ctl::usage_error("unknown command '" + line.words.front() + "'");
  }
  args.assign(line.words.begin() + static_cast<std::ptrdiff_t>(used), line.words.end());
  const bool is_group = c->run == nullptr || c->name == "dlq";
  if (is_group && !args.empty()) {
    throw ctl::usage_error("unknown command '" + std::string{c->name} + " " + args.front() + "'",
                           std::string{c->name});
  }
  if (line.help) {
    return *c;
  }
  if (c->run == nullptr) {
    throw ctl::usage_error(std::string{c->name} + " needs a command", std::string{c->name});
  }
  for (const auto& [name, value] : line.options) {
    if (std::find(c->options.begin(), c->options.end(), name) == c->options.end()) {
      throw ctl::usage_error(std::string{c->name} + " does not take --" + name, std::string{c->name});
    }
  }
  if (args.size() < c->min_args) {
    throw ctl::usage_error("missing argument", std::string{c->name});
  }
  if (args.size() > c->max_args) {
    throw ctl::usage_error("unexpected argument '" + args[c->max_args] + "'", std::string{c->name});
  }
  return *c;
}

int run(const ctl::command_line& line, const command& cmd, std::vector<std::string> args) {
  core::registry adapters;
  adapters::register_builtin(adapters);
  const auto loaded = config::load_file(line.config_file, adapters, config::load_mode::inspect);
  if (!loaded.value) {
    for (const auto& d : loaded.errors) {
      std::cerr << config::format(d) << '\n';
    }
    std::cerr << "leadsyncctl: cannot use the config " << line.config_file.string() << '\n';
    return ctl::exit_failure;
  }
  const std::filesystem::path db_path = loaded.value->storage.path;
  // Opening would create an empty database: a wrong path or working
  // directory must say so instead of showing nothing.
  if (!std::filesystem::exists(db_path)) {
    std::cerr << "leadsyncctl: no database at " << db_path.string() << " (storage.path in "
              << line.config_file.string() << "; relative paths start at the working directory)\n";
    return ctl::exit_failure;
  }
  auto db = core::open_sqlite_store({db_path, false});
  const ctl::context context{
      line, std::move(args), *loaded.value, *db, std::filesystem::canonical("/proc/self/exe"), std::cout, std::cerr};
  return cmd.run(context);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> raw(argv + 1, argv + argc);
  const command* current = nullptr;  // for the usage of a usage error
  try {
    ctl::command_line line = ctl::parse_command_line(raw);
    if (!line.words.empty() && line.words.front() == "help") {
      line.words.erase(line.words.begin());
      line.help = true;
    }
    if (line.words.empty()) {
      if (line.help) {
        print_help(std::cout, nullptr);
        return ctl::exit_ok;
      }
      throw ctl::usage_error("no command given");
    }
    std::vector<std::string> args;
    const command& cmd = pick(line, args);
    current = &cmd;
    if (line.help) {
      print_help(std::cout, &cmd);
      return ctl::exit_ok;
    }
    const int code = run(line, cmd, std::move(args));
    std::cout.flush();
    return std::cout.fail() ? static_cast<int>(ctl::exit_failure) : code;
  } catch (const ctl::usage_error& e) {
    return usage_failure(e.what(), e.command().empty() ? current : find_command(e.command()));
  } catch (const std::exception& e) {
    std::cerr << "leadsyncctl: " << e.what() << '\n';
    return ctl::exit_failure;
  }
}
