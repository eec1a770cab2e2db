#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace leadsync::tests {

// A forward proxy on 127.0.0.1 that understands only CONNECT, the way
// HTTPS_PROXY is used. Whatever host the client asks for, the tunnel goes to
// 127.0.0.1 on the asked-for port, so tests can use names like
// "crm.example.test" without any traffic leaving the machine. Records every
// CONNECT target and Proxy-Authorization header.
class connect_proxy {
 public:
  connect_proxy();
  ~connect_proxy();
  connect_proxy(const connect_proxy&) = delete;
  connect_proxy& operator=(const connect_proxy&) = delete;

  std::uint16_t port() const;
  // "host:port" of each CONNECT, in arrival order.
  std::vector<std::string> tunnels() const;
  std::vector<std::string> authorizations() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace leadsync::tests
