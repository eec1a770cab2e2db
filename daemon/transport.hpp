#pragma once

#include <boost/asio/awaitable.hpp>

#include "core/adapter.hpp"

namespace leadsync::daemon {

// Carries out one request a CRM adapter asked for and reports what came back.
// http:// URLs go over TCP with the request's timeout covering resolve,
// connect, write and read; file: URLs append the body to that file and
// fdatasync it. Failures are a response with status 0 and transport_error
// set, never an exception. Runs on the calling coroutine's executor.
boost::asio::awaitable<core::outbound_response> send(const core::outbound_request& request);

}  // namespace leadsync::daemon
