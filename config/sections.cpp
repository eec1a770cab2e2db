// The fixed sections: [server], [storage], [log], [delivery], and the
// [connectors.<name>.delivery] tables over [delivery]. [lead_definition] is
// read in definition_section.cpp.
// Each reader overwrites the defaults in config.hpp only with valid values and
// reports the rest; a bad value never stops the others from being checked.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "config/checker.hpp"

namespace leadsync::config::detail {

namespace {

constexpr std::array<std::string_view, 7> log_levels = {"trace", "debug",    "info", "warn",
                                                        "error", "critical", "off"};

// A file path from the config, relative ones taken from the config file's
// directory so the daemon finds them whatever its working directory.
std::filesystem::path config_relative(const checker& check, const std::string& value) {
  const std::filesystem::path p{value};
  return p.is_absolute() ? p : std::filesystem::path{check.file()}.parent_path() / p;
}

// [server.tls]: both files are required; they are read when the daemon
// starts (and on SIGHUP), not here, so --check works without the key.
void read_server_tls(const toml::table& table, const std::string& path, checker& check, server_config& out) {
  tls_config tls;
  bool has_cert = false;
  bool has_key = false;
  const std::size_t before = check.count();
  auto file = [&](std::filesystem::path& target, bool& seen) {
    return [&check, t = &target, seen_it = &seen](const toml::node& v, const std::string& key) {
      auto s = check.string(v, key);
      if (s && s->empty()) {
        check.error(v.source(), key, "expected a non-empty path, got an empty string");
      } else if (s) {
        *t = config_relative(check, *s);
        *seen_it = true;
      }
    };
  };
  const field fields[] = {
      {"cert_file", file(tls.cert_file, has_cert)},
      {"key_file", file(tls.key_file, has_key)},
      {"min_version",
       [&](const toml::node& v, const std::string& key) {
         if (auto s = check.string(v, key)) {
           if (*s == "1.2" || *s == "1.3") {
             tls.min_version = *s;
           } else {
             check.error(v.source(), key, "unknown TLS version `" + printable(*s) + "` (\"1.2\" or \"1.3\")");
           }
         }
       }},
  };
  read_fields(table, path, fields, check);
  for (auto [seen, key] : {std::pair{has_cert, "cert_file"}, std::pair{has_key, "key_file"}}) {
    if (!seen && !table.contains(key)) {
      check.error(table.source(), path, std::string{"missing `"} + key + "` (a PEM file)");
    }
  }
  if (check.count() == before) {
    out.tls = std::move(tls);
  }
}

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
      {"header_timeout_seconds",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1, 3600)) {
           out.header_timeout = std::chrono::seconds{*n};
         }
       }},
      {"body_timeout_seconds",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1, 3600)) {
           out.body_timeout = std::chrono::seconds{*n};
         }
       }},
      {"max_connections",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 1, 1'000'000)) {
           out.max_connections = static_cast<int>(*n);
         }
       }},
      {"max_header_bytes",
       [&](const toml::node& v, const std::string& path) {
         // Below 1 KiB ordinary requests would fail.
         if (auto n = check.integer(v, path, 1024, 1024 * 1024)) {
           out.max_header_bytes = static_cast<std::size_t>(*n);
         }
       }},
      {"tls",
       [&](const toml::node& v, const std::string& path) {
         if (const toml::table* t = check.table(v, path)) {
           read_server_tls(*t, path, check, out);
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
      {"durability",
       [&](const toml::node& v, const std::string& path) {
         auto s = check.string(v, path);
         if (s && *s == "process") {
           out.durability = storage_config::durability_level::process;
         } else if (s && *s == "power") {
           out.durability = storage_config::durability_level::power;
         } else if (s) {
           check.error(v.source(), path, "unknown durability `" + printable(*s) + "` (process or power)");
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

// ---- [admin] ----
namespace {

// "127.0.0.1:9091" or "[::1]:9091": a loopback address (the admin surface is
// never meant for the network) and a port.
std::optional<std::string> loopback_listen_problem(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return "expected \"address:port\", e.g. \"127.0.0.1:9091\"";
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return "`" + printable(port) + "` is not a port (0-65535)";
  }
  if (host != "::1" && !host.starts_with("127.") && host != "localhost") {
    return "`" + printable(host) + "` is not a loopback address: the admin listener takes 127.x.x.x or ::1 only";
  }
  if (host == "localhost") {
    return "write the address (127.0.0.1 or ::1), not localhost";
  }
  return std::nullopt;
}

}  // namespace

void read_admin(const toml::table& table, checker& check, admin_config& out) {
  int token_sources = 0;
  std::optional<toml::source_region> listen_at;
  const field fields[] = {
      {"enabled",
       [&](const toml::node& v, const std::string& path) {
         if (auto b = check.boolean(v, path)) {
           out.enabled = *b;
         }
       }},
      {"socket",
       [&](const toml::node& v, const std::string& path) {
         if (auto s = check.string(v, path); s && !s->empty()) {
           out.socket = *s;
         } else if (s) {
           check.error(v.source(), path, "expected a non-empty path, got an empty string");
         }
       }},
      {"socket_mode",
       [&](const toml::node& v, const std::string& path) {
         if (auto n = check.integer(v, path, 0, 0777)) {
           out.socket_mode = static_cast<unsigned>(*n);
         }
       }},
      {"listen",
       [&](const toml::node& v, const std::string& path) {
         if (auto s = check.string(v, path)) {
           if (auto problem = loopback_listen_problem(*s)) {
             check.error(v.source(), path, *problem);
           } else {
             out.listen = *s;
             listen_at = v.source();
           }
         }
       }},
      {"token",
       [&](const toml::node& v, const std::string& path) {
         ++token_sources;
         if (auto s = check.string(v, path)) {
           out.token = *s;
         }
       }},
      {"token_env",
       [&](const toml::node& v, const std::string& path) {
         ++token_sources;
         if (auto s = check.string(v, path)) {
           const char* value = std::getenv(s->c_str());
           if (value == nullptr || *value == '\0') {
             check.error(v.source(), path, "environment variable `" + printable(*s) + "` is not set or empty");
           } else {
             out.token = value;
           }
         }
       }},
      {"token_file",
       [&](const toml::node& v, const std::string& path) {
         ++token_sources;
         if (auto s = check.string(v, path)) {
           std::string text;
           if (auto reason = read_text_file(*s, text)) {
             check.error(v.source(), path, "cannot read `" + printable(*s) + "`: " + *reason);
             return;
           }
           while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
             text.pop_back();
           }
           if (text.empty()) {
             check.error(v.source(), path, "`" + printable(*s) + "` is empty");
           } else {
             out.token = std::move(text);
           }
         }
       }},
  };
  read_fields(table, "admin", fields, check);
  if (token_sources > 1) {
    check.error(table.source(), "admin", "give the token once: token, token_env or token_file");
  }
  if (listen_at && out.token.empty() && token_sources == 0) {
    check.error(*listen_at, "admin.listen", "a TCP admin listener needs a token (token_env, token_file or token)");
  }
  if (listen_at && table.contains("socket")) {
    check.error(*listen_at, "admin.listen", "give socket or listen, not both");
  }
}
// ---- end [admin] ----

}  // namespace leadsync::config::detail
