// Soak benchmark (issue 6, part 8): the real leadsyncd under mixed webhook
// load for a while, delivering to an in-process fake Salesforce org and fake
// HubSpot account that throw faults on a schedule; then the load stops, the
// fakes heal, the outbox drains, and every accepted lead is checked against
// what the CRMs and the dead-letter queue hold. Reports numbers; exits 1 only
// when something was lost or created twice, or the outbox did not drain.
//
//   leadsync_bench_soak [--minutes M] [--rate WEBHOOKS_PER_S] [--threads N] [--drain-minutes M]
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "bench/soak/http.hpp"
#include "tests/fakes/fake_hubspot.hpp"
#include "tests/fakes/fake_salesforce.hpp"

#ifndef LEADSYNC_DAEMON_PATH
#error "LEADSYNC_DAEMON_PATH must name the leadsyncd binary"
#endif
#ifndef LEADSYNC_CTL_PATH
#error "LEADSYNC_CTL_PATH must name the leadsyncctl binary"
#endif

namespace {

using namespace std::chrono_literals;
using namespace leadsync;
using steady = std::chrono::steady_clock;
namespace json = boost::json;

struct settings {
  double minutes = 10;
  double rate = 250;  // webhooks per second, all threads together
  int threads = 4;
  double drain_minutes = 10;
};

// Our stages the load can reach, and what each CRM calls them.
const std::map<std::string, std::string> sf_stages = {
    {"identified", "Open - Not Contacted"}, {"engaged", "Working - Contacted"}, {"mql", "MQL"}};
const std::map<std::string, std::string> hs_stages = {
    {"identified", "subscriber"}, {"engaged", "lead"}, {"mql", "marketingqualifiedlead"}};

// Leads are born at lead_birth_rate a second and get events while among the
// newest window_leads, so stage changes keep coming all run long.
constexpr double lead_birth_rate = 2.0;
constexpr std::size_t window_leads = 300;
// HubSpot refuses these for the whole run: they, and only they, must end in
// the dead-letter queue.
const std::vector<std::size_t> hs_invalid_leads = {3, 50, 120, 250};

std::string email_of(std::size_t lead) { return "soak" + std::to_string(lead) + "@soak.example.com"; }

std::string sf_toml(const tests::fake_salesforce& sf, const std::filesystem::path& dir) {
  std::ofstream(dir / "sf-secret") << sf.options().client_secret << "\n";
  std::ostringstream out;
  out << "[connectors.sfdc]\ntype = \"salesforce\"\nlogin_url = \"" << sf.base_url() << "\"\n"
      << "auth = \"client_credentials\"\nclient_id = \"" << sf.options().client_id << "\"\n"
      << "client_secret_file = \"" << (dir / "sf-secret").string() << "\"\n"
      << "match = \"external_id\"\ntimeout_ms = 5000\npause_minutes = 1\n"
      << "[connectors.sfdc.stages]\n";
  for (const auto& [stage, label] : sf_stages) {
    out << stage << " = \"" << label << "\"\n";
  }
  out << "[connectors.sfdc.fields]\nEmail = \"email\"\nLastName = \"last_name\"\nCompany = \"company\"\n"
      << "Lead_Score__c = \"score\"\n";
  return out.str();
}

std::string hs_toml(const tests::fake_hubspot& hs, const std::filesystem::path& dir) {
  std::ofstream(dir / "hs-token") << hs.options().access_token << "\n";
  std::ostringstream out;
  out << "[connectors.hubspot]\ntype = \"hubspot\"\nbase_url = \"" << hs.base_url() << "\"\n"
      << "token_file = \"" << (dir / "hs-token").string() << "\"\ntimeout_ms = 5000\n"
      // The default definition can move a lead back (engaged -> identified
      // once a lone 10-point activity decays below 10): without this HubSpot
      // keeps the higher stage and the check could not tell that from a loss.
      << "allow_backwards = true\n"
      << "[connectors.hubspot.stages]\n";
  for (const auto& [stage, value] : hs_stages) {
    out << stage << " = \"" << value << "\"\n";
  }
  out << "[connectors.hubspot.properties]\nfirstname = \"first_name\"\ncompany = \"company\"\n";
  return out.str();
}

// The generic web-form source of the example config (unsigned) and the
// built-in default lead definition (no [lead_definition] table).
std::string config_toml(std::uint16_t port, const std::string& connectors) {
  std::ostringstream out;
  out << "[server]\nlisten_address = \"127.0.0.1\"\nlisten_port = " << port << "\nio_threads = 2\n"
      << "shutdown_timeout_seconds = 10\n"
      << "[storage]\npath = \"var/leadsync.db\"\n"
      << "[log]\nlevel = \"info\"\n"
      << "[delivery]\nretry_initial_ms = 500\nretry_max_ms = 30000\npoll_interval_ms = 1000\n"
      << "circuit_open_seconds = 10\n"
      << "[sources.website]\nformat = \"generic\"\n"
      << "[sources.website.map]\nevent_id = \"/submission_id\"\nemail = \"/email\"\nfirst_name = \"/first_name\"\n"
      << "last_name = \"/last_name\"\ncompany = \"/company\"\ntitle = \"/job_title\"\nkind = \"/type\"\n"
      << "[sources.website.defaults]\nkind = \"form_submit\"\n"
      << "[sources.website.attributes]\nform = \"/form\"\npage = \"/page\"\nemployees = \"/company_size\"\n"
      << "country = \"/country\"\nnaics = \"/naics\"\n"
      << connectors;
  return out.str();
}

// One webhook for `lead`: a mix of page views, pricing visits, downloads,
// webinars, forms and the odd demo request. The firmographics are fixed per
// lead, so its fit (and so its grade) never changes and stages only move up.
std::string event_body(std::size_t lead, const std::string& id, std::mt19937& rng) {
  static const char* const titles[] = {"Head of Engineering", "Developer", "VP Marketing", "Student", "Director IT"};
  static const int sizes[] = {250, 12, 8000, 40};
  static const char* const countries[] = {"GB", "US", "BR"};
  static const char* const naics[] = {"511210", "611310", "541511"};
  const int roll = static_cast<int>(rng() % 100);
  std::string kind = "page_view";
  std::string page = roll < 40 ? "/blog/post" : "/pricing";
  if (roll < 55) {
    // a page view
  } else if (roll < 67) {
    kind = "content_download";
  } else if (roll < 77) {
    kind = "webinar_attended";
  } else if (roll < 95) {
    kind = "form_submit";
  } else {
    kind = "demo_request";
  }
  json::object body{{"submission_id", id},
                    {"email", email_of(lead)},
                    {"first_name", "Soak"},
                    {"last_name", "Lead" + std::to_string(lead)},
                    {"company", "Soak Co " + std::to_string(lead % 97)},
                    {"job_title", titles[lead % 5]},
                    {"company_size", sizes[lead % 4]},
                    {"country", countries[lead % 3]},
                    {"naics", naics[lead % 3]},
                    {"type", kind},
                    {"page", page}};
  return json::serialize(body);
}

struct load_totals {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> accepted{0};   // 202
  std::atomic<std::uint64_t> other{0};      // any other status
  std::atomic<std::uint64_t> failed{0};     // no answer
  std::atomic<int> connections{0};
  std::mutex mutex;
  std::set<std::size_t> accepted_leads;
};

void load_thread(int index, const settings& s, std::uint16_t port, steady::time_point start,
                 steady::time_point stop, load_totals& totals) {
  bench::keep_alive_client client(port);
  std::mt19937 rng(static_cast<unsigned>(index) * 7919U + 17U);
  std::set<std::size_t> accepted;
  const auto interval = std::chrono::duration<double>(s.threads / s.rate);
  auto next = start;
  for (std::uint64_t n = 0;; ++n) {
    next += std::chrono::duration_cast<steady::duration>(interval);
    if (next >= stop) {
      break;
    }
    std::this_thread::sleep_until(next);
    const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
    const auto born = static_cast<std::size_t>(elapsed * lead_birth_rate);
    const std::size_t lead = born + rng() % window_leads;
    const auto answer =
        client.post_json("/hooks/website", event_body(lead, "t" + std::to_string(index) + "-" + std::to_string(n), rng));
    ++totals.sent;
    if (!answer) {
      ++totals.failed;
    } else if (answer->status == 202) {
      ++totals.accepted;
      accepted.insert(lead);
    } else {
      ++totals.other;
    }
  }
  totals.connections += client.connections_opened();
  const std::lock_guard lock(totals.mutex);
  totals.accepted_leads.insert(accepted.begin(), accepted.end());
}

// Sum of a metric over every connector, or nullopt if /metrics failed.
struct metric_values {
  long long oldest_age = 0;  // max over connectors
  long long depth = 0;       // sum over connectors
};

std::optional<metric_values> read_metrics(bench::keep_alive_client& client) {
  const auto answer = client.get("/metrics");
  if (!answer || answer->status != 200) {
    return std::nullopt;
  }
  metric_values v;
  std::istringstream lines(answer->body);
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.rfind(' ');
    if (line.empty() || line[0] == '#' || space == std::string::npos) {
      continue;
    }
    const long long value = std::atoll(line.c_str() + space + 1);
    if (line.rfind("leadsync_outbox_oldest_age_seconds{", 0) == 0) {
      v.oldest_age = std::max(v.oldest_age, value);
    } else if (line.rfind("leadsync_outbox_depth{", 0) == 0) {
      v.depth += value;
    }
  }
  return v;
}

