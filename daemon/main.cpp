// leadsyncd: receives webhooks, keeps lead state, delivers stage updates.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "adapters/builtin.hpp"
#include "config/config.hpp"
#include "daemon/admin_server.hpp"
#include "daemon/checkpointer.hpp"
#include "daemon/delivery.hpp"
#include "daemon/http_server.hpp"
#include "daemon/logging.hpp"
#include "daemon/metrics.hpp"
#include "daemon/pipeline.hpp"
#include "daemon/proxy.hpp"
#include "daemon/sd_notify.hpp"
#include "daemon/writer.hpp"

namespace {

namespace asio = boost::asio;
using namespace leadsync;

// sysexits.h's EX_CONFIG, as Vector uses it: systemd's RestartPreventExitStatus=
// and scripts can tell "fix the config" from a crash (1) or bad usage (2).
constexpr int exit_invalid_config = 78;

constexpr const char* usage =
    "usage: leadsyncd --config FILE [--check]\n"
    "\n"
    "  --config FILE   TOML configuration (see docs/configuration.md)\n"
    "  --check         validate the configuration, print every error, exit 0 (valid) or 78\n"
    "  --version       print the version\n"
    "  --help          this text\n";

struct arguments {
  std::string config_file;
  bool check = false;
};

// Returns the process exit code to use now, or -1 to go on.
int parse_arguments(int argc, char** argv, arguments& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      args.config_file = argv[++i];
    } else if (a.starts_with("--config=")) {
      args.config_file = a.substr(9);
    } else if (a == "--check") {
      args.check = true;
    } else if (a == "--help" || a == "-h") {
      std::cout << usage;
      return 0;
    } else if (a == "--version") {
      std::cout << "leadsyncd 0.1.0\n";
      return 0;
    } else {
      std::cerr << "leadsyncd: unknown argument '" << a << "'\n" << usage;
      return 2;
    }
  }
  if (args.config_file.empty()) {
    std::cerr << "leadsyncd: --config FILE is required\n" << usage;
    return 2;
  }
  return -1;
}

