// Seeds a leadsyncd database with N leads for the ingest benchmark at scale
// (bench/README.md, "Ingest", SEED=...; issue 8 "Scale").
//
//   leadsync_bench_seed --db PATH --leads N   seeds a new database at PATH
//   leadsync_bench_seed --version             prints the cache key parts:
//                                             "schema=<store schema> generator=<this file's version>"
//
// Each lead gets 2 to 4 events of the shapes the benchmark's three sources
// produce (Typeform form_submit, Intercom chat_started / chat_message, Stripe
// trial_started; see bench/ingest/bench.toml), appended through the store API
// in batches, and processed by core::processor with the built-in default
// lead definition and NO connectors, so no outbox rows are written. People
// follow the lists of bench/ingest/signed.lua, with ".s<n>" in the email so
// they never meet the people wrk sends.
//
// The events are 13 to 25 months old. After processing, every lead is
// re-evaluated once at the present (the processor's due pass), which leaves
// them dormant: scores decayed below 1, hand-offs recycled for inactivity,
// no next check planned. So the benchmark measures ingest against a large
// database, not a backlog of timed re-checks, however old the cached file
// is. Finally the write-ahead log is checkpointed into the database file and
// the connection closed, so the file can be copied alone.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/default_definition.hpp"
#include "core/definition/engine.hpp"
#include "core/processor.hpp"
#include "core/sqlite/sqlite_db.hpp"
#include "core/sqlite/sqlite_store.hpp"

#ifndef LEADSYNC_SOURCE_DIR
#error "LEADSYNC_SOURCE_DIR must be defined (the source tree, for the shipped disposable-domain list)"
#endif

