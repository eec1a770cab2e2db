#include "tests/integration/daemon_test.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace leadsync::tests {

namespace {

constexpr std::string_view crm_path = "/stage";

bool is_2xx(unsigned status) { return status >= 200 && status < 300; }

template <class Pred>
bool poll_until(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(50ms);
  }
}

void print_crm_requests(const std::vector<recorded_request>& requests) {
  std::cerr << "---- fake CRM saw " << requests.size() << " request(s) ----\n";
  const auto start = requests.empty() ? std::chrono::steady_clock::time_point{}
                                      : requests.front().received_at;
  for (const auto& r : requests) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(r.received_at - start).count();
    std::cerr << "+" << ms << "ms conn=" << r.connection_id << " " << r.method << " "
              << r.target << " -> " << r.answered_status << " " << r.body.substr(0, 400)
              << "\n";
  }
}

}  // namespace

boost::json::value parse_json(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? boost::json::value() : v;
}

std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::json::value v = parse_json(text);
  if (!v.is_object()) {
    return std::nullopt;
  }
  return v.as_object();
}

std::string string_field(const boost::json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

std::string website_event(std::string_view submission_id, std::string_view email,
                          std::string_view kind) {
  boost::json::object body{{"submission_id", submission_id},
                           {"email", email},
                           {"first_name", "Ada"},
                           {"company", "Example Ltd"}};
  if (!kind.empty()) {
    body["type"] = kind;
  }
  return boost::json::serialize(body);
}

std::vector<recorded_request> updates_for(const std::vector<recorded_request>& all,
                                          std::string_view email) {
  std::vector<recorded_request> out;
  for (const auto& r : all) {
    auto body = parse_object(r.body);
    if (body && string_field(*body, "email") == email) {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<boost::json::object> accepted_bodies(const std::vector<recorded_request>& all) {
  std::vector<boost::json::object> out;
  for (const auto& r : all) {
    if (!is_2xx(r.answered_status)) {
      continue;
    }
    if (auto body = parse_object(r.body)) {
      out.push_back(std::move(*body));
    }
  }
  return out;
}

bool has_accepted(const std::vector<recorded_request>& all, std::string_view email,
                  std::string_view stage) {
  for (const auto& body : accepted_bodies(all)) {
    if (string_field(body, "email") == email && string_field(body, "stage") == stage) {
      return true;
    }
  }
  return false;
}

void daemon_test::SetUp() {
  port_ = pick_free_port();
  config_path_ = dir_.path() / "leadsync.toml";
  log_path_ = dir_.path() / "leadsyncd.log";
  std::filesystem::create_directories(dir_.path() / "data");
}

void daemon_test::TearDown() {
  if (daemon_.running()) {
    kill_daemon();
  }
  // LEADSYNC_IT_VERBOSE=1 prints the evidence for passing tests too.
  if (HasFailure() || std::getenv("LEADSYNC_IT_VERBOSE") != nullptr) {
    std::cerr << "---- leadsyncd log (" << log_path_.string() << ") ----\n"
              << daemon_log() << "---- end of leadsyncd log ----\n";
    print_crm_requests(crm_.requests());
  }
}

std::string daemon_test::config_text(const daemon_options& options) const {
  std::ostringstream out;
  out << "[server]\n"
      << "listen_address = \"127.0.0.1\"\n"
      << "listen_port = " << port_ << "\n"
      << "io_threads = 2\n"
      << "max_body_bytes = " << options.max_body_bytes << "\n"
      << "shutdown_timeout_seconds = " << options.shutdown_timeout_seconds << "\n"
      << "\n[storage]\n"
      << "path = \"data/leadsync.db\"\n"
      << "\n[delivery]\n"
      << "retry_initial_ms = 100\n"
      << "retry_max_ms = 500\n"
      << "poll_interval_ms = 200\n"
      // A small definition: identified -> engaged (any points) -> mql (50).
      << "\n[[lead_definition.stages]]\nname = \"anonymous\"\n"
      << "\n[[lead_definition.stages]]\nname = \"identified\"\n"
      << "\n[[lead_definition.stages]]\nname = \"nurture\"\n"
      << "\n[[lead_definition.stages]]\nname = \"engaged\"\n"
      << "  [[lead_definition.stages.rules]]\n  when = 'score > 0'\n"
      << "\n[[lead_definition.stages]]\nname = \"mql\"\nhandoff = true\n"
      << "  [[lead_definition.stages.rules]]\n  when = 'score >= 50 && !junk'\n"
      << "\n[[lead_definition.scoring.rules]]\nname = \"form\"\nwhen = 'kind == \"form_submit\"'\npoints = 10\n"
      << "\n[[lead_definition.scoring.rules]]\nname = \"demo\"\nwhen = 'kind == \"demo_request\"'\npoints = 50\n"
      << "\n[sources.website]\n"
      << "format = \"generic\"\n"
      << "\n[sources.website.map]\n"
      << "event_id = \"/submission_id\"\n"
      << "email = \"/email\"\n"
      << "first_name = \"/first_name\"\n"
      << "company = \"/company\"\n"
      << "kind = \"/type\"\n"
      << "\n[sources.website.defaults]\n"
      << "kind = \"form_submit\"\n";
  if (!options.connectors_toml.empty()) {
    out << "\n" << options.connectors_toml << "\n";
  } else {
    out << "\n[connectors.crm]\n"
        << "type = \"http\"\n"
        << "url = \"" << crm_.url(crm_path) << "\"\n"
        << "timeout_ms = " << options.crm_timeout_ms << "\n"
        << "\n[connectors.crm.headers]\n"
        << "Authorization = \"Bearer test-token\"\n"
        << "\n[connectors.log]\n"
        << "type = \"jsonl\"\n"
        << "path = \"data/updates.jsonl\"\n";
  }
  if (!options.extra_toml.empty()) {
    out << "\n" << options.extra_toml << "\n";
  }
  return out.str();
}

std::vector<std::string> daemon_test::dead_letter_lines() const {
  // The table cuts messages short: rebuild whole lines from --json. The log
  // file is appended to, so each run starts from a fresh one.
  const auto out = dir_.path() / "leadsyncctl.out";
  std::filesystem::remove(out);
  const auto r = run_to_completion(
      {LEADSYNC_CTL_PATH, "--config", config_path_.string(), "dlq", "list", "--limit", "0", "--json"}, dir_.path(),
      out, std::chrono::seconds{20});
  std::vector<std::string> lines;
  if (const auto listed = parse_object(r.output); listed && listed->contains("dead_letters")) {
    for (const auto& v : listed->at("dead_letters").as_array()) {
      const auto& d = v.as_object();
      const std::string code = string_field(d, "code");
      lines.push_back(std::to_string(d.at("id").to_number<long long>()) + "  " + string_field(d, "connector") +
                      "  " + string_field(d, "email") + "  " + string_field(d, "stage") + "  " +
                      string_field(d, "failed_at") + "  " + (code.empty() ? "-" : code) + "  " +
                      string_field(d, "message"));
    }
    return lines;
  }
  // Not JSON: leadsyncctl failed; its words become the lines, so a test expecting none shows them.
  std::string_view rest = r.output;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    if (nl != 0) {
      lines.emplace_back(rest.substr(0, nl));
    }
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }
  return lines;
}

bool daemon_test::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (daemon_log().find(text) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return daemon_log().find(text) != std::string::npos;
}

std::string daemon_test::metrics() const { return http_get(port_, "/metrics").body; }

std::optional<long long> daemon_test::metric(std::string_view sample) const {
  const std::string text = metrics();
  const std::string prefix = std::string{sample} + " ";
  std::size_t at = 0;
  while ((at = text.find(prefix, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::stoll(text.substr(at + prefix.size()));
    }
    at += prefix.size();
  }
  return std::nullopt;
}

std::optional<long long> daemon_test::metric_reaching(std::string_view sample, long long expected,
                                                      std::chrono::milliseconds timeout) const {
  std::optional<long long> value;
  poll_until(
      [&] {
        value = metric(sample);
        return value == expected;
      },
      timeout);
  return value;
}

void daemon_test::write_config(const daemon_options& options) {
  write_config_text(config_text(options));
}

void daemon_test::write_config_text(std::string_view text) {
  write_text_file(config_path_, text);
}

::testing::AssertionResult daemon_test::start_daemon() {
  return start_daemon_until([this] { return wait_healthy(health_timeout); });
}

::testing::AssertionResult daemon_test::start_daemon_until(
    const std::function<::testing::AssertionResult()>& wait_ready) {
  if (!std::filesystem::exists(config_path_)) {
    write_config();
  }
  std::vector<std::string> env;
  for (const auto& [name, value] : daemon_env_) {
    env.push_back(name + "=" + value);
  }
  // pick_free_port() closes its probe socket, so until our daemon binds, the
  // port can go to another process (an outgoing connection's ephemeral port,
  // another test's daemon). Losing that race is not the behaviour under test:
  // move to a fresh port and start again.
  for (int attempt = 1;; ++attempt) {
    const std::size_t log_before = daemon_log().size();
    daemon_.start({LEADSYNC_DAEMON_PATH, "--config", config_path_.string()}, dir_.path(), log_path_, env);
    auto ready = wait_ready();
    const bool lost_port = !ready && !daemon_.running() &&
                           daemon_log().find("Address already in use", log_before) != std::string::npos;
    if (!lost_port || attempt == 5) {
      return ready;
    }
    move_to_free_port();
  }
}

void daemon_test::move_to_free_port() {
  const std::string old_line = "listen_port = " + std::to_string(port_) + "\n";
  port_ = pick_free_port();
  std::string text = read_text_file(config_path_);
  const auto at = text.find(old_line);
  if (at == std::string::npos) {
    throw std::runtime_error("move_to_free_port: no '" + old_line + "' in " + config_path_.string());
  }
  text.replace(at, old_line.size(), "listen_port = " + std::to_string(port_) + "\n");
  write_text_file(config_path_, text);
}

::testing::AssertionResult daemon_test::wait_healthy(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no answer";
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto exited = daemon_.poll()) {
      return ::testing::AssertionFailure()
             << "leadsyncd " << exited->describe() << " before GET /healthz answered";
    }
    if (auto res = try_http_get(port_, "/healthz", 1s)) {
      // Another test's daemon may have taken the port between free_port()
      // and our bind: the answer counts only once our daemon says it listens.
      if (res->status == 200 && daemon_log().find("port=" + std::to_string(port_) + " ") != std::string::npos) {
        return ::testing::AssertionSuccess();
      }
      last = "status " + std::to_string(res->status) + " body " + res->body;
    }
    std::this_thread::sleep_for(50ms);
  }
  return ::testing::AssertionFailure()
         << "GET /healthz on port " << port_ << " not 200 within " << timeout.count()
         << " ms (last: " << last << ")";
}

std::optional<exit_status> daemon_test::stop_daemon(int sig, std::chrono::milliseconds timeout) {
  daemon_.send_signal(sig);
  return daemon_.wait_exit(timeout);
}

exit_status daemon_test::kill_daemon() { return daemon_.kill_now(); }

run_result daemon_test::run_check() {
  return run_to_completion({LEADSYNC_DAEMON_PATH, "--config", config_path_.string(), "--check"},
                           dir_.path(), dir_.path() / "check.log", 20s);
}

http_response daemon_test::post_hook(std::string body, std::string_view source) {
  return http_post(port_, "/hooks/" + std::string(source), std::move(body));
}

bool daemon_test::wait_for_accepted(std::string_view email, std::string_view stage,
                                    std::chrono::milliseconds timeout) {
  return crm_.wait_for(
      [&](const std::vector<recorded_request>& all) { return has_accepted(all, email, stage); },
      timeout);
}

std::vector<std::string> daemon_test::jsonl_lines() const {
  return read_lines(dir_.path() / "data" / "updates.jsonl");
}

bool daemon_test::wait_for_jsonl_lines(std::size_t count, std::chrono::milliseconds timeout) {
  return poll_until([&] { return jsonl_lines().size() >= count; }, timeout);
}

}  // namespace leadsync::tests