// Stops intake on SIGINT/SIGTERM, waits for answered requests, stops the loop.
// `signals` exists before the loop runs: a signal arriving while a
// signal_set is still being set up can be lost.
asio::awaitable<void> wait_for_shutdown(asio::io_context& ioc, asio::signal_set& signals, daemon::http_server& server,
                                        std::chrono::seconds deadline, const daemon::service_notifier& notifier) {
  auto [ec, signo] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
  notifier.notify("STOPPING=1\nSTATUS=shutting down");
  spdlog::get("main")->info("shutting down signal={} deadline_s={}", signo, deadline.count());
  server.stop_accepting();
  const auto until = std::chrono::steady_clock::now() + deadline;
  asio::steady_timer timer(ioc);
  while (server.in_flight() > 0 && std::chrono::steady_clock::now() < until) {
    timer.expires_after(std::chrono::milliseconds{10});
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  ioc.stop();
}

// Reloads the configuration on SIGHUP. A valid file replaces the sources,
// the lead definition and the connectors without dropping accepted events or
// open connections; an invalid one is logged and the running one stays.
// [server] and [storage] changes need a restart (logged). The work runs on a
// thread of its own: stopping the old connectors may wait for their sends.
class reloader {
 public:
  reloader(std::filesystem::path file, const core::registry& adapters, std::filesystem::path executable,
           config::config running, daemon::http_server& server, daemon::writer& writer, daemon::delivery_slot& delivery,
           const daemon::service_notifier& notifier)
      : file_(std::move(file)),
        adapters_(adapters),
        executable_(std::move(executable)),
        running_(std::move(running)),
        server_(server),
        writer_(writer),
        delivery_(delivery),
        notifier_(notifier) {}
  ~reloader() { finish(); }

  // Waits for a reload in progress (before the parts it replaces stop).
  void finish() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  // `hup` is set up before the loop runs (see wait_for_shutdown).
  asio::awaitable<void> listen(asio::signal_set& hup) {
    for (;;) {
      auto [ec, signo] = co_await hup.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        co_return;
      }
      if (!trigger()) {
        spdlog::get("main")->warn("reload already in progress; SIGHUP ignored");
      }
    }
  }

  // Starts a reload as SIGHUP does (the admin listener's POST /reload);
  // false when one is already running. Thread-safe.
  bool trigger() {
    if (busy_.exchange(true)) {
      return false;
    }
    std::lock_guard lock(trigger_mutex_);
    if (thread_.joinable()) {
      thread_.join();
    }
    thread_ = std::thread([this] {
      reload();
      busy_ = false;
    });
    return true;
  }

 private:
  void reload() {
    auto log = spdlog::get("main");
    notifier_.notify("RELOADING=1\nSTATUS=reloading " + file_.string());
    log->info("reloading configuration file={}", file_.string());
    // A renewed certificate is picked up even when the new config is rejected.
    server_.reload_tls();
    const config::load_result loaded = config::load_file(file_, adapters_);
    if (!loaded.value) {
      for (const auto& d : loaded.errors) {
        log->error("reload rejected: {}", config::format(d));
      }
      log->error("reload rejected errors={}; the running configuration stays", loaded.errors.size());
      notifier_.notify("READY=1\nSTATUS=reload rejected; running the previous configuration");
      return;
    }
    const config::config& next = *loaded.value;
    daemon::pipeline parts;
    try {
      parts = daemon::build_pipeline(next, adapters_, executable_);
    } catch (const std::exception& e) {
      log->error("reload rejected error=\"{}\"; the running configuration stays", e.what());
      notifier_.notify("READY=1\nSTATUS=reload rejected; running the previous configuration");
      return;
    }
    const auto& was = running_.server;
    if (next.server.listen_address != was.listen_address || next.server.listen_port != was.listen_port ||
        next.server.io_threads != was.io_threads || next.storage.path != running_.storage.path ||
        next.storage.durability != running_.storage.durability) {
      log->warn("[server] listen address/port/io_threads and [storage] changes take effect at the next restart");
    }
    if (!daemon::set_log_level(next.log.level)) {
      log->warn("unknown log level '{}' kept the previous level", next.log.level);
    }
    server_.replace_sources(std::move(parts.sources));
    writer_.reconfigure(parts.definition, parts.connector_names);
    const core::sqlite_options db{running_.storage.path, running_.storage.power_safe()};
    delivery_.replace(std::make_unique<daemon::delivery>(db, std::move(parts.connectors), next.delivery),
                      running_.server.shutdown_timeout);
    delivery_.wake();
    log->info("configuration reloaded sources={} connectors={}", next.sources.size(), next.connectors.size());
    notifier_.notify("READY=1\nSTATUS=configuration reloaded");
    const auto keep_server = running_.server;
    const auto keep_storage = running_.storage;
    running_ = next;
    running_.server = keep_server;  // what actually runs until a restart
    running_.storage = keep_storage;
  }

  std::filesystem::path file_;
  const core::registry& adapters_;
  std::filesystem::path executable_;
  config::config running_;
  daemon::http_server& server_;
  daemon::writer& writer_;
  daemon::delivery_slot& delivery_;
  const daemon::service_notifier& notifier_;
  std::atomic<bool> busy_{false};
  std::mutex trigger_mutex_;  // SIGHUP and the admin listener start threads from different io threads
  std::thread thread_;
};

