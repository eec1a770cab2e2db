// The fixed sections: [server], [storage], [log], [delivery], and the
// [connectors.<name>.delivery] tables over [delivery]. [lead_definition] is
// read in definition_section.cpp.
// Each reader overwrites the defaults in config.hpp only with valid values and
// reports the rest; a bad value never stops the others from being checked.
#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>

#include "config/checker.hpp"

namespace leadsync::config::detail {

namespace {

constexpr std::array<std::string_view, 7> log_levels = {"trace", "debug",    "info", "warn",
                                                        "error", "critical", "off"};

}  // namespace

void read_server(const toml::table& table, checker& check, server_config& out) {
  const field fields[] = {
      {"listen_address",
       [&](const toml::node& v, const std::string& path) {
         if (auto s = check.string(v, path)) {
           out.listen_address = *s;
         }
       }},
      {"listen_port",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 0, 65535)) {
           out.listen_port = static_cast<std::uint16_t>(*n);
         }
       }},
      {"io_threads",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1, 64)) {
           out.io_threads = static_cast<int>(*n);
         }
       }},
      {"max_body_bytes",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1)) {
           out.max_body_bytes = static_cast<std::size_t>(*n);
         }
       }},
      {"idle_timeout_seconds",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1)) {
           out.idle_timeout = std::chrono::seconds{*n};
         }
       }},
      {"shutdown_timeout_seconds",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 0)) {
           out.shutdown_timeout = std::chrono::seconds{*n};
         }
       }},
  };
  read_fields(table, "server", fields, check);
}

void read_storage(const toml::table& table, checker& check, storage_config& out) {
  const field fields[] = {
      {"path",
       [&](const toml::node& v, const std::string& path) {
         auto s = check.string(v, path);
         if (s && s->empty()) {
           check.error(v.source(), path, "expected a non-empty path, got an empty string");
         } else if (s) {
           out.path = *s;
         }
       }},
  };
  read_fields(table, "storage", fields, check);
}

void read_log(const toml::table& table, checker& check, log_config& out) {
  const field fields[] = {
      {"level",
       [&](const toml::node& v, const std::string& path) {
         auto s = check.string(v, path);
         if (!s) {
           return;
         }
         if (std::find(log_levels.begin(), log_levels.end(), *s) != log_levels.end()) {
           out.level = *s;
           return;
         }
         std::string message = "unknown level `" + printable(*s) + "`";
         if (auto near = suggest(*s, log_levels)) {
           message += "; did you mean `" + std::string{*near} + "`?";
         } else {
           message += " (known levels: " + join(log_levels) + ")";
         }
         check.error(v.source(), path, std::move(message));
       }},
      {"format",
       [&](const toml::node& v, const std::string& path) {
         if (auto s = check.string(v, path)) {
           if (*s == "plain" || *s == "json") {
             out.format = *s;
           } else {
             check.error(v.source(), path, "unknown format `" + printable(*s) + "` (plain or json)");
           }
         }
       }},
      {"mask_emails",
       [&](const toml::node& v, const std::string& path) {
         if (auto b = check.boolean(v, path)) {
           out.mask_emails = *b;
         }
       }},
  };
  read_fields(table, "log", fields, check);
}

