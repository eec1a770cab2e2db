// leadsyncctl leads show|explain: one lead as the daemon sees it, evaluated
// now with the configured lead definition (fit, grade and junk are never
// stored: they are what the definition says today).
#include <optional>
#include <ostream>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/definition.hpp"
#include "daemon/ctl/commands.hpp"
#include "daemon/ctl/output.hpp"
#include "daemon/definition_loader.hpp"

namespace leadsync::ctl {
namespace {

namespace json = boost::json;

// The lead an operator names: by email, by key ("anon:web:7") or by an
// alias a CRM gave it ("id:salesforce_lead_id:00Q...").
std::optional<core::lead> find_lead(const context& c, const std::string& name) {
  if (auto l = c.db.find_lead(core::normalise_email(name))) {
    return l;
  }
  if (auto l = c.db.find_lead(name)) {
    return l;
  }
  if (const auto key = c.db.resolve_alias(name)) {
    return c.db.find_lead(*key);
  }
  return std::nullopt;
}

std::optional<core::lead> find_or_report(const context& c) {
  auto l = find_lead(c, c.args.at(0));
  if (!l) {
    c.err << "leadsyncctl: no lead with email " << c.args.at(0) << '\n';
  }
  return l;
}

std::string pairs(const core::string_map& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    out += (out.empty() ? "" : "  ") + k + "=" + one_line(v, 80);
  }
  return or_dash(out);
}

std::string joined(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : std::string{sep}) + i;
  }
  return or_dash(out);
}

json::object map_json(const core::string_map& m) {
  json::object o;
  for (const auto& [k, v] : m) {
    o[k] = v;
  }
  return o;
}

json::array strings_json(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& i : items) {
    a.emplace_back(i);
  }
  return a;
}

std::string junk_codes(const core::evaluation& ev) {
  std::vector<std::string> codes;
  for (const auto& j : ev.junk) {
    codes.push_back(j.code);
  }
  return joined(codes);
}

// The stored state every --json view of a lead starts from.
json::object lead_json(const core::lead& l) {
  return {{"id", l.id},
          {"key", l.key},
          {"email", l.email},
          {"merged_into", l.merged_into.empty() ? json::value(nullptr) : json::value(l.merged_into)},
          {"stage", l.stage},
          {"track", l.track},
          {"stage_since", json_time(l.stage_since)},
          {"score", l.score},
          {"version", l.version},
          {"sales_stage", l.sales_stage},
          {"sales_stage_at", json_time(l.sales_stage_at)},
          {"sla_breached", l.sla_breached}};
}

// Stored breakdowns are ours, but a database outlives versions: never fail on one.
json::value parse_or_null(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

std::unique_ptr<core::definition::engine> definition(const context& c) {
  return daemon::load_engine(c.cfg, c.executable);
}

// What the definition says about the lead now: the stored breakdown format,
// with the stage decision added.
json::value evaluation_json(const core::evaluation& ev) {
  json::value v = parse_or_null(core::breakdown_json(ev));
  if (v.is_object()) {
    v.as_object()["stage"] = ev.stage;
    v.as_object()["rule"] = ev.rule;
    v.as_object()["reason"] = ev.reason;
    v.as_object()["score"] = ev.score;
    v.as_object()["next_check"] = json_time(ev.next_check);
  }
  return v;
}

int explain_text(const context& c, const core::lead& l, const core::evaluation& ev) {
  std::ostream& out = c.out;
  out << "lead " << l.id << "  " << l.email << "\n"
      << "  stage:   " << l.stage << (l.track.empty() ? "" : "  (track " + l.track + ")") << "  since "
      << core::format_rfc3339(l.stage_since) << "\n";
  if (!l.sales_stage.empty()) {
    out << "  sales set: " << l.sales_stage << " on " << core::format_rfc3339(l.sales_stage_at) << "\n";
  }
  out << "  now:     " << ev.stage << "  rule " << ev.rule << ": " << ev.reason << "\n";
  if (!ev.inputs.empty()) {
    out << "           read " << ev.inputs << "\n";
  }
  out << "  score:   " << format_number(ev.exact_score) << "\n";
  for (const auto& p : ev.score_parts) {
    out << "           " << format_number(p.points) << "  " << p.rule << "\n";
  }
  out << "  fit:     " << format_number(ev.fit) << "  grade " << ev.grade << "\n";
  for (const auto& p : ev.fit_parts) {
    out << "           " << format_number(p.points) << "  " << p.rule << "\n";
  }
  if (!ev.junk.empty()) {
    out << "  junk:\n";
    for (const auto& j : ev.junk) {
      out << "           " << j.code << ": " << j.message << "\n";
    }
  }
  if (ev.sla_breached || l.sla_breached) {
    out << "  SLA:     breached (no answer from sales in time)\n";
  }
  out << "  activities: " << l.activities.size() << ", last " << core::format_rfc3339(l.last_activity) << "\n";
  out << "  history:\n";
  for (const auto& t : c.db.transitions_of(l.key)) {
    out << "    " << core::format_rfc3339(t.at) << "  " << (t.from_stage.empty() ? "(new)" : t.from_stage) << " -> "
        << t.to_stage << "  score " << t.score << "  rule " << t.rule << ": " << t.reason << '\n';
  }
  return exit_ok;
}

}  // namespace

