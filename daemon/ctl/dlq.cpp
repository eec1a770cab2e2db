// leadsyncctl dlq list|show|replay|drop: the dead-letter queue, through the
// store, so every change is one transaction the running daemon can live with.
#include <charconv>
#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "daemon/ctl/commands.hpp"
#include "daemon/ctl/output.hpp"

namespace leadsync::ctl {
namespace {

namespace json = boost::json;

constexpr std::size_t default_list_limit = 100;
constexpr std::size_t table_message_chars = 60;

std::int64_t parse_id(const std::string& text, const std::string& command) {
  std::int64_t id = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (ec != std::errc{} || ptr != end || id <= 0) {
    throw usage_error("'" + text + "' is not a dead letter id (a positive number, the first column of dlq list)",
                      command);
  }
  return id;
}

// --connector and --code as a filter; `--code -` means "no code", as the table shows it.
core::dead_letter_filter filter_options(const context& c) {
  core::dead_letter_filter f;
  if (const auto it = c.line.options.find("connector"); it != c.line.options.end()) {
    f.connector = it->second;
  }
  if (const auto it = c.line.options.find("code"); it != c.line.options.end()) {
    f.code = it->second == "-" ? std::string{} : it->second;
  }
  return f;
}

// What replay and drop act on: ids and/or --connector/--code, or --all alone.
core::dead_letter_filter selection(const context& c, const std::string& command) {
  core::dead_letter_filter f = filter_options(c);
  for (const std::string& a : c.args) {
    f.ids.push_back(parse_id(a, command));
  }
  const bool narrowed = !f.ids.empty() || f.connector || f.code;
  if (c.line.options.contains("all")) {
    if (narrowed) {
      throw usage_error("--all takes no ids, --connector or --code", command);
    }
  } else if (!narrowed) {
    throw usage_error("say which dead letters: ID..., --connector C, --code X or --all", command);
  }
  return f;
}

// Named ids with no dead letter; each is reported, and the command then does nothing.
bool report_missing_ids(const context& c, const core::dead_letter_filter& f) {
  if (f.ids.empty()) {
    return false;
  }
  core::dead_letter_filter named;
  named.ids = f.ids;
  std::set<std::int64_t> found;
  for (const auto& d : c.db.find_dead_letters(named)) {
    found.insert(d.id);
  }
  bool missing = false;
  for (std::int64_t id : std::set<std::int64_t>(f.ids.begin(), f.ids.end())) {
    if (!found.contains(id)) {
      c.err << "leadsyncctl: no dead letter with id " << id << '\n';
      missing = true;
    }
  }
  return missing;
}

json::object to_json(const core::dead_letter& d) {
  const core::stage_update& u = d.update;
  json::object fields;
  for (const auto& [name, value] : u.fields) {
    fields[name] = value;
  }
  return {{"id", d.id},
          {"connector", u.connector},
          {"email", u.email},
          {"lead_key", u.lead_key},
          {"lead_id", u.lead_id},
          {"stage", u.stage},
          {"previous_stage", u.previous_stage},
          {"version", u.version},
          {"score", u.score},
          {"rule", u.rule},
          {"reason", u.reason},
          {"changed_at", json_time(u.changed_at)},
          {"attempts", u.attempts},
          {"failed_at", json_time(d.failed_at)},
          {"code", d.code},
          {"message", d.message},
          {"fields", std::move(fields)}};
}

json::array ids_json(const std::vector<std::int64_t>& ids) {
  json::array out;
  for (std::int64_t id : ids) {
    out.emplace_back(id);
  }
  return out;
}

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (std::int64_t id : ids) {
    out += (out.empty() ? "" : ", ") + std::to_string(id);
  }
  return out;
}

std::string counted(std::size_t n) { return std::to_string(n) + (n == 1 ? " dead letter" : " dead letters"); }

std::string who(const core::stage_update& u) { return u.email.empty() ? or_dash(u.lead_key) : u.email; }

}  // namespace