namespace {

constexpr double max_requests_per_second = 100'000;

// A number (integer or float) from min to max, or nullopt after reporting.
std::optional<double> number_in(checker& check, const toml::node& v, const std::string& path, double min,
                                double max) {
  const std::optional<double> n = check.number(v, path);
  if (n && (*n < min || *n > max)) {
    check.error(v.source(), path,
                "expected a number from " + number_text(min) + " to " + number_text(max) + ", got " +
                    number_text(*n));
    return std::nullopt;
  }
  return n;
}

// The keys of [delivery] and of [connectors.<name>.delivery], read over
// `out`, which holds what applies where the table is silent (`inherited`
// names where that comes from, for messages).
void read_delivery_keys(const toml::table& table, const std::string& path, checker& check, delivery_config& out,
                        std::string_view inherited) {
  // retry_max_ms >= retry_initial_ms is checked once both are known; either
  // may be inherited, so remember where each one was set.
  const toml::node* initial_node = nullptr;
  const toml::node* max_node = nullptr;
  bool initial_ok = true;
  bool max_ok = true;
  const field fields[] = {
      {"retry_initial_ms",
       [&](const toml::node& v, const std::string& key) {
         initial_node = &v;
         auto n = check.integer(v, key, 1);
         initial_ok = n.has_value();
         if (n) {
           out.retry_initial = std::chrono::milliseconds{*n};
         }
       }},
      {"retry_max_ms",
       [&](const toml::node& v, const std::string& key) {
         max_node = &v;
         auto n = check.integer(v, key, 1);
         max_ok = n.has_value();
         if (n) {
           out.retry_max = std::chrono::milliseconds{*n};
         }
       }},
      {"poll_interval_ms",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 1)) {
           out.poll_interval = std::chrono::milliseconds{*n};
         }
       }},
      {"linger_ms",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 0, 1000)) {
           out.linger = std::chrono::milliseconds{*n};
         }
       }},
      {"max_attempts",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 1, 1000)) {
           out.max_attempts = static_cast<int>(*n);
         }
       }},
      {"max_age_hours",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 1, 8760)) {
           out.max_age = std::chrono::hours{*n};
         }
       }},
      {"workers",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 1, 16)) {
           out.workers = static_cast<int>(*n);
         }
       }},
      {"requests_per_second",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = number_in(check, v, key, 0, max_requests_per_second)) {
           out.requests_per_second = *n;
         }
       }},
      {"burst",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = number_in(check, v, key, 1, max_requests_per_second)) {
           out.burst = *n;
         }
       }},
      {"daily_request_budget",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 0)) {
           out.daily_request_budget = *n;
         }
       }},
      {"circuit_failures",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 1, 1000)) {
           out.circuit_failures = static_cast<int>(*n);
         }
       }},
      {"circuit_open_seconds",
       [&](const toml::node& v, const std::string& key) {
         if (auto n = check.integer(v, key, 1, 3600)) {
           out.circuit_open = std::chrono::seconds{*n};
         }
       }},
  };
  read_fields(table, path, fields, check);

  if (!initial_ok || !max_ok || out.retry_max >= out.retry_initial) {
    return;
  }
  const std::string initial = std::to_string(out.retry_initial.count());
  const std::string max = std::to_string(out.retry_max.count());
  if (max_node != nullptr) {
    check.error(max_node->source(), join_key(path, "retry_max_ms"),
                "expected an integer of at least retry_initial_ms (" + initial + "), got " + max);
  } else if (initial_node != nullptr) {
    check.error(initial_node->source(), join_key(path, "retry_initial_ms"),
                "expected an integer of at most retry_max_ms (" + max + ", " + std::string{inherited} + "), got " +
                    initial);
  }
}

}  // namespace

void read_delivery(const toml::table& table, checker& check, delivery_config& out) {
  read_delivery_keys(table, "delivery", check, out, "the default");
}

void read_connector_delivery(const toml::table& root, checker& check, config& out) {
  for (connector_config& c : out.connectors) {
    c.delivery = out.delivery;
  }
  const toml::table* connectors = root["connectors"].as_table();
  if (connectors == nullptr) {
    return;  // reported by the root reader
  }
  for (auto&& [name, node] : *connectors) {
    const toml::table* connector = node.as_table();
    if (connector == nullptr) {
      continue;  // reported by read_connectors
    }
    const auto it = connector->find("delivery");
    if (it == connector->end()) {
      continue;
    }
    const std::string path = join_key(join_key("connectors", name.str()), "delivery");
    const toml::table* table = check.table(it->second, path);
    if (table == nullptr) {
      continue;
    }
    delivery_config merged = out.delivery;
    read_delivery_keys(*table, path, check, merged, "from [delivery] or the default");
    for (connector_config& c : out.connectors) {
      if (c.name == name.str()) {
        c.delivery = merged;
      }
    }
  }
}

}  // namespace leadsync::config::detail