pid_t start_daemon(const std::filesystem::path& dir) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) {
      _exit(127);
    }
    const int log = open("leadsyncd.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, 1);
    dup2(log, 2);
    execl(LEADSYNC_DAEMON_PATH, LEADSYNC_DAEMON_PATH, "--config", "leadsync.toml", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

long peak_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return -1;
}

std::string run_ctl(const std::filesystem::path& dir, const std::string& args) {
  const std::string command = "cd '" + dir.string() + "' && '" LEADSYNC_CTL_PATH "' --config leadsync.toml --json " +
                              args + " 2>/dev/null";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) {
      out.append(buf, n);
    }
    pclose(pipe);
  }
  return out;
}

// leadsyncctl's JSON, or null when it printed something else (an error).
json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value() : v;
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A fault injected at a share of the load phase.
struct fault {
  double at;  // 0..1 of the load duration
  std::string what;
  std::function<void()> inject;
};

settings parse_args(int argc, char** argv) {
  settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const double value = std::atof(argv[i + 1]);
    if (name == "--minutes") {
      s.minutes = value;
    } else if (name == "--rate") {
      s.rate = value;
    } else if (name == "--threads") {
      s.threads = static_cast<int>(value);
    } else if (name == "--drain-minutes") {
      s.drain_minutes = value;
    } else {
      std::cerr << "usage: leadsync_bench_soak [--minutes M] [--rate R] [--threads N] [--drain-minutes M]\n";
      std::exit(2);
    }
  }
  if (s.minutes <= 0 || s.rate <= 0 || s.threads < 1 || s.drain_minutes <= 0) {
    std::cerr << "leadsync_bench_soak: --minutes, --rate, --threads and --drain-minutes must be positive\n";
    std::exit(2);
  }
  return s;
}

