#include "daemon/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace leadsync::daemon {

namespace {

// The socket's address, or false when the name cannot be one. An abstract
// name ("@x") is "\0x" with no terminator, so its length must be exact.
bool socket_address(const std::string& name, sockaddr_un& address, socklen_t& length) {
  if (name.size() < 2 || (name[0] != '/' && name[0] != '@') || name.size() >= sizeof address.sun_path) {
    return false;
  }
  std::memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') {
    address.sun_path[0] = '\0';
  }
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  return true;
}

std::optional<std::uint64_t> positive_number(const char* text) {
  if (text == nullptr) {
    return std::nullopt;
  }
  const std::string_view s{text};
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}

boost::asio::awaitable<void> ping(boost::asio::io_context& ioc, const service_notifier& notifier,
                                  std::chrono::microseconds interval) {
  boost::asio::steady_timer timer(ioc);
  for (;;) {
    notifier.notify("WATCHDOG=1");
    timer.expires_after(interval);
    const auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) {
      co_return;
    }
  }
}

}  // namespace

service_notifier service_notifier::from_environment() {
  service_notifier n;
  const char* name = std::getenv("NOTIFY_SOCKET");
  sockaddr_un address{};
  socklen_t length = 0;
  if (name == nullptr || !socket_address(name, address, length)) {
    return n;
  }
  n.fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (n.fd_ < 0) {
    return n;
  }
  n.socket_name_ = name;

  // WATCHDOG_PID guards against a variable inherited by a child the service
  // started: only the process systemd meant pings.
  const auto usec = positive_number(std::getenv("WATCHDOG_USEC"));
  const char* pid_text = std::getenv("WATCHDOG_PID");
  const auto pid = positive_number(pid_text);
  const bool for_us = pid_text == nullptr || (pid && *pid == static_cast<std::uint64_t>(::getpid()));
  if (usec && for_us) {
    n.watchdog_interval_ = std::chrono::microseconds{static_cast<std::int64_t>(*usec / 2 > 0 ? *usec / 2 : 1)};
  }
  return n;
}

service_notifier::~service_notifier() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

service_notifier::service_notifier(service_notifier&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      socket_name_(std::move(other.socket_name_)),
      watchdog_interval_(other.watchdog_interval_) {}

service_notifier& service_notifier::operator=(service_notifier&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    socket_name_ = std::move(other.socket_name_);
    watchdog_interval_ = other.watchdog_interval_;
  }
  return *this;
}

bool service_notifier::notify(std::string_view message) const {
  sockaddr_un address{};
  socklen_t length = 0;
  if (fd_ < 0 || !socket_address(socket_name_, address, length)) {
    return false;
  }
  // MSG_DONTWAIT: a stalled manager must not stall the io_context that sends the pings.
  const ssize_t sent = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                                reinterpret_cast<const sockaddr*>(&address), length);
  return sent == static_cast<ssize_t>(message.size());
}

void start_watchdog(boost::asio::io_context& ioc, const service_notifier& notifier) {
  if (const auto interval = notifier.watchdog_interval()) {
    boost::asio::co_spawn(ioc, ping(ioc, notifier, *interval), boost::asio::detached);
  }
}

}  // namespace leadsync::daemon