int run_dlq_list(const context& c) {
  core::dead_letter_filter f = filter_options(c);
  f.limit = default_list_limit;
  if (const auto it = c.line.options.find("limit"); it != c.line.options.end()) {
    const std::string& text = it->second;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, f.limit);
    if (ec != std::errc{} || ptr != end) {
      throw usage_error("--limit wants a number of dead letters (0: all), not '" + text + "'", "dlq list");
    }
  }
  const auto letters = c.db.find_dead_letters(f);
  const std::size_t total = letters.size() < f.limit || f.limit == 0 ? letters.size() : c.db.count_dead_letters(f);
  if (c.line.json) {
    json::array rows;
    for (const auto& d : letters) {
      rows.emplace_back(to_json(d));
    }
    print_json(c.out, json::object{{"total", total}, {"dead_letters", std::move(rows)}});
    return exit_ok;
  }
  if (letters.empty()) {
    c.out << (f.connector || f.code ? "no dead letters match\n" : "no dead letters\n");
    return exit_ok;
  }
  table t({"ID", "CONNECTOR", "EMAIL", "STAGE", "ATTEMPTS", "FAILED_AT", "CODE", "MESSAGE"});
  for (const auto& d : letters) {
    t.add({std::to_string(d.id), d.update.connector, who(d.update), d.update.stage, std::to_string(d.update.attempts),
           format_time(d.failed_at), or_dash(d.code), one_line(d.message, table_message_chars)});
  }
  t.print(c.out);
  if (total > letters.size()) {
    c.out << "(" << letters.size() << " of " << total << "; --limit N shows more, --limit 0 all)\n";
  }
  return exit_ok;
}

int run_dlq_show(const context& c) {
  core::dead_letter_filter f;
  f.ids = {parse_id(c.args.at(0), "dlq show")};
  const auto found = c.db.find_dead_letters(f);
  if (found.empty()) {
    c.err << "leadsyncctl: no dead letter with id " << f.ids[0] << '\n';
    return exit_no_match;
  }
  const core::dead_letter& d = found.front();
  if (c.line.json) {
    print_json(c.out, to_json(d));
    return exit_ok;
  }
  const core::stage_update& u = d.update;
  c.out << "dead letter " << d.id << "\n"
        << "  connector:   " << u.connector << "\n"
        << "  lead:        " << who(u) << "  (lead " << u.lead_id << ", key " << or_dash(u.lead_key) << ")\n"
        << "  stage:       " << u.stage << "  (from " << or_dash(u.previous_stage) << ", version " << u.version
        << ")\n"
        << "  score:       " << u.score << "\n"
        << "  rule:        " << or_dash(u.rule) << (u.reason.empty() ? "" : ": " + u.reason) << "\n"
        << "  changed at:  " << format_time(u.changed_at) << "\n"
        << "  attempts:    " << u.attempts << "\n"
        << "  failed at:   " << format_time(d.failed_at) << "\n"
        << "  code:        " << or_dash(d.code) << "\n"
        << "  message:     " << d.message << "\n";
  if (u.fields.empty()) {
    c.out << "  fields:      -\n";
  } else {
    c.out << "  fields:\n";
    table t({"    NAME", "VALUE"});
    for (const auto& [name, value] : u.fields) {
      t.add({"    " + name, one_line(value)});
    }
    t.print(c.out);
  }
  return exit_ok;
}

int run_dlq_replay(const context& c) {
  const core::dead_letter_filter f = selection(c, "dlq replay");
  if (report_missing_ids(c, f)) {
    c.err << "leadsyncctl: nothing replayed\n";
    return exit_no_match;
  }
  const core::replay_result r = c.db.replay_dead_letters(f, core::now_utc());
  if (c.line.json) {
    print_json(c.out, json::object{{"replayed", ids_json(r.replayed)}, {"superseded", ids_json(r.superseded)}});
  } else if (!r.replayed.empty() || !r.superseded.empty()) {
    c.out << "replayed " << counted(r.replayed.size())
          << (r.replayed.empty() ? "" : " (" + id_list(r.replayed) + "): back in the outbox, due now") << "\n"
          << "superseded " << counted(r.superseded.size())
          << (r.superseded.empty() ? ""
                                   : " (" + id_list(r.superseded) + "): the lead has changed since; dropped unsent")
          << "\n";
  }
  if (r.replayed.empty() && r.superseded.empty()) {
    c.err << "leadsyncctl: no dead letters match\n";
    return exit_no_match;
  }
  return exit_ok;
}

int run_dlq_drop(const context& c) {
  const core::dead_letter_filter f = selection(c, "dlq drop");
  if (c.line.options.contains("all") && !c.line.options.contains("yes")) {
    throw usage_error("--all drops every dead letter for good; add --yes to confirm", "dlq drop");
  }
  if (report_missing_ids(c, f)) {
    c.err << "leadsyncctl: nothing dropped\n";
    return exit_no_match;
  }
  const std::vector<std::int64_t> dropped = c.db.drop_dead_letters(f);
  if (c.line.json) {
    print_json(c.out, json::object{{"dropped", ids_json(dropped)}});
  } else if (!dropped.empty()) {
    c.out << "dropped " << counted(dropped.size()) << " (" << id_list(dropped) << ")\n";
  }
  if (dropped.empty()) {
    c.err << "leadsyncctl: no dead letters match\n";
    return exit_no_match;
  }
  return exit_ok;
}

}  // namespace leadsync::ctl