int run(const std::filesystem::path& file, const config::config& cfg, const core::registry& adapters,
        const std::filesystem::path& executable) {
  auto log = spdlog::get("main");
  const auto notifier = daemon::service_notifier::from_environment();

  daemon::pipeline parts = daemon::build_pipeline(cfg, adapters, executable);
  const auto proxy = daemon::proxy_settings::from_environment();
  for (const std::string& problem : proxy.problems()) {
    log->warn("{}", problem);
  }
  if (cfg.storage.path.has_parent_path()) {
    std::filesystem::create_directories(cfg.storage.path.parent_path());
  }
  const core::sqlite_options db{cfg.storage.path, cfg.storage.power_safe()};

  daemon::delivery_slot delivery;
  daemon::writer writer(db, parts.definition, parts.connector_names, [&delivery] { delivery.wake(); });
  writer.start();
  daemon::checkpointer checkpoints(db);
  checkpoints.start();
  delivery.replace(std::make_unique<daemon::delivery>(db, std::move(parts.connectors), cfg.delivery),
                   std::chrono::milliseconds{0});

  asio::io_context ioc(cfg.server.io_threads);
  asio::signal_set shutdown_signals(ioc, SIGINT, SIGTERM);
  asio::signal_set reload_signal(ioc, SIGHUP);
  // The public /metrics and the admin listener's show the same text.
  const auto metrics_text = [&delivery, &writer] {
    return daemon::render_metrics(delivery.states(), core::now_utc()) +
           daemon::render_processing_metrics(writer.processing_totals());
  };
  daemon::http_server server(ioc, cfg.server, std::move(parts.sources), writer, metrics_text);
  server.start();
  const auto ep = server.local_endpoint();
  log->info("listening address={} port={} sources={} connectors={} database={}", ep.address().to_string(),
            ep.port(), cfg.sources.size(), cfg.connectors.size(), cfg.storage.path.string());
  asio::co_spawn(ioc, wait_for_shutdown(ioc, shutdown_signals, server, cfg.server.shutdown_timeout, notifier),
                 asio::detached);
  reloader reload(file, adapters, executable, cfg, server, writer, delivery, notifier);
  asio::co_spawn(ioc, reload.listen(reload_signal), asio::detached);
  std::unique_ptr<daemon::admin_server> admin;
  if (cfg.admin.enabled) {
    daemon::admin_server::handlers handlers{
        [&delivery] { return daemon::render_status_json(delivery.states(), core::now_utc()); },
        [&metrics_text, &server] { return metrics_text() + server.webhook_metrics_text(); },
        [&reload] { return reload.trigger(); }};
    admin = std::make_unique<daemon::admin_server>(ioc, cfg.admin, std::move(handlers));
    admin->start();
    log->info("admin listener where={}", admin->where());
  }
  // READY=1 from inside the running loop: by then requests are being served.
  const std::string ready = "READY=1\nSTATUS=listening on " + ep.address().to_string() + ":" +
                            std::to_string(ep.port()) + ", " + std::to_string(cfg.connectors.size()) + " connector(s)";
  asio::post(ioc, [&notifier, ready] { notifier.notify(ready); });
  daemon::start_watchdog(ioc, notifier);

  std::vector<std::thread> threads;
  for (int i = 1; i < cfg.server.io_threads; ++i) {
    threads.emplace_back([&ioc] { ioc.run(); });
  }
  ioc.run();
  for (auto& t : threads) {
    t.join();
  }
  reload.finish();
  writer.stop();
  delivery.stop(cfg.server.shutdown_timeout);
  checkpoints.stop();
  log->info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  arguments args;
  if (int code = parse_arguments(argc, argv, args); code >= 0) {
    return code;
  }

  core::registry adapters;
  adapters::register_builtin(adapters);
  const config::load_result loaded = config::load_file(args.config_file, adapters);
  if (!loaded.value) {
    for (const auto& d : loaded.errors) {
      std::cerr << config::format(d) << '\n';
    }
    std::cerr << "leadsyncd: " << loaded.errors.size() << " error(s) in " << args.config_file << '\n';
    return exit_invalid_config;
  }
  const config::config& cfg = *loaded.value;
  if (args.check) {
    std::cout << "configuration OK: " << args.config_file << " (" << cfg.sources.size() << " sources, "
              << cfg.connectors.size() << " connectors)\n";
    return 0;
  }
  if (!daemon::setup_logging(cfg.log.level, {cfg.log.format == "json", cfg.log.mask_emails})) {
    std::cerr << "leadsyncd: unknown log level '" << cfg.log.level << "'\n";
    return exit_invalid_config;
  }
  try {
    return run(args.config_file, cfg, adapters, std::filesystem::canonical("/proc/self/exe"));
  } catch (const std::exception& e) {
    spdlog::get("main")->critical("cannot run error=\"{}\"", e.what());
    return 1;
  }
}
