// What applying the lead definition costs per event: the built-in default
// definition (with the shipped disposable-domain list, as leadsyncd runs it)
// on a lead whose history is full (1,000 activities, the default
// max_activities). Reports time per event; no store, no I/O.
//
//   BM_RecordAndEvaluate/1000  record() one new event, then evaluate() at its
//                              time: what the processor does per event
//   BM_Evaluate/N              evaluate() alone (a due re-check, `explain`)
//                              for a lead with N activities
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/default_definition.hpp"
#include "core/definition/engine.hpp"

#ifndef LEADSYNC_SOURCE_DIR
#error "LEADSYNC_SOURCE_DIR must name the source tree"
#endif

namespace {

using namespace leadsync;
using namespace std::chrono_literals;

const core::timestamp start = core::from_millis(1'767'225'600'000);  // 2026-01-01T00:00:00Z

const core::definition::engine& default_engine() {
  static const auto engine = [] {
    auto loaded = config::load_definition_string(config::default_definition_toml(), config::default_definition_name);
    if (!loaded.value) {
      for (const auto& d : loaded.errors) {
        std::fprintf(stderr, "%s\n", config::format(d).c_str());
      }
      std::abort();
    }
    const auto list = std::filesystem::path{LEADSYNC_SOURCE_DIR} / "config" / "data" / "disposable-domains.txt";
    if (auto problem = config::use_shipped_disposable_list(*loaded.value, list)) {
      std::fprintf(stderr, "%s\n", config::format(*problem).c_str());
      std::abort();
    }
    return core::definition::engine(loaded.value->model);
  }();
  return engine;
}

// A plausible mix of what an engaged buyer does: mostly page views, some
// content and webinars, product use, chat, the odd demo request.
std::vector<core::event> event_mix(std::size_t n, std::uint32_t seed) {
  struct kind_weight {
    const char* kind;
    const char* page;
    int weight;
  };
  static const std::vector<kind_weight> mix{
      {"page_view", "/pricing", 10},      {"page_view", "/blog/lead-scoring", 25}, {"page_view", "/careers", 2},
      {"content_download", "", 8},        {"webinar_attended", "", 4},             {"form_submit", "", 5},
      {"chat_message", "", 6},            {"key_action", "", 20},                  {"product_event", "", 15},
      {"teammate_invited", "", 2},        {"demo_request", "", 1},                 {"identify", "", 2},
  };
  std::vector<int> weights;
  for (const auto& k : mix) {
    weights.push_back(k.weight);
  }
  std::mt19937 rng(seed);
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  std::vector<core::event> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& k = mix[pick(rng)];
    core::event e;
    e.source = "website";
    e.kind = k.kind;
    e.email = "ada@analytical.example";
    e.first_name = "Ada";
    e.last_name = "Lovelace";
    e.title = "Director of Engineering";
    e.attributes = {{"naics", "511210"}, {"employees", "250"}, {"country", "GB"}};
    if (*k.page != '\0') {
      e.attributes["page"] = k.page;
    }
    if (e.kind == "form_submit") {
      e.attributes["form"] = "newsletter";
    }
    out.push_back(std::move(e));
  }
  return out;
}

// What the processor's fold() copies onto the lead.
void fold(core::lead& l, const core::event& e) {
  l.first_name = e.first_name;
  l.last_name = e.last_name;
  l.title = e.title;
  for (const auto& [k, v] : e.attributes) {
    l.traits[k] = v;
  }
}

// A lead with `n` activities, one every `gap`, ending at the returned time.
core::timestamp build_lead(core::lead& l, std::size_t n, std::chrono::milliseconds gap) {
  const auto& engine = default_engine();
  l = core::lead{};
  l.key = l.email = "ada@analytical.example";
  core::timestamp at = start;
  for (auto& e : event_mix(n, 1)) {
    e.occurred_at = e.received_at = at;
    fold(l, e);
    engine.record(l, e);
    at += gap;
  }
  const core::evaluation ev = engine.evaluate(l, at);
  l.stage = ev.stage;
  l.stage_since = at;
  return at;
}

// 1,000 activities over the last ~180 days (one every 4 h 19 min).
constexpr auto history_gap = std::chrono::milliseconds{180 * 24h} / 1000;

void BM_RecordAndEvaluate(benchmark::State& state) {
  const auto& engine = default_engine();
  core::lead l;
  core::timestamp at = build_lead(l, static_cast<std::size_t>(state.range(0)), history_gap);
  std::vector<core::event> next = event_mix(1024, 2);
  std::size_t i = 0;
  for (auto _ : state) {
    core::event& e = next[i++ % next.size()];
    at += history_gap;
    e.occurred_at = e.received_at = at;
    fold(l, e);
    engine.record(l, e);
    core::evaluation ev = engine.evaluate(l, at);
    benchmark::DoNotOptimize(ev);
  }
  state.counters["activities"] = static_cast<double>(l.activities.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordAndEvaluate)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_Evaluate(benchmark::State& state) {
  const auto& engine = default_engine();
  core::lead l;
  const core::timestamp at = build_lead(l, static_cast<std::size_t>(state.range(0)), history_gap);
  for (auto _ : state) {
    core::evaluation ev = engine.evaluate(l, at);
    benchmark::DoNotOptimize(ev);
  }
  state.counters["activities"] = static_cast<double>(l.activities.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Evaluate)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