std::uint16_t free_port() {
  // Bind port 0, read it, close: the daemon binds it a moment later.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

}  // namespace

int main(int argc, char** argv) {
  const settings s = parse_args(argc, argv);
  char dir_template[] = "/tmp/leadsync-soak.XXXXXX";
  const std::filesystem::path dir = mkdtemp(dir_template);
  std::filesystem::create_directories(dir / "var");

  tests::fake_salesforce_options sf_options;
  sf_options.daily_api_limit = 100'000'000;  // the budget pause is not what this run is about
  tests::fake_salesforce sf(sf_options);
  tests::fake_hubspot hs;
  std::vector<std::string> invalid_emails;
  for (const auto lead : hs_invalid_leads) {
    invalid_emails.push_back(email_of(lead));
  }
  hs.validation_error(invalid_emails, "Property values were not valid: soak-injected");

  const std::uint16_t port = free_port();
  std::ofstream(dir / "leadsync.toml") << config_toml(port, sf_toml(sf, dir) + hs_toml(hs, dir));
  const pid_t daemon = start_daemon(dir);
  {
    bench::keep_alive_client probe(port, 1s);
    const auto deadline = steady::now() + 15s;
    while (!probe.get("/healthz")) {
      if (steady::now() > deadline || waitpid(daemon, nullptr, WNOHANG) != 0) {
        std::cerr << "leadsync_bench_soak: leadsyncd did not start; log in " << dir / "leadsyncd.log" << "\n";
        return 1;
      }
      std::this_thread::sleep_for(100ms);
    }
  }
  std::cerr << "soak: leadsyncd pid " << daemon << " on 127.0.0.1:" << port << ", dir " << dir << ", " << s.minutes
            << " min at " << s.rate << " webhooks/s from " << s.threads << " threads\n";

  // Oldest undelivered age, polled every second for the whole run.
  std::atomic<bool> polling{true};
  std::atomic<long long> max_oldest_age{0};
  std::atomic<long long> max_depth{0};
  std::atomic<long long> last_depth{-1};
  std::thread poller([&] {
    bench::keep_alive_client client(port, 5s);
    while (polling) {
      if (const auto m = read_metrics(client)) {
        max_oldest_age = std::max(max_oldest_age.load(), m->oldest_age);
        max_depth = std::max(max_depth.load(), m->depth);
        last_depth = m->depth;
      }
      std::this_thread::sleep_for(1s);
    }
  });

  const auto load_time = std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s.minutes * 60));
  const auto start = steady::now() + 100ms;
  const auto stop = start + load_time;
  load_totals totals;
  std::vector<std::thread> load;
  for (int i = 0; i < s.threads; ++i) {
    load.emplace_back(load_thread, i, std::cref(s), port, start, stop, std::ref(totals));
  }

  // Emails among the leads getting events at that moment.
  const auto current_emails = [&](std::size_t n) {
    const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
    const auto born = static_cast<std::size_t>(elapsed * lead_birth_rate);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
      out.push_back(email_of(born + i * (window_leads / n)));
    }
    return out;
  };
  const std::vector<fault> schedule = {
      {0.08, "salesforce: UNABLE_TO_LOCK_ROW x3 for 20 leads", [&] { sf.row_lock(current_emails(20), 3); }},
      {0.15, "hubspot: 5 x 429 TEN_SECONDLY_ROLLING, Retry-After 2",
       [&] { hs.rate_limit_burst(5, tests::hs_rate_policy::ten_secondly_rolling, "2"); }},
      {0.20, "salesforce: 8 x 500 on upserts", [&] { sf.server_error({500, std::nullopt}, 8, tests::sf_call::upsert); }},
      {0.30, "salesforce: outage (503 on every call) for 30 s", [&] { sf.server_error({503, std::nullopt}); }},
      {0.30 + 30.0 / (s.minutes * 60), "salesforce: outage over", [&] { sf.heal(); }},
      {0.45, "salesforce: 2 upserts answered after 7 s (past the 5 s timeout)",
       [&] { sf.delay(7000ms, 2, tests::sf_call::upsert); }},
      {0.50, "salesforce: 20 upserts answered after 2.5 s", [&] { sf.delay(2500ms, 20, tests::sf_call::upsert); }},
      {0.52, "hubspot: 10 x 429 TEN_SECONDLY_ROLLING, no Retry-After",
       [&] { hs.rate_limit_burst(10, tests::hs_rate_policy::ten_secondly_rolling); }},
      {0.60, "salesforce: 2 x 403 REQUEST_LIMIT_EXCEEDED (pause 1 min)", [&] { sf.limit_exceeded(2); }},
      {0.75, "hubspot: 5 x 429 with Retry-After 3, then 5 x 502",
       [&] {
         hs.rate_limit_burst(5, tests::hs_rate_policy::ten_secondly_rolling, "3");
         hs.server_error({502, std::nullopt}, 5);
       }},
      {0.85, "salesforce: UNABLE_TO_LOCK_ROW x2 for 20 leads", [&] { sf.row_lock(current_emails(20), 2); }},
  };
  for (const auto& f : schedule) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<steady::duration>(load_time * f.at));
    std::cerr << "soak: +" << std::chrono::duration_cast<std::chrono::seconds>(steady::now() - start).count()
              << " s " << f.what << " (sent " << totals.sent << ", outbox " << last_depth << ")\n";
    f.inject();
  }
  for (auto& t : load) {
    t.join();
  }
  std::cerr << "soak: load stopped after " << totals.sent << " webhooks; healing the fakes, draining\n";
  sf.heal();
  hs.heal();
  hs.validation_error(invalid_emails, "Property values were not valid: soak-injected");

  const auto drain_start = steady::now();
  const auto drain_deadline =
      drain_start + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s.drain_minutes * 60));
  bool drained = false;
  {
    bench::keep_alive_client client(port, 5s);
    auto next_report = drain_start;
    while (steady::now() < drain_deadline) {
      const auto m = read_metrics(client);
      if (m && m->depth == 0) {
        drained = true;
        break;
      }
      if (steady::now() >= next_report) {
        std::cerr << "soak: draining, outbox " << (m ? m->depth : -1) << "\n";
        next_report += 15s;
      }
      std::this_thread::sleep_for(1s);
    }
  }
  const double drain_seconds = std::chrono::duration<double>(steady::now() - drain_start).count();
  polling = false;
  poller.join();
  const long rss = peak_rss_kib(daemon);

  // What the daemon says each lead's stage is, against the CRMs and the DLQ.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> dead;  // (connector, email) -> stages
  std::set<std::string> dead_emails;
  std::size_t dead_count = 0;
  if (const auto listed = parse_or_null(run_ctl(dir, "dlq list --limit 0")); listed.is_object()) {
    if (const auto* items = listed.as_object().if_contains("dead_letters"); items && items->is_array()) {
      for (const auto& v : items->as_array()) {
        const auto& d = v.as_object();
        dead[{string_at(d, "connector"), string_at(d, "email")}].insert(string_at(d, "stage"));
        dead_emails.insert(string_at(d, "connector") + " " + string_at(d, "email"));
        ++dead_count;
      }
    }
  }
  std::size_t sf_delivered = 0, sf_parked = 0, sf_lost = 0, hs_delivered = 0, hs_parked = 0, hs_lost = 0;
  std::size_t unknown = 0;
  std::map<std::string, std::size_t> by_stage;
  std::vector<std::string> lost_examples;
  for (const auto lead : totals.accepted_leads) {
    const std::string email = email_of(lead);
    std::string stage;
    if (const auto shown = parse_or_null(run_ctl(dir, "leads show " + email)); shown.is_object()) {
      const auto& o = shown.as_object();
      const auto* l = o.if_contains("lead");
      stage = string_at(l != nullptr && l->is_object() ? l->as_object() : o, "stage");
    }
    if (stage.empty()) {
      ++unknown;
      continue;
    }
    ++by_stage[stage];
    const auto sf_label = sf_stages.find(stage);
    if (sf_label != sf_stages.end()) {
      const auto r = sf.find_by_external_id("Lead_Key__c", email);
      if (r && r->field("Status") == sf_label->second) {
        ++sf_delivered;
      } else if (dead[{"sfdc", email}].count(stage) != 0) {
        ++sf_parked;
      } else {
        ++sf_lost;
        lost_examples.push_back("sfdc " + email + " " + stage + " (crm: " + (r ? r->field("Status") : "none") + ")");
      }
    }
    const auto hs_value = hs_stages.find(stage);
    if (hs_value != hs_stages.end()) {
      const auto c = hs.contact(email);
      if (c && c->property("lifecyclestage") == hs_value->second) {
        ++hs_delivered;
      } else if (dead[{"hubspot", email}].count(stage) != 0) {
        ++hs_parked;
      } else {
        ++hs_lost;
        lost_examples.push_back("hubspot " + email + " " + stage + " (crm: " +
                                (c ? c->property("lifecyclestage") : "none") + ")");
      }
    }
  }
  std::set<std::string> expected_dead;
  for (const auto lead : hs_invalid_leads) {
    if (totals.accepted_leads.count(lead) != 0) {
      expected_dead.insert("hubspot " + email_of(lead));
    }
  }
  std::set<std::string> sf_keys;
  for (const auto& r : sf.records()) {
    sf_keys.insert(r.field("Lead_Key__c"));
  }
  const long long sf_duplicates = static_cast<long long>(sf.created_count()) - static_cast<long long>(sf_keys.size());
  const long long sf_extra_records = static_cast<long long>(sf.records().size()) - static_cast<long long>(sf_keys.size());
  std::size_t hs_contacts_for_leads = 0;
  for (const auto& contact : hs.contacts()) {
    hs_contacts_for_leads += contact.first.find("@soak.example.com") != std::string::npos ? 1 : 0;
  }

  kill(daemon, SIGTERM);
  waitpid(daemon, nullptr, 0);
  std::size_t log_warnings = 0;
  {
    std::ifstream log(dir / "leadsyncd.log");
    for (std::string line; std::getline(log, line);) {
      log_warnings += (line.find(" warning ") != std::string::npos || line.find(" error ") != std::string::npos);
    }
  }

  const double seconds = s.minutes * 60;
  std::cout << "soak: " << s.minutes << " min load, " << s.threads << " client threads, target " << s.rate
            << " webhooks/s\n"
            << "webhooks sent           " << totals.sent << " (" << static_cast<double>(totals.sent) / seconds
            << "/s, " << totals.connections << " connections)\n"
            << "webhooks accepted (202) " << totals.accepted << ", other status " << totals.other << ", no answer "
            << totals.failed << "\n"
            << "leads accepted          " << totals.accepted_leads.size() << " (stage unknown to leadsyncctl: "
            << unknown << ")\n";
  std::cout << "final stages            ";
  for (const auto& [stage, n] : by_stage) {
    std::cout << stage << "=" << n << " ";
  }
  std::cout << "\n"
            << "outbox drained          " << (drained ? "yes" : "NO") << " in " << drain_seconds
            << " s after the load stopped (peak depth " << max_depth << ")\n"
            << "salesforce              delivered " << sf_delivered << ", dead-lettered " << sf_parked << ", lost "
            << sf_lost << "; records " << sf.records().size() << ", created " << sf.created_count()
            << ", duplicate creates " << sf_duplicates << " (extra records " << sf_extra_records << "), upsert calls "
            << sf.calls(tests::sf_call::upsert) << ", token calls " << sf.calls(tests::sf_call::token) << "\n"
            << "hubspot                 delivered " << hs_delivered << ", dead-lettered " << hs_parked << ", lost "
            << hs_lost << "; contacts " << hs_contacts_for_leads << ", batch upserts "
            << hs.calls(tests::hs_call::batch_upsert) << "\n"
            << "dead letters            " << dead_count << " entries for " << dead_emails.size()
            << " (connector, email); exactly the injected HubSpot validation emails: "
            << (dead_emails == expected_dead ? "yes" : "NO") << "\n"
            << "lost                    " << sf_lost + hs_lost << "\n"
            << "peak RSS leadsyncd      " << static_cast<double>(rss) / 1024.0 << " MiB (VmHWM)\n"
            << "oldest undelivered age  " << max_oldest_age << " s (max of leadsync_outbox_oldest_age_seconds, "
            << "polled every second)\n"
            << "leadsyncd log           " << log_warnings << " warning/error lines\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(lost_examples.size(), 10); ++i) {
    std::cout << "  lost: " << lost_examples[i] << "\n";
  }
  const bool ok = drained && sf_lost + hs_lost == 0 && sf_duplicates == 0 && sf_extra_records == 0 &&
                  dead_emails == expected_dead && unknown == 0;
  if (ok) {
    std::filesystem::remove_all(dir);
  } else {
    std::cout << "kept " << dir << " (leadsyncd.log, var/leadsync.db) for a look\n";
  }
  return ok ? 0 : 1;
}
