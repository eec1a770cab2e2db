#include "daemon/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>

namespace leadsync::daemon {
namespace {

// Label values escape backslash, double quote and newline (exposition format).
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    text_ += help;
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += type;
    text_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::int64_t value) {
    text_ += name;
    text_ += '{';
    text_ += labels;
    text_ += "} ";
    text_ += std::to_string(value);
    text_ += '\n';
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

using getter = std::function<std::optional<std::int64_t>(const connector_state&)>;

}  // namespace

std::string render_metrics(const std::vector<connector_state>& connectors, core::timestamp now) {
  exposition out;
  auto per_connector = [&](std::string_view name, std::string_view type, std::string_view help, const getter& get) {
    out.family(name, type, help);
    for (const connector_state& c : connectors) {
      if (auto v = get(c)) {
        out.sample(name, "connector=\"" + label(c.name) + "\"", *v);
      }
    }
  };

  out.family("leadsync_deliveries_total", "counter", "Stage updates finished by connector and result.");
  for (const connector_state& c : connectors) {
    const std::string who = "connector=\"" + label(c.name) + "\",result=\"";
    out.sample("leadsync_deliveries_total", who + "delivered\"", static_cast<std::int64_t>(c.delivered));
    out.sample("leadsync_deliveries_total", who + "retried\"", static_cast<std::int64_t>(c.retried));
    out.sample("leadsync_deliveries_total", who + "dead_lettered\"", static_cast<std::int64_t>(c.dead_lettered));
    out.sample("leadsync_deliveries_total", who + "skipped\"", static_cast<std::int64_t>(c.skipped));
  }
  out.family("leadsync_dead_letters_total", "counter",
             "Stage updates dead-lettered by connector and code (the CRM's, or max_attempts / max_age).");
  for (const connector_state& c : connectors) {
    for (const auto& [code, n] : c.dead_letters_by_code) {
      out.sample("leadsync_dead_letters_total",
                 "connector=\"" + label(c.name) + "\",code=\"" + label(code) + "\"", static_cast<std::int64_t>(n));
    }
  }
  per_connector("leadsync_circuit_state", "gauge", "The connector's circuit breaker: 0 closed, 1 half-open, 2 open.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  switch (c.circuit) {
                    case core::delivery::circuit_state::closed:
                      return 0;
                    case core::delivery::circuit_state::half_open:
                      return 1;
                    case core::delivery::circuit_state::open:
                      return 2;
                  }
                  return 0;
                });
  per_connector("leadsync_outbox_depth", "gauge", "Stage updates waiting in the outbox for the connector.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  return static_cast<std::int64_t>(c.outbox_depth);
                });
  per_connector("leadsync_outbox_oldest_age_seconds", "gauge",
                "Age of the oldest stage change waiting for the connector (0 when none waits).",
                [now](const connector_state& c) -> std::optional<std::int64_t> {
                  if (!c.oldest_pending || *c.oldest_pending >= now) {
                    return 0;
                  }
                  return std::chrono::duration_cast<std::chrono::seconds>(now - *c.oldest_pending).count();
                });
  per_connector("leadsync_connector_requests_24h", "gauge",
                "CRM requests in the last 24 h, for connectors with a daily_request_budget.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  if (c.daily_request_budget <= 0) {
                    return std::nullopt;
                  }
                  return c.requests_last_24h;
                });
  per_connector("leadsync_connector_daily_request_budget", "gauge", "The connector's daily_request_budget.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  if (c.daily_request_budget <= 0) {
                    return std::nullopt;
                  }
                  return c.daily_request_budget;
                });
  per_connector("leadsync_connector_paused", "gauge",
                "1 while the CRM asked the connector to hold off or its daily request budget is used up.",
                [now](const connector_state& c) -> std::optional<std::int64_t> {
                  return c.paused_until && *c.paused_until > now ? 1 : 0;
                });
  per_connector("leadsync_connector_paused_until_seconds", "gauge", "Unix time the current pause ends.",
                [now](const connector_state& c) -> std::optional<std::int64_t> {
                  if (!c.paused_until || *c.paused_until <= now) {
                    return std::nullopt;
                  }
                  return core::to_millis(*c.paused_until) / 1000;
                });
  per_connector("leadsync_crm_api_calls_total", "counter", "Requests sent to the CRM.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  return static_cast<std::int64_t>(c.crm.api_calls);
                });
  per_connector("leadsync_crm_token_refreshes_total", "counter", "Access tokens obtained from the CRM.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  return static_cast<std::int64_t>(c.crm.token_refreshes);
                });
  per_connector("leadsync_crm_api_used", "gauge", "API calls used in the CRM's window, as the CRM last reported.",
                [](const connector_state& c) { return c.crm.api_used; });
  per_connector("leadsync_crm_api_limit", "gauge", "The CRM's API limit for that window.",
                [](const connector_state& c) { return c.crm.api_limit; });
  per_connector("leadsync_crm_api_budget", "gauge", "The most API calls this connector lets itself use.",
                [](const connector_state& c) { return c.crm.api_budget; });
  per_connector("leadsync_crm_api_remaining", "gauge", "API calls left before the connector's budget is used up.",
                [](const connector_state& c) -> std::optional<std::int64_t> {
                  const auto cap = c.crm.api_budget ? c.crm.api_budget : c.crm.api_limit;
                  if (!cap || !c.crm.api_used) {
                    return std::nullopt;
                  }
                  return std::max<std::int64_t>(0, *cap - *c.crm.api_used);
                });
  return out.take();
}