namespace {

using namespace leadsync;
using clock_type = std::chrono::steady_clock;

// Bump when the seeded data changes shape, so bench/ingest/run does not reuse
// a cached database made by an older version of this file.
constexpr int generator_version = 1;

constexpr std::size_t leads_per_batch = 5000;  // one append transaction: ~15,000 events
constexpr std::size_t process_limit = 5000;    // events (or due leads) per processor transaction

// ---- people: the same lists and rules as bench/ingest/signed.lua ----
constexpr std::string_view first_names[] = {
    "Ada",   "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Dennis", "Frances", "Ken",  "Radia",
    "Niklaus", "Katherine", "John", "Hedy", "Tim", "Shafi", "Leslie", "Sophie", "Linus", "Anita", "Guido",
    "Jean", "Bjarne", "Karen", "Vint", "Fran", "Claude", "Mary", "Yukihiro", "Annie", "Robin"};
constexpr std::string_view last_names[] = {
    "Lovelace", "Hopper", "Turing",  "Dijkstra", "Liskov", "Knuth",  "Hamilton", "Ritchie", "Allen",
    "Thompson", "Perlman", "Wirth",  "Johnson",  "McCarthy", "Lamarr", "Lee",    "Goldwasser", "Lamport",
    "Wilson",   "Torvalds", "Borg",  "Rossum",   "Sammet", "Stroustrup", "Jones", "Cerf", "Bilas", "Shannon",
    "Keller",   "Matsumoto", "Easley", "Milner"};
constexpr std::string_view company_a[] = {"Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark",
                                          "Wayne",     "Acme",    "Hooli",  "Vandelay", "Soylent", "Tyrell",
                                          "Cyberdyne", "Wonka",   "Gringotts", "Oscorp"};
constexpr std::string_view company_b[] = {"Analytics", "Systems", "Labs",     "Software", "Logistics", "Health",
                                          "Robotics",  "Media",   "Energy",   "Foods",    "Capital",   "Networks",
                                          "Games",     "Studios", "Security", "Cloud"};
constexpr std::string_view titles[] = {"Head of Engineering", "VP Marketing",  "Software Engineer",
                                       "Director of Operations", "Chief Technology Officer", "Marketing Manager",
                                       "Data Analyst", "Product Manager", "Student", "Founder"};
constexpr int employees[] = {8, 35, 120, 250, 800, 2400, 7000, 25000};
constexpr std::string_view countries[] = {"US", "GB", "DE", "FR", "CA", "IN", "BR", "AU", "NL", "ES"};
constexpr std::string_view naics[] = {"511210", "518210", "541511", "522110", "611310"};
constexpr std::uint64_t companies = 40009;

std::string lower(std::string_view s) {
  std::string out{s};
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

struct person {
  std::string first, last, email, company, title, employees, country, naics;
};

person person_of(std::uint64_t n) {
  person p;
  p.first = first_names[n % 32];
  p.last = last_names[(n / 32) % 32];
  const std::uint64_t c = n % companies;
  const std::string_view a = company_a[c % 16];
  const std::string_view b = company_b[(c / 16) % 16];
  p.company = std::string{a} + " " + std::string{b};
  p.email = lower(p.first) + "." + lower(p.last) + ".s" + std::to_string(n) + "@" + lower(a) + lower(b) +
            std::to_string(c) + ".example";
  p.title = titles[n % 10];
  p.employees = std::to_string(employees[c % 8]);
  p.country = countries[(c / 8) % 10];
  p.naics = naics[(c / 80) % 5];
  return p;
}

std::string intercom_contact_id(std::uint64_t n) {
  char id[32];
  std::snprintf(id, sizeof id, "65%022llx", static_cast<unsigned long long>(n));
  return id;
}

// Event j of lead n, as the benchmark's sources would have produced it.
core::event event_of(std::uint64_t n, int j, const person& p, core::timestamp at) {
  core::event e;
  e.received_at = at;
  e.occurred_at = at;
  e.email = p.email;
  const std::string id = std::to_string(n) + "-" + std::to_string(j);
  switch ((n + static_cast<std::uint64_t>(j)) % 3) {
    case 0: {  // Typeform form_response
      static constexpr std::string_view forms[] = {"ebook", "newsletter", "webinar", "demo"};
      static constexpr std::string_view form_ids[] = {"Bk7ebook", "Nw3lettr", "Wb5nr001", "Dm0book1"};
      const std::size_t f = (n / 7 + static_cast<std::uint64_t>(j)) % 4;
      e.source = "typeform";
      e.source_event_id = "seed" + id;
      e.kind = "form_submit";
      e.first_name = p.first;
      e.last_name = p.last;
      e.company = p.company;
      e.title = p.title;
      e.attributes = {{"form_id", std::string{form_ids[f]}}, {"form", std::string{forms[f]}},
                      {"employees", p.employees},          {"country", p.country},
                      {"utm_source", "newsletter"},         {"utm_campaign", "launch"}};
      break;
    }
    case 1: {  // Intercom: a new chat lead, or a message in a conversation
      const std::string contact = intercom_contact_id(n);
      e.source = "intercom";
      e.source_event_id = "notif_seed-" + id;
      e.first_name = p.first;
      e.last_name = p.last;
      e.anonymous_id = contact;
      e.external_ids = {{"intercom_contact_id", contact}};
      if (j == 0 || n % 2 == 0) {
        e.kind = "chat_started";
        e.company = p.company;
        e.title = p.title;
        e.attributes = {{"event_type", "contact.lead.created"}, {"role", "lead"}};
      } else {
        e.kind = "chat_message";
        e.attributes = {{"event_type", "conversation.user.created"}, {"conversation_id", "cseed" + id}};
      }
      break;
    }
    default: {  // Stripe customer.subscription.created, trialing
      const std::string customer = "cus_seed" + std::to_string(n);
      e.source = "stripe";
      e.source_event_id = "evt_seed" + id;
      e.kind = "trial_started";
      e.anonymous_id = "stripe:" + customer;
      e.external_ids = {{"stripe_customer_id", customer}};
      e.attributes = {{"stripe_event_type", "customer.subscription.created"},
                      {"subscription_id", "sub_seed" + id},
                      {"status", "trialing"},
                      {"plan", "price_pro_monthly"},
                      {"product", "prod_pro"},
                      {"trial_end", core::format_rfc3339(at + std::chrono::days{14})},
                      {"livemode", "false"}};
      break;
    }
  }
  return e;
}

std::shared_ptr<const core::definition::engine> default_engine() {
  auto loaded = config::load_definition_string(config::default_definition_toml(), config::default_definition_name);
  if (!loaded.value) {
    for (const auto& d : loaded.errors) {
      std::fprintf(stderr, "%s\n", config::format(d).c_str());
    }
    std::exit(1);
  }
  const auto list = std::filesystem::path{LEADSYNC_SOURCE_DIR} / "config" / "data" / "disposable-domains.txt";
  if (auto problem = config::use_shipped_disposable_list(*loaded.value, list)) {
    std::fprintf(stderr, "%s\n", config::format(*problem).c_str());
    std::exit(1);
  }
  return std::make_shared<core::definition::engine>(loaded.value->model);
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

int usage() {
  std::fprintf(stderr,
               "usage: leadsync_bench_seed --db PATH --leads N\n"
               "       leadsync_bench_seed --version\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path db_path;
  std::uint64_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--version") {
      std::printf("schema=%d generator=%d\n", core::sqlite::latest_schema_version(), generator_version);
      return 0;
    }
    if (arg == "--db" && i + 1 < argc) {
      db_path = argv[++i];
    } else if (arg == "--leads" && i + 1 < argc) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else {
      return usage();
    }
  }
  if (db_path.empty() || count == 0) {
    return usage();
  }
  std::error_code ec;
  if (std::filesystem::exists(db_path, ec)) {
    std::fprintf(stderr, "seed: %s exists; give a new path\n", db_path.c_str());
    return 1;
  }

  try {
    const auto engine = default_engine();
    core::sqlite_options options;
    options.path = db_path;
    auto db = core::open_sqlite_store(options);
    core::processor proc(*db, *engine, {});  // no connectors: no outbox rows

    const auto start = clock_type::now();
    const core::timestamp now = core::now_utc();
    // Lead n first came in between 25 and 13 months ago; its events are 5 h apart.
    const core::timestamp oldest = now - std::chrono::days{760};
    const auto spread = std::chrono::milliseconds{std::chrono::days{365}} / count;
    std::uint64_t events = 0;
    std::size_t processed = 0;
    std::size_t rechecked = 0;
    std::uint64_t next_report = count / 10;
    for (std::uint64_t first = 0; first < count; first += leads_per_batch) {
      std::vector<core::event> batch;
      for (std::uint64_t n = first; n < std::min(count, first + leads_per_batch); ++n) {
        const person p = person_of(n);
        const int per_lead = 2 + static_cast<int>(n % 3);
        const core::timestamp arrived = oldest + spread * static_cast<std::int64_t>(n);
        for (int j = 0; j < per_lead; ++j) {
          batch.push_back(event_of(n, j, p, arrived + std::chrono::hours{5} * j));
        }
      }
      events += batch.size();
      db->append_events(batch);
      while (const std::size_t took = proc.run(process_limit)) {
        processed += took;
      }
      while (const std::size_t took = proc.run_due(now, process_limit)) {
        rechecked += took;
      }
      const std::uint64_t done = std::min(count, first + leads_per_batch);
      if (done >= next_report) {
        std::fprintf(stderr, "seed: %llu of %llu leads, %.0f s\n", static_cast<unsigned long long>(done),
                     static_cast<unsigned long long>(count), seconds_since(start));
        next_report += count / 10;
      }
    }
    const core::event_totals totals = db->event_counts();
    const bool nothing_due = db->due_leads(core::now_utc(), 1).empty();
    bool checkpointed = false;
    for (int attempt = 0; attempt < 5 && !checkpointed; ++attempt) {
      checkpointed = db->checkpoint_truncate();
    }
    db.reset();  // closes the connection; SQLite removes the empty -wal and -shm files
    const double took = seconds_since(start);
    const auto wal = std::filesystem::path{db_path.string() + "-wal"};
    const bool wal_left = std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0;
    const double mib = static_cast<double>(std::filesystem::file_size(db_path)) / (1024.0 * 1024.0);
    std::printf(
        "seeded leads=%llu events=%llu processed=%zu rechecked=%zu unprocessed=%zu due=%s seconds=%.1f "
        "size_mib=%.1f\n",
        static_cast<unsigned long long>(count), static_cast<unsigned long long>(events), processed, rechecked,
        totals.unprocessed, nothing_due ? "none" : "some", took, mib);
    if (!checkpointed || wal_left || totals.unprocessed != 0 || !nothing_due) {
      std::fprintf(stderr, "seed: the database is not clean (checkpointed=%d wal_left=%d unprocessed=%zu due=%s)\n",
                   checkpointed, wal_left, totals.unprocessed, nothing_due ? "none" : "some");
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seed: %s\n", e.what());
    return 1;
  }
  return 0;
}
