// Delivers a deep outbox backlog to the fake Salesforce org through the
// daemon's own delivery loop and HTTP client, and reports updates per second
// and CRM API calls per update (issue 5's goal: under 1/150 when the backlog
// is deep). Usage: leadsync_bench_crm_backlog [updates=100000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "adapters/builtin.hpp"
#include "core/registry.hpp"
#include "core/sqlite/sqlite_store.hpp"
#include "daemon/delivery.hpp"
#include "daemon/logging.hpp"
#include "tests/fakes/fake_salesforce.hpp"

namespace {

using namespace leadsync;
using clock_type = std::chrono::steady_clock;

// Puts `count` leads in the mql stage with one pending update each for `connector`.
void seed_backlog(core::store& db, const std::string& connector, std::size_t count) {
  constexpr std::size_t chunk = 5000;
  for (std::size_t first = 0; first < count; first += chunk) {
    core::processing_batch batch;
    for (std::size_t i = first; i < std::min(count, first + chunk); ++i) {
      core::lead l;
      l.email = "lead" + std::to_string(i) + "@bench.example.com";
      l.key = l.email;
      l.stage = "mql";
      l.version = 1;
      l.last_name = "Lead" + std::to_string(i);
      l.company = "Bench Co " + std::to_string(i % 997);
      core::stage_update u;
      u.connector = connector;
      u.lead_key = l.key;
      u.email = l.email;
      u.stage = "mql";
      u.previous_stage = "engaged";
      u.score = 60;
      u.rule = "mql";
      u.reason = "score 60 >= 50";
      u.version = 1;
      u.changed_at = core::now_utc();
      u.fields = {{"last_name", l.last_name}, {"company", l.company}, {"grade", "B"}};
      batch.leads.push_back(std::move(l));
      batch.updates.push_back(std::move(u));
    }
    db.commit_processing(batch);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  daemon::setup_logging("warn");

  char dir_template[] = "/tmp/leadsync-backlog-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(dir_template);
  const core::sqlite_options db_options{dir / "leadsync.db", false};

  tests::fake_salesforce org;
  core::registry adapters;
  adapters::register_builtin(adapters);
  core::option_values options;
  options.set("login_url", org.base_url());
  options.set("auth", std::string{"client_credentials"});
  options.set("client_id", org.options().client_id);
  options.set("client_secret", org.options().client_secret);
  options.set("stages", core::string_map{{"mql", "MQL"}});
  options.set("fields", core::string_map{{"LastName", "last_name"}, {"Company", "company"}, {"Rating", "grade"}});
  auto built = adapters.crm("salesforce")->create("sfdc", options);
  if (!built.instance) {
    for (const auto& e : built.errors) {
      std::fprintf(stderr, "option %s: %s\n", e.key.c_str(), e.message.c_str());
    }
    return 1;
  }

  const auto seed_start = clock_type::now();
  {
    auto db = core::open_sqlite_store(db_options);
    seed_backlog(*db, "sfdc", count);
  }
  const double seed_s = std::chrono::duration<double>(clock_type::now() - seed_start).count();

  std::vector<daemon::connector> connectors;
  connectors.push_back({"sfdc", std::move(built.instance), std::nullopt});
  config::delivery_config delivery_options;
  delivery_options.poll_interval = std::chrono::milliseconds{50};
  daemon::delivery delivery(db_options, std::move(connectors), delivery_options);

  const auto start = clock_type::now();
  delivery.start();
  const bool done = org.wait_for([&] { return org.created_count() >= count; }, std::chrono::minutes{30});
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  delivery.stop(std::chrono::seconds{5});

  const auto calls = org.calls();
  const std::size_t rest_calls = calls.upsert + calls.create + calls.update + calls.query + calls.other;
  std::printf("backlog            %zu stage updates (seeded in %.1f s)\n", count, seed_s);
  std::printf("delivered          %zu%s\n", org.created_count(), done ? "" : " (timed out)");
  std::printf("time               %.2f s\n", seconds);
  std::printf("updates/s          %.0f\n", static_cast<double>(org.created_count()) / seconds);
  std::printf("CRM API calls      %zu REST + %zu token\n", rest_calls, calls.token);
  std::printf("calls per update   1/%.0f\n",
              rest_calls == 0 ? 0.0 : static_cast<double>(org.created_count()) / static_cast<double>(rest_calls));
  std::filesystem::remove_all(dir);
  return done ? 0 : 1;
}