int run_leads_explain(const context& c) {
  const auto l = find_or_report(c);
  if (!l) {
    return exit_no_match;
  }
  if (!l->merged_into.empty() && !c.line.json) {
    c.out << "lead " << l->id << "  " << l->key << " was merged into " << l->merged_into
          << " (the same person); explain that lead\n";
    return exit_ok;
  }
  const core::evaluation ev = definition(c)->evaluate(*l, core::now_utc());
  if (!c.line.json) {
    return explain_text(c, *l, ev);
  }
  json::object o = lead_json(*l);
  json::array history;
  for (const auto& t : c.db.transitions_of(l->key)) {
    json::value breakdown = parse_or_null(t.breakdown);
    history.emplace_back(json::object{{"at", json_time(t.at)},
                                      {"from", t.from_stage},
                                      {"to", t.to_stage},
                                      {"score", t.score},
                                      {"rule", t.rule},
                                      {"reason", t.reason},
                                      {"event_seq", t.event_seq},
                                      {"breakdown", std::move(breakdown)}});
  }
  o["now"] = evaluation_json(ev);
  o["history"] = std::move(history);
  print_json(c.out, o);
  return exit_ok;
}

int run_leads_show(const context& c) {
  const auto l = find_or_report(c);
  if (!l) {
    return exit_no_match;
  }
  const core::timestamp now = core::now_utc();
  const core::evaluation ev = definition(c)->evaluate(*l, now);
  const auto aliases = c.db.aliases_of(l->key);
  const std::optional<core::timestamp> next_check =
      l->next_check == core::timestamp{} ? std::nullopt : std::optional{l->next_check};
  if (c.line.json) {
    json::object o = lead_json(*l);
    json::array junk;
    for (const auto& j : ev.junk) {
      junk.emplace_back(json::object{{"code", j.code}, {"message", j.message}});
    }
    o["first_name"] = l->first_name;
    o["last_name"] = l->last_name;
    o["company"] = l->company;
    o["title"] = l->title;
    o["fit"] = json_number(ev.fit);
    o["grade"] = ev.grade;
    o["junk"] = std::move(junk);
    o["traits"] = map_json(l->traits);
    o["qualifiers"] = map_json(l->qualifiers);
    o["aliases"] = strings_json(aliases);
    o["merged_keys"] = strings_json(l->merged_keys);
    o["first_seen"] = json_time(l->first_seen);
    o["last_activity"] = json_time(l->last_activity);
    o["activities"] = l->activities.size();
    o["next_check"] = json_time(next_check);
    print_json(c.out, o);
    return exit_ok;
  }
  std::string name = l->first_name + (l->first_name.empty() || l->last_name.empty() ? "" : " ") + l->last_name;
  std::string works = l->title + (l->title.empty() || l->company.empty() ? "" : ", ") + l->company;
  c.out << "lead " << l->id << "  " << (l->email.empty() ? l->key : l->email) << "\n";
  if (!l->merged_into.empty()) {
    c.out << "  merged into:   " << l->merged_into << " (the same person; that lead carries on)\n";
  }
  c.out << "  name:          " << or_dash(one_line(name)) << (works.empty() ? "" : "  (" + one_line(works) + ")")
        << "\n"
        << "  stage:         " << or_dash(l->stage) << (l->track.empty() ? "" : "  (track " + l->track + ")")
        << "  since " << format_time(l->stage_since) << "\n";
  if (!l->sales_stage.empty()) {
    c.out << "  sales stage:   " << l->sales_stage << "  set " << format_time(l->sales_stage_at) << "\n";
  }
  c.out << "  score:         " << l->score << "\n"
        << "  fit:           " << format_number(ev.fit) << "  grade " << or_dash(ev.grade) << "\n"
        << "  junk:          " << junk_codes(ev) << "\n";
  if (l->sla_breached) {
    c.out << "  SLA:           breached (no answer from sales in time)\n";
  }
  c.out << "  traits:        " << pairs(l->traits) << "\n"
        << "  qualifiers:    " << pairs(l->qualifiers) << "\n"
        << "  aliases:       " << joined(aliases) << "\n";
  if (!l->merged_keys.empty()) {
    c.out << "  merged in:     " << joined(l->merged_keys) << "\n";
  }
  c.out << "  first seen:    " << format_time(l->first_seen) << "\n"
        << "  last activity: " << format_time(l->last_activity) << "  (" << l->activities.size() << " activities)\n"
        << "  next check:    " << format_time(next_check) << "\n"
        << "  version:       " << l->version << "\n";
  return exit_ok;
}

}  // namespace leadsync::ctl
