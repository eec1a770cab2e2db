#include "adapters/crm/http/http_connector.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include <boost/url/parse.hpp>

#include "adapters/crm/common/http_answer.hpp"
#include "adapters/crm/common/secret_option.hpp"
#include "adapters/crm/http/body_template.hpp"
#include "adapters/crm/http/webhook_signer.hpp"

namespace leadsync::adapters {
namespace {

struct http_settings {
  std::string connector;
  std::string url;
  std::chrono::milliseconds timeout{10'000};
  core::string_map headers;
  std::string ca_file;
  std::optional<core::string_map> stages;  // absent: every stage as it is
  std::optional<http::body_template> body;
  std::optional<http::webhook_signer> signer;
};

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

class http_connector final : public core::crm_adapter {
 public:
  explicit http_connector(http_settings s) : settings_(std::move(s)) {}

  std::size_t max_batch() const override { return 1; }

  std::unique_ptr<core::crm_exchange> begin(std::span<const core::stage_update> batch, core::timestamp) override;

  core::crm_status status() const override {
    core::crm_status s;
    s.api_calls = calls_;
    return s;
  }

  // The update as the receiver sees it (stage labels mapped), or nullopt
  // when its stage has no label and it is skipped.
  std::optional<core::stage_update> mapped(const core::stage_update& u) const {
    if (!settings_.stages) {
      return u;
    }
    auto label = settings_.stages->find(u.stage);
    if (label == settings_.stages->end()) {
      return std::nullopt;
    }
    core::stage_update out = u;
    out.stage = label->second;
    // The previous stage in the receiver's words too, where it has them.
    if (auto previous = settings_.stages->find(u.previous_stage); previous != settings_.stages->end()) {
      out.previous_stage = previous->second;
    }
    return out;
  }

  core::outbound_request encode(const core::stage_update& original, const core::stage_update& u,
                                core::timestamp now) {
    ++calls_;
    core::outbound_request r;
    r.method = "POST";
    r.url = settings_.url;
    r.timeout = settings_.timeout;
    r.ca_file = settings_.ca_file;
    r.body = settings_.body ? settings_.body->render(u) : core::to_json(u);
    const bool own_type = std::any_of(settings_.headers.begin(), settings_.headers.end(),
                                      [](const auto& h) { return same_name(h.first, "content-type"); });
    if (!own_type) {
      r.headers.emplace_back("content-type", "application/json");
    }
    // Receivers can drop repeats: the same lead state always has the same key.
    const std::string key = settings_.connector + ":" + std::to_string(original.lead_id) + ":" +
                            std::to_string(original.version);
    r.headers.emplace_back("idempotency-key", key);
    if (settings_.signer) {
      settings_.signer->sign(r, key, now);
    }
    for (const auto& [name, value] : settings_.headers) {
      r.headers.emplace_back(name, value);
    }
    return r;
  }

  // 2xx confirms; what may pass retries (Retry-After honoured); any other
  // 4xx (410 Gone included) says this update will never be taken: dead letter.
  static core::record_result interpret(const core::outbound_response& response, core::timestamp now) {
    core::record_result r;
    const int status = response.status;
    if (status >= 200 && status < 300) {
      r.outcome = core::delivery_outcome::delivered;
      return r;
    }
    r.message = describe_failure(response);
    r.code = status == 0 ? std::string{} : "http_" + std::to_string(status);
    if (is_transient_status(status)) {
      r.outcome = core::delivery_outcome::retry;
      r.retry_after = retry_after(response.headers, now);
    } else if (status >= 400 && status < 500) {
      r.outcome = core::delivery_outcome::reject;
    } else {
      // 1xx/3xx: the receiver is misplaced (a redirect is not followed),
      // not the update; keep it until url is fixed.
      r.outcome = core::delivery_outcome::retry;
      r.message = "unexpected answer, check url: " + r.message;
    }
    return r;
  }

 private:
  http_settings settings_;
  std::uint64_t calls_ = 0;
};

// One request per update of the batch (max_batch is 1; more would simply
// take turns).
class http_exchange final : public core::crm_exchange {
 public:
  http_exchange(http_connector& connector, std::span<const core::stage_update> batch)
      : connector_(connector), batch_(batch), results_(batch.size()) {}

  std::optional<core::outbound_request> next_request(core::timestamp now) override {
    in_flight_.reset();
    for (; next_ < batch_.size(); ++next_) {
      const core::stage_update& original = batch_[next_];
      if (auto u = connector_.mapped(original)) {
        in_flight_ = next_++;
        return connector_.encode(original, *u, now);
      }
      results_[next_].outcome = core::delivery_outcome::skipped;
      results_[next_].message = "stage \"" + original.stage + "\" has no label in stages";
    }
    return std::nullopt;
  }

