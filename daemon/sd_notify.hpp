#pragma once

// Talking to the service manager without libsystemd: the sd_notify datagram
// protocol (sd_notify(3)). Under systemd with Type=notify, $NOTIFY_SOCKET
// names an AF_UNIX datagram socket (a path, or "@name" in the abstract
// namespace); each message is newline-separated VAR=value assignments such
// as "READY=1\nSTATUS=listening". Outside systemd the variable is unset and
// every call does nothing, so the daemon runs the same from a shell.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

namespace leadsync::daemon {

class service_notifier {
 public:
  // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID. A socket name
  // that is neither an absolute path nor "@..." (or too long for sun_path)
  // disables notification rather than failing the start.
  static service_notifier from_environment();

  service_notifier() = default;
  ~service_notifier();
  service_notifier(service_notifier&& other) noexcept;
  service_notifier& operator=(service_notifier&& other) noexcept;
  service_notifier(const service_notifier&) = delete;
  service_notifier& operator=(const service_notifier&) = delete;

  [[nodiscard]] bool enabled() const { return fd_ >= 0; }

  // Sends one message. Never blocks: if the manager's queue is full the
  // message is dropped (a missed WATCHDOG=1 is covered by the next one).
  // Safe to call from several threads. False when not sent (or disabled).
  bool notify(std::string_view message) const;

  // How often to send WATCHDOG=1: half of $WATCHDOG_USEC, when it is set,
  // valid and meant for this process ($WATCHDOG_PID unset or our pid).
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  int fd_ = -1;
  std::string socket_name_;  // as in $NOTIFY_SOCKET
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

// Sends WATCHDOG=1 now and then every watchdog_interval() from a timer on
// `ioc`, so the pings stop when the loop hangs and systemd restarts the
// service. Does nothing without a watchdog. `notifier` must outlive the
// pings (they end when `ioc` is stopped).
void start_watchdog(boost::asio::io_context& ioc, const service_notifier& notifier);

}  // namespace leadsync::daemon
