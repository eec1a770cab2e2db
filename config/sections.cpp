// The fixed sections: [server], [storage], [log], [delivery]. [lead_definition]
// is read in definition_section.cpp.
// Each reader overwrites the defaults in config.hpp only with valid values and
// reports the rest; a bad value never stops the others from being checked.
#include <algorithm>
#include <array>
#include <chrono>

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
  };
  read_fields(table, "log", fields, check);
}

void read_delivery(const toml::table& table, checker& check, delivery_config& out) {
  // retry_max_ms >= retry_initial_ms is checked once both are known; either
  // may come from the defaults, so remember where each one was set.
  const toml::node* initial_node = nullptr;
  const toml::node* max_node = nullptr;
  bool initial_ok = true;
  bool max_ok = true;
  const field fields[] = {
      {"retry_initial_ms",
       [&](const toml::node& v, const std::string& path) {
         initial_node = &v;
         auto n = check.integer(v, path, 1);
         initial_ok = n.has_value();
         if (n) {
           out.retry_initial = std::chrono::milliseconds{*n};
         }
       }},
      {"retry_max_ms",
       [&](const toml::node& v, const std::string& path) {
         max_node = &v;
         auto n = check.integer(v, path, 1);
         max_ok = n.has_value();
         if (n) {
           out.retry_max = std::chrono::milliseconds{*n};
         }
       }},
      {"poll_interval_ms",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1)) {
           out.poll_interval = std::chrono::milliseconds{*n};
         }
       }},
  };
  read_fields(table, "delivery", fields, check);

  if (!initial_ok || !max_ok || out.retry_max >= out.retry_initial) {
    return;
  }
  const std::string initial = std::to_string(out.retry_initial.count());
  const std::string max = std::to_string(out.retry_max.count());
  if (max_node != nullptr) {
    check.error(max_node->source(), "delivery.retry_max_ms",
                "expected an integer of at least retry_initial_ms (" + initial + "), got " + max);
  } else if (initial_node != nullptr) {
    check.error(
        initial_node->source(), "delivery.retry_initial_ms",
        "expected an integer of at most retry_max_ms (" + max + ", the default), got " + initial);
  }
}

}  // namespace leadsync::config::detail
