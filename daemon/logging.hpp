#pragma once

#include <string>
#include <string_view>

namespace leadsync::daemon {

struct log_format {
  bool json = false;         // one JSON object per line instead of "time level logger: message"
  bool mask_emails = true;   // "ada@example.com" -> "a***@example.com" (PII out of logs)
};

// Creates the named component loggers (main, http, writer, delivery) on one
// stderr sink, so journald gets one line per message. `level` is a spdlog
// level name; returns false if it is not one.
bool setup_logging(const std::string& level, const log_format& format = {});

// Changes every component logger's level (a reload); false if `level` is not one.
bool set_log_level(const std::string& level);

// The text with the local part of every email address masked.
std::string mask_emails(std::string_view text);

}  // namespace leadsync::daemon
