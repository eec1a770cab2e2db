#include "adapters/crm/http/http_connector.hpp"

#include <charconv>
#include <string>

namespace leadsync::adapters {
namespace {

// Retry-After in its delay-seconds form; the HTTP-date form is left to the
// daemon's backoff.
std::optional<std::chrono::milliseconds> retry_after(const core::header_list& headers) {
  for (const auto& [name, value] : headers) {
    if (name == "retry-after") {
      std::int64_t secs = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
      if (ec == std::errc{} && end == value.data() + value.size() && secs >= 0) {
        return std::chrono::seconds{secs};
      }
    }
  }
  return std::nullopt;
}

class http_connector final : public core::single_request_adapter {
 public:
  http_connector(std::string connector, std::string url, std::chrono::milliseconds timeout, core::string_map headers)
      : connector_(std::move(connector)), url_(std::move(url)), timeout_(timeout), headers_(std::move(headers)) {}

  std::size_t max_batch() const override { return 1; }

  core::outbound_request encode(std::span<const core::stage_update> batch) const override {
    const core::stage_update& u = batch.front();
    core::outbound_request r;
    r.method = "POST";
    r.url = url_;
    r.timeout = timeout_;
    r.headers.emplace_back("content-type", "application/json");
    // Receivers can drop repeats: the same lead state always has the same key.
    r.headers.emplace_back("idempotency-key",
                           connector_ + ":" + std::to_string(u.lead_id) + ":" + std::to_string(u.version));
    for (const auto& [name, value] : headers_) {
      r.headers.emplace_back(name, value);
    }
    r.body = core::to_json(u);
    return r;
  }

  // Every failure is retried: a generic receiver's 4xx is as likely a
  // deployment in progress as a bad record, and an update is never dropped.
  std::vector<core::record_result> interpret(std::span<const core::stage_update> batch,
                                             const core::outbound_response& response) const override {
    core::record_result r;
    if (response.status >= 200 && response.status < 300) {
      r.outcome = core::delivery_outcome::delivered;
    } else if (response.status == 0) {
      r.message = response.transport_error;
    } else {
      r.retry_after = retry_after(response.headers);
      r.message = "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 300);
    }
    return std::vector<core::record_result>(batch.size(), r);
  }

 private:
  std::string connector_;
  std::string url_;
  std::chrono::milliseconds timeout_;
  core::string_map headers_;
};

class http_factory final : public core::crm_factory {
 public:
  std::string_view type() const override { return "http"; }
  std::string_view description() const override { return "POSTs each stage update as JSON to a URL"; }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{
        {"url", core::option_type::string, true, "http:// URL to POST stage updates to"},
        {"timeout_ms", core::option_type::integer, false, "per request, connect included (default 10000)"},
        {"headers", core::option_type::string_map, false, "extra request headers (e.g. Authorization)"},
    };
    return specs;
  }

  core::build_result<core::crm_adapter> create(std::string_view name,
                                               const core::option_values& values) const override {
    core::build_result<core::crm_adapter> out;
    const std::string url = values.string_or("url", "");
    if (url.starts_with("https://")) {
      out.errors.push_back({"url", "https:// is not supported by this version yet; use an http:// URL"});
    } else if (!url.starts_with("http://") || url.size() <= 7) {
      out.errors.push_back({"url", "expected an http:// URL, got \"" + url + "\""});
    }
    const std::int64_t timeout_ms = values.integer_or("timeout_ms", 10'000);
    if (timeout_ms <= 0 || timeout_ms > 600'000) {
      out.errors.push_back({"timeout_ms", "expected milliseconds from 1 to 600000"});
    }
    auto headers = values.map_or_empty("headers");
    for (const auto& [header, value] : headers) {
      if (header.empty() || header.find_first_of(" \t\r\n:") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        out.errors.push_back({"headers." + header, "not a valid HTTP header name and value"});
      }
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<http_connector>(std::string{name}, url, std::chrono::milliseconds{timeout_ms},
                                                      std::move(headers));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::crm_factory> make_http_connector_factory() { return std::make_unique<http_factory>(); }

}  // namespace leadsync::adapters
