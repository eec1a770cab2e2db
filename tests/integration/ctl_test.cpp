// leadsyncctl against the database of a running leadsyncd: dead letters made
// by a CRM that refuses a lead, then listed, shown, replayed after the CRM
// heals, dropped; leads' current state re-sent; status and leads; --json and
// exit codes.
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_test.hpp"

#ifndef LEADSYNC_CTL_PATH
#error "LEADSYNC_CTL_PATH must name the leadsyncctl binary"
#endif

namespace leadsync::tests {
namespace {

namespace json = boost::json;

class ctl_test : public daemon_test {
 protected:
  // leadsyncctl --config <config> args...; stdout and stderr together.
  run_result ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LEADSYNC_CTL_PATH, "--config", config_path_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto out = dir_.path() / ("ctl-" + std::to_string(++runs_) + ".out");
    return run_to_completion(argv, dir_.path(), out, 20s);
  }

  // The output of a successful --json run, parsed; a failed assertion otherwise.
  json::value ctl_json(const std::vector<std::string>& args) {
    std::vector<std::string> with_json = args;
    with_json.emplace_back("--json");
    const run_result r = ctl(with_json);
    EXPECT_TRUE(r.status.exited && r.status.code == 0) << r.status.describe() << ": " << r.output;
    const json::value v = parse_json(r.output);
    EXPECT_FALSE(v.is_null()) << "not JSON: " << r.output;
    return v;
  }

  json::array dead_letters() {
    const json::value v = ctl_json({"dlq", "list"});
    return v.is_object() && v.as_object().contains("dead_letters") ? v.at("dead_letters").as_array() : json::array{};
  }

  // Polls `dlq list --json` until it holds `count` dead letters.
  json::array wait_for_dead_letters(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
    json::array found = dead_letters();
    while (found.size() != count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(100ms);
      found = dead_letters();
    }
    return found;
  }

  // Starts the daemon with a CRM that refuses every update (422), sends one
  // lead per email, and waits until each is dead-lettered.
  json::array dead_letter_leads(const std::vector<std::string>& emails) {
    crm_.fail_with_status(422);
    EXPECT_TRUE(start_daemon());
    for (const auto& email : emails) {
      EXPECT_EQ(post_hook(website_event("sub-" + email, email)).status, 202U);
    }
    return wait_for_dead_letters(emails.size());
  }