  void on_response(const core::outbound_response& response, core::timestamp now) override {
    if (in_flight_) {
      results_[*in_flight_] = http_connector::interpret(response, now);
      in_flight_.reset();
    }
  }

  core::exchange_result finish() override {
    core::exchange_result out;
    out.records = std::move(results_);
    return out;
  }

 private:
  http_connector& connector_;
  std::span<const core::stage_update> batch_;
  std::vector<core::record_result> results_;  // retry until answered
  std::size_t next_ = 0;
  std::optional<std::size_t> in_flight_;
};

std::unique_ptr<core::crm_exchange> http_connector::begin(std::span<const core::stage_update> batch,
                                                          core::timestamp) {
  return std::make_unique<http_exchange>(*this, batch);
}

void check_url(const std::string& url, std::vector<core::option_error>& errors) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
    errors.push_back({"url", "expected an http:// or https:// URL, got \"" + url + "\""});
  }
}

void check_headers(const core::string_map& headers, bool signing, std::vector<core::option_error>& errors) {
  for (const auto& [header, value] : headers) {
    if (header.empty() || header.find_first_of(" \t\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      errors.push_back({"headers." + header, "not a valid HTTP header name and value"});
    } else if (same_name(header, "idempotency-key") ||
               (signing && (same_name(header, "webhook-id") || same_name(header, "webhook-timestamp") ||
                            same_name(header, "webhook-signature")))) {
      errors.push_back({"headers." + header, "set by the connector itself"});
    }
  }
}

class http_factory final : public core::crm_factory {
 public:
  std::string_view type() const override { return "http"; }
  std::string_view description() const override {
    return "POSTs each stage update as JSON to a URL, optionally templated and signed (Standard Webhooks)";
  }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs = [] {
      std::vector<core::option_spec> out{
          {"url", core::option_type::string, true, "http:// or https:// URL to POST stage updates to"},
          {"timeout_ms", core::option_type::integer, false, "per request, connect included (default 10000)"},
          {"headers", core::option_type::string_map, false, "extra request headers (e.g. Authorization)"},
          {"ca_file", core::option_type::string, false, "PEM file of CAs to trust instead of the system store"},
          {"stages", core::option_type::string_map, false,
           "our stage -> the receiver's label; when given, unmapped stages are skipped"},
          {"template", core::option_type::string, false,
           "JSON body with {{field}} placeholders (default: the canonical update object)"},
      };
      for (auto& spec : secret_option_specs("secret", "signs each request the Standard Webhooks way "
                                                      "(whsec_<base64> or raw bytes)")) {
        out.push_back(std::move(spec));
      }
      return out;
    }();
    return specs;
  }

  core::build_result<core::crm_adapter> create(std::string_view name,
                                               const core::option_values& values) const override {
    core::build_result<core::crm_adapter> out;
    http_settings s;
    s.connector = std::string{name};
    s.url = values.string_or("url", "");
    check_url(s.url, out.errors);
    const std::int64_t timeout_ms = values.integer_or("timeout_ms", 10'000);
    if (timeout_ms <= 0 || timeout_ms > 600'000) {
      out.errors.push_back({"timeout_ms", "expected milliseconds from 1 to 600000"});
    }
    s.timeout = std::chrono::milliseconds{timeout_ms};
    auto secret = read_secret(values, "secret", false, out.errors);
    const bool signing = values.has("secret") || values.has("secret_env") || values.has("secret_file");
    s.headers = values.map_or_empty("headers");
    check_headers(s.headers, signing, out.errors);
    s.ca_file = values.string_or("ca_file", "");
    if (values.has("ca_file") && s.ca_file.empty()) {
      out.errors.push_back({"ca_file", "expected a path to a PEM file, got an empty string"});
    }
    if (values.has("stages")) {
      s.stages = values.map_or_empty("stages");
      for (const auto& [stage, label] : *s.stages) {
        if (label.empty()) {
          out.errors.push_back({"stages." + stage, "expected the receiver's label, got an empty string"});
        }
      }
    }
    if (values.has("template")) {
      s.body = http::body_template::parse(values.string_or("template", ""), out.errors);
    }
    if (secret) {
      s.signer = http::webhook_signer::from_secret(*secret, out.errors);
    }
    if (out.errors.empty()) {
      out.instance = std::make_unique<http_connector>(std::move(s));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::crm_factory> make_http_connector_factory() { return std::make_unique<http_factory>(); }

}  // namespace leadsync::adapters
