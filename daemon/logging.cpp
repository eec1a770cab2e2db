#include "daemon/logging.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "core/time.hpp"

namespace leadsync::daemon {
namespace {

bool is_local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}

// Writes one line per message to stderr (journald takes one entry per line):
// plain "time level logger: message" or a JSON object, with email addresses
// masked unless the operator turned that off.
class stderr_line_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  stderr_line_sink(bool json, bool mask) : json_(json), mask_(mask) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text{msg.payload.data(), msg.payload.size()};
    if (mask_) {
      text = mask_emails(text);
    }
    std::string line;
    if (json_) {
      boost::json::object o;
      o["time"] = timestamp(msg);
      o["level"] = std::string{spdlog::level::to_string_view(msg.level).data(),
                               spdlog::level::to_string_view(msg.level).size()};
      o["logger"] = std::string{msg.logger_name.data(), msg.logger_name.size()};
      o["message"] = text;
      line = boost::json::serialize(o);
    } else {
      line = timestamp(msg) + " " +
             std::string{spdlog::level::to_string_view(msg.level).data(),
                         spdlog::level::to_string_view(msg.level).size()} +
             " " + std::string{msg.logger_name.data(), msg.logger_name.size()} + ": " + text;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  static std::string timestamp(const spdlog::details::log_msg& msg) {
    return core::format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time));
  }

  bool json_;
  bool mask_;
};

std::shared_ptr<spdlog::sinks::sink>& current_sink() {
  static std::shared_ptr<spdlog::sinks::sink> sink;
  return sink;
}

}  // namespace

std::string mask_emails(std::string_view text) {
  std::string out{text};
  std::size_t at = out.find('@');
  while (at != std::string::npos) {
    std::size_t start = at;
    while (start > 0 && is_local_char(out[start - 1])) {
      --start;
    }
    std::size_t end = at + 1;
    while (end < out.size() && (std::isalnum(static_cast<unsigned char>(out[end])) != 0 || out[end] == '.' ||
                                out[end] == '-')) {
      ++end;
    }
    const bool has_domain = end > at + 1 && out.find('.', at + 1) < end;
    if (start < at && has_domain) {
      // Keep the first character and the domain: enough to tell leads apart
      // in a log, not enough to contact anyone.
      out.replace(start + 1, at - start - 1, "***");
      at = start + 1 + 3;
    }
    at = out.find('@', at + 1);
  }
  return out;
}

bool setup_logging(const std::string& level, const log_format& format) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return false;
  }
  current_sink() = std::make_shared<stderr_line_sink>(format.json, format.mask_emails);
  for (const char* name : std::array{"main", "http", "writer", "delivery", "admin"}) {
    spdlog::drop(name);
    auto logger = std::make_shared<spdlog::logger>(name, current_sink());
    logger->set_level(lvl);
    spdlog::register_logger(logger);
  }
  return true;
}

bool set_log_level(const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return false;
  }
  // Registered loggers; the connectors' own loggers are cloned from
  // "delivery" when a reload rebuilds them, so they follow too.
  spdlog::apply_all([lvl](const std::shared_ptr<spdlog::logger>& l) { l->set_level(lvl); });
  return true;
}

}  // namespace leadsync::daemon