  int runs_ = 0;
};

std::int64_t id_of(const json::value& dead_letter) { return dead_letter.at("id").to_number<std::int64_t>(); }

bool exited_with(const run_result& r, int code) { return !r.timed_out && r.status.exited && r.status.code == code; }

TEST_F(ctl_test, a_refused_lead_is_listed_shown_and_after_replay_reaches_the_healed_crm) {
  const std::string email = "refused@example.com";
  const json::array parked = dead_letter_leads({email});
  ASSERT_EQ(parked.size(), 1U);
  const json::object& d = parked[0].as_object();
  EXPECT_EQ(string_field(d, "connector"), "crm");
  EXPECT_EQ(string_field(d, "email"), email);
  EXPECT_EQ(string_field(d, "code"), "http_422");
  EXPECT_EQ(string_field(d, "message").rfind("HTTP 422", 0), 0U) << string_field(d, "message");
  EXPECT_EQ(d.at("attempts").to_number<int>(), 1) << "a 422 is final at the first attempt";
  const std::string stage = string_field(d, "stage");
  ASSERT_FALSE(stage.empty());
  const std::string id = std::to_string(id_of(parked[0]));

  // The table: a header, then the dead letter's row.
  const run_result list = ctl({"dlq", "list"});
  ASSERT_TRUE(exited_with(list, 0)) << list.output;
  EXPECT_EQ(list.output.rfind("ID  ", 0), 0U) << list.output;
  for (const std::string& cell : {id, std::string{"crm"}, email, stage, std::string{"http_422"}}) {
    EXPECT_NE(list.output.find(cell), std::string::npos) << cell << " missing in\n" << list.output;
  }
  EXPECT_EQ(ctl({"dlq"}).output, list.output) << "dlq alone lists";

  const run_result show = ctl({"dlq", "show", id});
  ASSERT_TRUE(exited_with(show, 0)) << show.output;
  EXPECT_NE(show.output.find("dead letter " + id), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("message:     " + string_field(d, "message")), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("changed at:"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("company"), std::string::npos) << "the fields sent\n" << show.output;
  const json::value shown = ctl_json({"dlq", "show", id});
  ASSERT_TRUE(shown.is_object());
  EXPECT_EQ(id_of(shown), id_of(parked[0]));
  EXPECT_EQ(string_field(shown.as_object(), "message"), string_field(d, "message"));
  EXPECT_EQ(string_field(shown.at("fields").as_object(), "company"), "Example Ltd");

  EXPECT_FALSE(has_accepted(crm_.requests(), email, stage));
  crm_.heal();
  const run_result replay = ctl({"dlq", "replay", id});
  ASSERT_TRUE(exited_with(replay, 0)) << replay.output;
  EXPECT_NE(replay.output.find("replayed 1 dead letter (" + id + ")"), std::string::npos) << replay.output;
  EXPECT_NE(replay.output.find("superseded 0"), std::string::npos) << replay.output;
  EXPECT_TRUE(wait_for_accepted(email, stage)) << "the running daemon picks the replayed update up";
  EXPECT_TRUE(dead_letters().empty());
  EXPECT_TRUE(exited_with(ctl({"dlq", "show", id}), 3)) << "a replayed dead letter is gone";
}

TEST_F(ctl_test, a_dead_letter_older_than_the_leads_state_is_superseded_not_sent) {
  crm_.fail_with_status(422, 1);
  ASSERT_TRUE(start_daemon());
  const std::string email = "moved-on@example.com";
  ASSERT_EQ(post_hook(website_event("m-1", email)).status, 202U);
  const json::array parked = wait_for_dead_letters(1);
  ASSERT_EQ(parked.size(), 1U);
  const std::string old_stage = string_field(parked[0].as_object(), "stage");
  // The lead moves on to mql, and that state reaches the CRM.
  ASSERT_EQ(post_hook(website_event("m-2", email, "demo_request")).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "mql"));
  const std::size_t sent = updates_for(crm_.requests(), email).size();

  const json::value r = ctl_json({"dlq", "replay", "--all"});
  ASSERT_TRUE(r.is_object());
  EXPECT_TRUE(r.at("replayed").as_array().empty());
  ASSERT_EQ(r.at("superseded").as_array().size(), 1U);
  EXPECT_EQ(r.at("superseded").as_array()[0].to_number<std::int64_t>(), id_of(parked[0]));
  EXPECT_TRUE(dead_letters().empty());
  std::this_thread::sleep_for(1s);  // five of the daemon's outbox polls
  EXPECT_EQ(updates_for(crm_.requests(), email).size(), sent) << "the old stage " << old_stage << " is never sent";
}

TEST_F(ctl_test, drop_by_code_deletes_the_matching_dead_letters) {
  const json::array parked = dead_letter_leads({"a@example.com", "b@example.com"});
  ASSERT_EQ(parked.size(), 2U);

  const run_result all_unconfirmed = ctl({"dlq", "drop", "--all"});
  EXPECT_TRUE(exited_with(all_unconfirmed, 2)) << all_unconfirmed.output;
  EXPECT_NE(all_unconfirmed.output.find("--yes"), std::string::npos) << all_unconfirmed.output;
  EXPECT_TRUE(exited_with(ctl({"dlq", "drop", "--code", "http_500"}), 3)) << "nothing has that code";
  EXPECT_EQ(dead_letters().size(), 2U);

  const run_result drop = ctl({"dlq", "drop", "--code", "http_422"});
  ASSERT_TRUE(exited_with(drop, 0)) << drop.output;
  const std::string ids = std::to_string(id_of(parked[0])) + ", " + std::to_string(id_of(parked[1]));
  EXPECT_NE(drop.output.find("dropped 2 dead letters (" + ids + ")"), std::string::npos) << drop.output;
  EXPECT_TRUE(dead_letters().empty());
  EXPECT_EQ(ctl({"dlq", "list"}).output, "no dead letters\n");
}

TEST_F(ctl_test, status_shows_each_connector_with_an_empty_outbox_after_delivery) {
  ASSERT_TRUE(start_daemon());
  const std::string email = "ada@example.com";
  ASSERT_EQ(post_hook(website_event("s-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  ASSERT_TRUE(wait_for_jsonl_lines(1));

  // The daemon removes a delivered update right after the CRM's answer.
  json::value s;
  auto depth = [&](std::size_t i) { return s.at("connectors").as_array()[i].at("outbox_depth").to_number<int>(); };
  const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
  do {
    s = ctl_json({"status"});
    ASSERT_TRUE(s.is_object());
    ASSERT_EQ(s.at("connectors").as_array().size(), 2U);
  } while ((depth(0) != 0 || depth(1) != 0) && std::chrono::steady_clock::now() < deadline);
  const json::object& crm = s.at("connectors").as_array()[0].as_object();
  EXPECT_EQ(string_field(crm, "name"), "crm");
  EXPECT_EQ(string_field(crm, "type"), "http");
  EXPECT_EQ(depth(0), 0);
  EXPECT_EQ(depth(1), 0);
  EXPECT_TRUE(crm.at("oldest_pending_at").is_null());
  EXPECT_EQ(crm.at("dead_letters").to_number<int>(), 0);
  EXPECT_EQ(s.at("leads_by_stage").at("engaged").to_number<int>(), 1);
  EXPECT_EQ(s.at("events").at("total").to_number<int>(), 1);
  EXPECT_EQ(s.at("dead_letters").to_number<int>(), 0);

  const run_result table = ctl({"status"});
  ASSERT_TRUE(exited_with(table, 0)) << table.output;
  EXPECT_EQ(table.output.rfind("CONNECTOR  ", 0), 0U) << table.output;
  EXPECT_NE(table.output.find("\ncrm        http   0 "), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("\nlog        jsonl  0 "), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("engaged  1"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("events: 1 "), std::string::npos) << table.output;
}

TEST_F(ctl_test, leads_show_and_explain_describe_one_lead) {
  ASSERT_TRUE(start_daemon());
  const std::string email = "grace@example.com";
  ASSERT_EQ(post_hook(website_event("l-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));

  const run_result show = ctl({"leads", "show", "Grace@Example.com"});
  ASSERT_TRUE(exited_with(show, 0)) << show.output;
  EXPECT_NE(show.output.find(email), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("stage:         engaged"), std::string::npos) << show.output;
  EXPECT_NE(show.output.find("Example Ltd"), std::string::npos) << show.output;
  const json::value j = ctl_json({"leads", "show", email});
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(string_field(j.as_object(), "stage"), "engaged");
  EXPECT_EQ(string_field(j.as_object(), "company"), "Example Ltd");
  EXPECT_EQ(j.at("score").to_number<int>(), 10);
  EXPECT_TRUE(j.at("aliases").is_array());
  EXPECT_TRUE(j.at("grade").is_string());

  const run_result explained = ctl({"leads", "explain", email});
  ASSERT_TRUE(exited_with(explained, 0)) << explained.output;
  EXPECT_NE(explained.output.find("-> engaged"), std::string::npos) << explained.output;
  EXPECT_EQ(ctl({"explain", email}).output, explained.output) << "explain is the old name";
  const json::value e = ctl_json({"leads", "explain", email});
  ASSERT_TRUE(e.is_object());
  ASSERT_EQ(e.at("history").as_array().size(), 1U);
  EXPECT_EQ(string_field(e.at("history").as_array()[0].as_object(), "to"), "engaged");
  EXPECT_EQ(string_field(e.at("now").as_object(), "stage"), "engaged");
}

TEST_F(ctl_test, replay_re_sends_a_delivered_leads_current_state_to_the_named_connector) {
  ASSERT_TRUE(start_daemon());
  const std::string email = "resend@example.com";
  ASSERT_EQ(post_hook(website_event("r-1", email)).status, 202U);
  ASSERT_TRUE(wait_for_accepted(email, "engaged"));
  ASSERT_TRUE(wait_for_jsonl_lines(1));
  ASSERT_EQ(updates_for(crm_.requests(), email).size(), 1U);

  const run_result replay = ctl({"replay", "--connector", "crm", "--email", "Resend@Example.com"});
  ASSERT_TRUE(exited_with(replay, 0)) << replay.output;
  EXPECT_NE(replay.output.find("queued 1 lead for crm"), std::string::npos) << replay.output;
  EXPECT_NE(replay.output.find("already queued 0 leads"), std::string::npos) << replay.output;

  // The running daemon sends it at its next outbox poll.
  const auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
  while (updates_for(crm_.requests(), email).size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  std::vector<json::object> bodies;
  for (const json::object& b : accepted_bodies(crm_.requests())) {
    if (string_field(b, "email") == email) {
      bodies.push_back(b);
    }
  }
  ASSERT_EQ(bodies.size(), 2U) << "the lead's update reaches the CRM a second time";
  EXPECT_EQ(string_field(bodies[1], "stage"), "engaged");
  EXPECT_EQ(string_field(bodies[1], "previous_stage"), "") << "what the CRM holds is unknown";
  EXPECT_EQ(bodies[1].at("version"), bodies[0].at("version"));
  EXPECT_EQ(string_field(bodies[1], "rule"), string_field(bodies[0], "rule"));
  EXPECT_EQ(string_field(bodies[1].at("fields").as_object(), "company"), "Example Ltd");
  EXPECT_EQ(jsonl_lines().size(), 1U) << "the other connector is not sent to";

  const run_result unknown = ctl({"replay", "--connector", "nope", "--all", "--yes"});
  EXPECT_TRUE(exited_with(unknown, 2)) << unknown.output;
  EXPECT_NE(unknown.output.find("no connector 'nope'"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("crm, log"), std::string::npos) << "names the known ones\n" << unknown.output;
  const run_result unconfirmed = ctl({"replay", "--connector", "crm", "--all"});
  EXPECT_TRUE(exited_with(unconfirmed, 2)) << unconfirmed.output;
  EXPECT_NE(unconfirmed.output.find("--yes"), std::string::npos) << unconfirmed.output;
  EXPECT_TRUE(exited_with(ctl({"replay", "--connector", "crm"}), 2)) << "replay needs a selection";
  EXPECT_TRUE(exited_with(ctl({"replay", "--connector", "crm", "--stage", "nosuchstage"}), 3));
  EXPECT_TRUE(exited_with(ctl({"replay", "--connector", "crm", "--email", "nobody@example.com"}), 3));

  // --stage takes several stages; the log connector gets the lead once.
  const json::value j = ctl_json({"replay", "--connector", "log", "--stage", "nosuchstage", "engaged"});
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(string_field(j.as_object(), "connector"), "log");
  EXPECT_EQ(j.at("queued").to_number<int>() + j.at("already_queued").to_number<int>(), 1);
  EXPECT_TRUE(wait_for_jsonl_lines(2));
  EXPECT_EQ(updates_for(crm_.requests(), email).size(), 2U) << "crm was not named";
}

TEST_F(ctl_test, exit_codes_tell_usage_errors_from_nothing_matched) {
  write_config();
  // No daemon has run: there is no database yet, and saying so is a runtime error.
  const run_result no_db = ctl({"status"});
  EXPECT_TRUE(exited_with(no_db, 1)) << no_db.output;
  EXPECT_NE(no_db.output.find("no database at data/leadsync.db"), std::string::npos) << no_db.output;

  ASSERT_TRUE(start_daemon());
  const run_result unknown = ctl({"frobnicate"});
  EXPECT_TRUE(exited_with(unknown, 2)) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown command 'frobnicate'"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("usage: leadsyncctl"), std::string::npos) << unknown.output;
  const run_result flag = ctl({"dlq", "list", "--bogus"});
  EXPECT_TRUE(exited_with(flag, 2)) << flag.output;
  EXPECT_NE(flag.output.find("unknown option --bogus"), std::string::npos) << flag.output;
  const run_result wrong_flag = ctl({"dlq", "show", "--all", "1"});
  EXPECT_TRUE(exited_with(wrong_flag, 2)) << wrong_flag.output;
  EXPECT_NE(wrong_flag.output.find("dlq show does not take --all"), std::string::npos) << wrong_flag.output;
  EXPECT_NE(wrong_flag.output.find("usage: leadsyncctl [--config FILE] [--json] dlq show ID"), std::string::npos)
      << wrong_flag.output;
  EXPECT_TRUE(exited_with(ctl({"dlq", "show", "abc"}), 2));
  EXPECT_TRUE(exited_with(ctl({"dlq", "replay"}), 2)) << "replay needs a selection";
  EXPECT_TRUE(exited_with(ctl({"dlq", "frob"}), 2));
  EXPECT_TRUE(exited_with(ctl({"leads"}), 2));

  const run_result no_id = ctl({"dlq", "show", "99"});
  EXPECT_TRUE(exited_with(no_id, 3)) << no_id.output;
  EXPECT_NE(no_id.output.find("no dead letter with id 99"), std::string::npos) << no_id.output;
  EXPECT_TRUE(exited_with(ctl({"dlq", "replay", "99"}), 3));
  EXPECT_TRUE(exited_with(ctl({"dlq", "drop", "99"}), 3));
  EXPECT_TRUE(exited_with(ctl({"leads", "show", "nobody@example.com"}), 3));
  EXPECT_TRUE(exited_with(ctl({"leads", "explain", "nobody@example.com"}), 3));

  for (const std::vector<std::string>& help :
       {std::vector<std::string>{"--help"}, {"dlq", "--help"}, {"dlq", "replay", "--help"}, {"help", "status"},
        {"replay", "--help"}}) {
    const run_result h = ctl(help);
    EXPECT_TRUE(exited_with(h, 0)) << help.front() << ": " << h.output;
    EXPECT_EQ(h.output.rfind("usage: leadsyncctl", 0), 0U) << h.output;
  }
  EXPECT_NE(ctl({"dlq", "replay", "--help"}).output.find("superseded"), std::string::npos);
  EXPECT_NE(ctl({"replay", "--help"}).output.find("--connector C"), std::string::npos);
  EXPECT_NE(ctl({"--help"}).output.find("\n  replay --connector"), std::string::npos) << "the tool's help lists it";
}

}  // namespace
}  // namespace leadsync::tests
