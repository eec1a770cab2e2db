// The floor for the ingest benchmark: the least an HTTP/1.1 webhook receiver
// on Boost.Beast can do. It reads each request with its body and answers 202
// {"status":"accepted"} on a keep-alive connection, with no parsing, no
// store and no logging. Whatever leadsyncd costs above this (throughput,
// latency, memory) is its own work (bench/README.md, "Ingest").
//
//   leadsync_bench_floor <port> [--threads N]
//
// Listens on 127.0.0.1 only. Runs until killed.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Same bound as leadsyncd's default max_body_bytes, so both refuse the same.
constexpr std::uint64_t max_body_bytes = 1048576;
constexpr auto idle_timeout = std::chrono::seconds(60);

void fail(beast::error_code ec, std::string_view what) {
  // Peers closing their keep-alive connections are the normal end.
  if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
      ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof) {
    return;
  }
  std::cerr << "floor: " << what << ": " << ec.message() << '\n';
}

asio::awaitable<void> session(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(max_body_bytes);
    stream.expires_after(idle_timeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      fail(ec, "read");
      break;
    }
    const auto& req = parser.get();
    http::response<http::string_body> res{http::status::accepted, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = R"({"status":"accepted"})";
    res.prepare_payload();
    stream.expires_after(idle_timeout);
    auto [wec, w] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    if (wec) {
      fail(wec, "write");
      break;
    }
    if (!res.keep_alive()) {
      break;
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      fail(ec, "accept");
      continue;
    }
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(beast::tcp_stream(std::move(socket))), asio::detached);
  }
}

int usage() {
  std::cerr << "usage: leadsync_bench_floor <port> [--threads N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    int port = -1;
    int threads = 1;
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (arg == "--threads" && i + 1 < argc) {
        threads = std::stoi(argv[++i]);
      } else if (port < 0) {
        port = std::stoi(std::string(arg));
      } else {
        return usage();
      }
    }
    if (port < 0 || port > 65535 || threads < 1 || threads > 256) {
      return usage();
    }

    asio::io_context ioc(threads);
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    asio::co_spawn(ioc, listen(std::move(acceptor)), asio::detached);

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) {
      pool.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& t : pool) {
      t.join();
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "floor: " << e.what() << '\n';
    return 1;
  }
}
