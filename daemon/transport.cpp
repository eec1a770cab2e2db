#include "daemon/transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace leadsync::daemon {

namespace asio = boost::asio;

namespace {

core::outbound_response failure(std::string what) {
  core::outbound_response r;
  r.transport_error = std::move(what);
  return r;
}

core::outbound_response append_to_file(const core::outbound_request& request) {
  const std::filesystem::path path = request.url.substr(std::string_view{"file:"}.size());
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return failure("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  std::string_view rest = request.body;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return failure("cannot write " + path.string() + ": " + why);
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  const bool synced = ::fdatasync(fd) == 0;
  const std::string why = synced ? "" : std::strerror(errno);
  ::close(fd);
  if (!synced) {
    return failure("cannot sync " + path.string() + ": " + why);
  }
  core::outbound_response ok;
  ok.status = 200;
  return ok;
}

}  // namespace

asio::awaitable<core::outbound_response> transport::send(const core::outbound_request& request) {
  if (request.url.starts_with("file:")) {
    co_return append_to_file(request);
  }
  co_return co_await http_.send(request);
}

}  // namespace leadsync::daemon