// ---- processing metrics (the writer's processor totals) ----
std::string render_processing_metrics(const core::processor::counters& totals) {
  exposition out;
  std::string text;
  // Samples without labels are written here: exposition::sample always adds braces.
  const auto single = [&](std::string_view name, std::string_view help, std::size_t n) {
    out.family(name, "counter", help);
    text += out.take();
    text += std::string{name} + " " + std::to_string(n) + "\n";
  };
  single("leadsync_events_processed_total",
         "Events the processor took from the log (those dropped for forgotten people included).", totals.events);
  out.family("leadsync_stage_transitions_total", "counter", "Stage changes of leads, by the stage entered.");
  for (const auto& [stage, n] : totals.stage_changes) {
    out.sample("leadsync_stage_transitions_total", "stage=\"" + label(stage) + "\"", static_cast<std::int64_t>(n));
  }
  text += out.take();
  single("leadsync_sla_breaches_total", "Leads whose hand-off SLA ran out with no answer from sales.",
         totals.sla_breaches);
  single("leadsync_events_dropped_forgotten_total",
         "Events for people erased with leadsyncctl forget, dropped without a lead or update.",
         totals.dropped_forgotten);
  return text;
}
// ---- end processing metrics ----

// --- webhook_metrics ---

void webhook_metrics::record(std::string_view source, unsigned status, std::chrono::steady_clock::duration took) {
  const double seconds = std::chrono::duration<double>(took).count();
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(buckets.begin(), buckets.end(), seconds) - buckets.begin());
  const std::lock_guard lock(mutex_);
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    it = sources_.emplace(std::string{source}, per_source{}).first;
  }
  per_source& s = it->second;
  ++s.by_status[status];
  ++s.in_bucket[bucket];
  s.seconds += seconds;
  ++s.count;
}

std::string webhook_metrics::render() const {
  std::map<std::string, per_source, std::less<>> copy;
  {
    const std::lock_guard lock(mutex_);
    copy = sources_;
  }
  exposition out;
  out.family("leadsync_webhooks_total", "counter",
             "Webhook requests answered, by source (\"\" for unknown sources) and HTTP status.");
  for (const auto& [source, s] : copy) {
    for (const auto& [status, n] : s.by_status) {
      out.sample("leadsync_webhooks_total",
                 "source=\"" + label(source) + "\",status=\"" + std::to_string(status) + "\"",
                 static_cast<std::int64_t>(n));
    }
  }
  out.family("leadsync_webhook_duration_seconds", "histogram",
             "Time from a webhook's request header to its answer, by source.");
  std::string text = out.take();
  char number[32];
  for (const auto& [source, s] : copy) {
    const std::string who = "source=\"" + label(source) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= buckets.size(); ++i) {
      cumulative += s.in_bucket[i];
      if (i < buckets.size()) {
        std::snprintf(number, sizeof number, "%g", buckets[i]);
      }
      text += "leadsync_webhook_duration_seconds_bucket{" + who + ",le=\"" +
              (i < buckets.size() ? std::string{number} : std::string{"+Inf"}) + "\"} " +
              std::to_string(cumulative) + "\n";
    }
    std::snprintf(number, sizeof number, "%.6f", s.seconds);
    text += "leadsync_webhook_duration_seconds_sum{" + who + "} " + number + "\n";
    text += "leadsync_webhook_duration_seconds_count{" + who + "} " + std::to_string(s.count) + "\n";
  }
  out.family("leadsync_http_connections", "gauge", "Connections the webhook listener holds open.");
  text += out.take();
  text += "leadsync_http_connections " + std::to_string(connections()) + "\n";
  out.family("leadsync_http_connections_refused_total", "counter",
             "Connections refused because max_connections were open.");
  text += out.take();
  text += "leadsync_http_connections_refused_total " + std::to_string(refused_.load(std::memory_order_relaxed)) + "\n";
  return text;
}

}  // namespace leadsync::daemon
