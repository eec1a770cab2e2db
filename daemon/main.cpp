// leadsyncd: receives webhooks, keeps lead state, delivers stage updates.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "adapters/builtin.hpp"
#include "config/config.hpp"
#include "daemon/definition_loader.hpp"
#include "daemon/delivery.hpp"
#include "daemon/http_server.hpp"
#include "daemon/logging.hpp"
#include "daemon/metrics.hpp"
#include "daemon/writer.hpp"

namespace {

namespace asio = boost::asio;
using namespace leadsync;

constexpr const char* usage =
    "usage: leadsyncd --config FILE [--check]\n"
    "\n"
    "  --config FILE   TOML configuration (see docs/configuration.md)\n"
    "  --check         validate the configuration, print every error, exit 0 or 1\n"
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
asio::awaitable<void> wait_for_shutdown(asio::io_context& ioc, daemon::http_server& server,
                                        std::chrono::seconds deadline) {
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  auto [ec, signo] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
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

int run(const config::config& cfg, const core::registry& adapters, const std::filesystem::path& executable) {
  auto log = spdlog::get("main");

  daemon::source_table sources;
  for (const auto& s : cfg.sources) {
    daemon::source_route route{adapters.source(s.format)->create(s.name, s.options).instance, nullptr};
    if (s.signature) {
      route.signature = adapters.signature(s.signature->scheme)->create(s.name, s.signature->options).instance;
    }
    sources.emplace(s.name, std::move(route));
  }
  std::vector<daemon::connector> connectors;
  std::vector<std::string> connector_names;
  for (const auto& c : cfg.connectors) {
    connectors.push_back({c.name, adapters.crm(c.type)->create(c.name, c.options).instance});
    connector_names.push_back(c.name);
  }
  if (cfg.storage.path.has_parent_path()) {
    std::filesystem::create_directories(cfg.storage.path.parent_path());
  }
  const core::sqlite_options db{cfg.storage.path, false};
  const auto definition = daemon::load_engine(cfg, executable);
  if (daemon::shipped_disposable_list(executable).empty()) {
    log->warn("disposable-domain list not found; set [lead_definition.junk] disposable_domains_file");
  }
  log->info("lead definition stages={} scoring_rules={} fit_rules={}", definition->model().stages.size(),
            definition->model().score.rules.size(), definition->model().fit_model.rules.size());

  daemon::delivery delivery(db, std::move(connectors), cfg.delivery);
  daemon::writer writer(db, *definition, connector_names, [&delivery] { delivery.wake(); });
  writer.start();
  delivery.start();

  asio::io_context ioc(cfg.server.io_threads);
  daemon::http_server server(ioc, cfg.server, std::move(sources), writer,
                            [&delivery] { return daemon::render_metrics(delivery.states(), core::now_utc()); });
  server.start();
  const auto ep = server.local_endpoint();
  log->info("listening address={} port={} sources={} connectors={} database={}", ep.address().to_string(),
            ep.port(), cfg.sources.size(), cfg.connectors.size(), cfg.storage.path.string());
  asio::co_spawn(ioc, wait_for_shutdown(ioc, server, cfg.server.shutdown_timeout), asio::detached);

  std::vector<std::thread> threads;
  for (int i = 1; i < cfg.server.io_threads; ++i) {
    threads.emplace_back([&ioc] { ioc.run(); });
  }
  ioc.run();
  for (auto& t : threads) {
    t.join();
  }
  writer.stop();
  delivery.stop(cfg.server.shutdown_timeout);
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
    return 1;
  }
  const config::config& cfg = *loaded.value;
  if (args.check) {
    std::cout << "configuration OK: " << args.config_file << " (" << cfg.sources.size() << " sources, "
              << cfg.connectors.size() << " connectors)\n";
    return 0;
  }
  if (!daemon::setup_logging(cfg.log.level)) {
    std::cerr << "leadsyncd: unknown log level '" << cfg.log.level << "'\n";
    return 1;
  }
  try {
    return run(cfg, adapters, std::filesystem::canonical("/proc/self/exe"));
  } catch (const std::exception& e) {
    spdlog::get("main")->critical("cannot run error=\"{}\"", e.what());
    return 1;
  }
}
