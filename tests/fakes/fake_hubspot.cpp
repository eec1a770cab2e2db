#include "tests/fakes/fake_hubspot.hpp"

#include <deque>
#include <mutex>

#include <boost/json/serialize.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>

#include "tests/fakes/fake_server.hpp"
#include "tests/fakes/hubspot_state.hpp"

namespace leadsync::tests {

namespace {

namespace json = boost::json;
using fakes::fake_reply;
using fakes::hs_answer;

constexpr std::string_view contacts_prefix = "/crm/v3/objects/contacts/";
constexpr std::string_view lifecycle_property_path = "/crm/v3/properties/contacts/lifecyclestage";

struct server_error_fault {
  hs_server_error error;
  std::optional<hs_call> only;
};
struct delay_fault {
  std::chrono::milliseconds delay;
  std::optional<hs_call> only;
};
struct drop_fault {
  std::optional<hs_call> only;
};
struct burst_fault {
  hs_rate_policy policy;
  std::optional<std::string> retry_after;
};

struct route {
  hs_call kind = hs_call::other;
  std::string contact_id;  // read / update: percent-decoded path segment
  bool known_path = false;
};

route route_of(std::string_view method, std::string_view path) {
  route r;
  if (path == lifecycle_property_path) {
    r.known_path = true;
    r.kind = method == "GET" ? hs_call::property : hs_call::other;
    return r;
  }
  if (path.substr(0, contacts_prefix.size()) != contacts_prefix) {
    return r;
  }
  const std::string_view rest = path.substr(contacts_prefix.size());
  if (rest == "batch/upsert" || rest == "batch/update") {
    r.known_path = true;
    r.kind = method != "POST" ? hs_call::other : rest == "batch/upsert" ? hs_call::batch_upsert : hs_call::batch_update;
    return r;
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos) {
    return r;
  }
  const auto segment = boost::urls::make_pct_string_view(rest);
  if (!segment) {
    return r;
  }
  r.known_path = true;
  r.contact_id = segment->decode();
  r.kind = method == "GET" ? hs_call::read : method == "PATCH" ? hs_call::update : hs_call::other;
  return r;
}

fake_reply to_reply(hs_answer a) {
  fake_reply reply;
  reply.status = a.status;
  reply.body = std::move(a.body);
  return reply;
}

}  // namespace

std::string hubspot_contact::property(const std::string& name) const {
  const auto it = properties.find(name);
  return it == properties.end() ? std::string() : it->second;
}

struct fake_hubspot::impl {
  explicit impl(fake_hubspot_options options) : options_(std::move(options)), daily_remaining_(options_.daily_limit) {
    server_ = std::make_unique<fakes::fake_server>([this](const recorded_request& r) { return handle(r); },
                                                   options_.tls);
  }

  fake_hubspot_options options_;
  mutable std::mutex mutex_;
  fakes::hs_state state_{options_};
  std::uint64_t daily_remaining_;
  std::deque<std::chrono::steady_clock::time_point> window_;  // calls spent in the rolling interval
  hubspot_call_counts counts_;
  fakes::counted_fault<server_error_fault> server_error_;
  fakes::counted_fault<delay_fault> delay_;
  fakes::counted_fault<drop_fault> drop_;
  fakes::counted_fault<burst_fault> burst_;
  // Last member: destroyed first, so the server thread stops before the
  // state its handler touches goes away.
  std::unique_ptr<fakes::fake_server> server_;

  void count(hs_call kind) {
    switch (kind) {
      case hs_call::batch_upsert: ++counts_.batch_upsert; break;
      case hs_call::batch_update: ++counts_.batch_update; break;
      case hs_call::read: ++counts_.read; break;
      case hs_call::update: ++counts_.update; break;
      case hs_call::property: ++counts_.property; break;
      case hs_call::other: ++counts_.other; break;
    }
  }

  std::uint64_t window_used(std::chrono::steady_clock::time_point now) {
    while (!window_.empty() && now - window_.front() >= options_.rolling_interval) {
      window_.pop_front();
    }
    return window_.size();
  }

  void rate_headers(fake_reply& reply, bool burst_refused, bool daily_refused) {
    const std::uint64_t used = window_used(std::chrono::steady_clock::now());
    const std::uint64_t remaining = burst_refused || used >= options_.rolling_max ? 0 : options_.rolling_max - used;
    reply.headers.emplace_back("X-HubSpot-RateLimit-Max", std::to_string(options_.rolling_max));
    reply.headers.emplace_back("X-HubSpot-RateLimit-Remaining", std::to_string(remaining));
    reply.headers.emplace_back("X-HubSpot-RateLimit-Interval-Milliseconds",
                               std::to_string(options_.rolling_interval.count()));
    reply.headers.emplace_back("X-HubSpot-RateLimit-Daily", std::to_string(options_.daily_limit));
    reply.headers.emplace_back("X-HubSpot-RateLimit-Daily-Remaining",
                               std::to_string(daily_refused ? 0 : daily_remaining_));
  }

  static fake_reply rate_limited(hs_rate_policy policy) {
    const bool daily = policy == hs_rate_policy::daily;
    json::object body{{"status", "error"},
                      {"message", daily ? "You have reached your daily limit."
                                        : "You have reached your ten_secondly_rolling limit."},
                      {"errorType", "RATE_LIMIT"},
                      {"correlationId", fakes::hs_correlation_id()},
                      {"policyName", daily ? "DAILY" : "TEN_SECONDLY_ROLLING"}};
    fake_reply reply;
    reply.status = 429;
    reply.body = json::serialize(body);
    return reply;
  }

  fake_reply handle(const recorded_request& request) {
    const auto [path, query] = fakes::split_target(request.target);
    const route rt = route_of(request.method, path);
    std::lock_guard lock(mutex_);
    count(rt.kind);
    const auto applies = [&](const auto& f) { return !f.only || *f.only == rt.kind; };

    std::chrono::milliseconds delay{0};
    if (auto d = delay_.take(applies)) {
      delay = d->delay;
    }
    fake_reply reply;
    bool burst_refused = false;
    bool daily_refused = false;
    if (drop_.take(applies)) {
      reply.drop = true;
    } else if (auto e = server_error_.take(applies)) {
      reply = to_reply(fakes::hs_error(e->error.status, "INTERNAL_ERROR", "injected server error"));
      if (e->error.retry_after) {
        reply.headers.emplace_back("Retry-After", *e->error.retry_after);
      }
    } else if (fakes::bearer_token(request) != options_.access_token) {
      reply = to_reply(fakes::hs_error(
          401, "INVALID_AUTHENTICATION",
          "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more "
          "details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"));
    } else if (auto b = burst_.take([](const burst_fault&) { return true; })) {
      reply = rate_limited(b->policy);
      burst_refused = b->policy == hs_rate_policy::ten_secondly_rolling;
      daily_refused = b->policy == hs_rate_policy::daily;
      if (b->retry_after) {
        reply.headers.emplace_back("Retry-After", *b->retry_after);
      }
    } else if (daily_remaining_ == 0) {
      reply = rate_limited(hs_rate_policy::daily);
    } else if (const auto now = std::chrono::steady_clock::now();
               options_.enforce_rolling_limit && window_used(now) >= options_.rolling_max) {
      reply = rate_limited(hs_rate_policy::ten_secondly_rolling);
    } else {
      --daily_remaining_;
      window_.push_back(now);
      reply = to_reply(endpoint(request, rt, query));
    }
    reply.delay = delay;
    if (!reply.drop) {
      rate_headers(reply, burst_refused, daily_refused);
    }
    return reply;
  }

  hs_answer endpoint(const recorded_request& request, const route& rt, const std::string& query) {
    if (!rt.known_path) {
      return fakes::hs_error(404, "OBJECT_NOT_FOUND", "no endpoint at " + request.target);
    }
    if (rt.kind == hs_call::other) {
      return fakes::hs_error(405, "METHOD_NOT_ALLOWED", "HTTP method " + request.method + " not allowed here");
    }
    const bool has_body = rt.kind == hs_call::batch_upsert || rt.kind == hs_call::batch_update ||
                          rt.kind == hs_call::update;
    if (has_body && !fakes::starts_with_ci(request.header("content-type"), "application/json")) {
      return fakes::hs_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
    }
    bool by_email = false;
    std::vector<std::string> properties;
    if (boost::urls::parse_query(query)) {
      for (const auto& p : boost::urls::params_view(query)) {
        if (p.key == "idProperty") {
          by_email = p.value == "email";
        } else if (p.key == "properties") {
          // properties=a,b and repeated properties=a&properties=b both work.
          std::size_t start = 0;
          while (start <= p.value.size()) {
            const auto comma = std::min(p.value.find(',', start), p.value.size());
            if (comma > start) {
              properties.push_back(p.value.substr(start, comma - start));
            }
            start = comma + 1;
          }
        }
      }
    }
    switch (rt.kind) {
      case hs_call::batch_upsert: return fakes::hs_batch_upsert(state_, request.body);
      case hs_call::batch_update: return fakes::hs_batch_update(state_, request.body);
      case hs_call::read: return fakes::hs_read(state_, rt.contact_id, by_email, properties);
      case hs_call::update: return fakes::hs_update_one(state_, rt.contact_id, by_email, request.body);
      default: return fakes::hs_lifecycle_property(state_);
    }
  }
};

fake_hubspot::fake_hubspot(fake_hubspot_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

fake_hubspot::~fake_hubspot() = default;

std::uint16_t fake_hubspot::port() const { return impl_->server_->port(); }
std::string fake_hubspot::base_url() const { return impl_->server_->base_url(); }
const fake_hubspot_options& fake_hubspot::options() const { return impl_->options_; }

std::string fake_hubspot::preload(const std::string& email, std::map<std::string, std::string> properties) {
  std::lock_guard lock(impl_->mutex_);
  auto& state = impl_->state_;
  const std::string key = fakes::to_lower(email);
  auto& s = state.contacts[key];
  if (s.contact.id.empty()) {
    s.contact.id = fakes::hs_new_id(state);
    s.created_at = std::chrono::system_clock::now();
  }
  properties.emplace("email", key);
  for (auto& [name, value] : properties) {
    s.contact.properties[name] = std::move(value);
  }
  s.updated_at = std::chrono::system_clock::now();
  return s.contact.id;
}

std::map<std::string, hubspot_contact> fake_hubspot::contacts() const {
  std::lock_guard lock(impl_->mutex_);
  std::map<std::string, hubspot_contact> out;
  for (const auto& [email, s] : impl_->state_.contacts) {
    out.emplace(email, s.contact);
  }
  return out;
}

std::optional<hubspot_contact> fake_hubspot::contact(std::string_view email) const {
  std::lock_guard lock(impl_->mutex_);
  const auto it = impl_->state_.contacts.find(fakes::to_lower(email));
  return it == impl_->state_.contacts.end() ? std::nullopt : std::optional<hubspot_contact>(it->second.contact);
}

std::vector<std::string> fake_hubspot::stage_history(std::string_view email) const {
  std::lock_guard lock(impl_->mutex_);
  const auto it = impl_->state_.contacts.find(fakes::to_lower(email));
  return it == impl_->state_.contacts.end() ? std::vector<std::string>{} : it->second.history;
}

std::uint64_t fake_hubspot::daily_remaining() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->daily_remaining_;
}

void fake_hubspot::set_daily_remaining(std::uint64_t remaining) {
  std::lock_guard lock(impl_->mutex_);
  impl_->daily_remaining_ = remaining;
}

hubspot_call_counts fake_hubspot::calls() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->counts_;
}

std::size_t fake_hubspot::calls(hs_call kind) const {
  const auto c = calls();
  switch (kind) {
    case hs_call::batch_upsert: return c.batch_upsert;
    case hs_call::batch_update: return c.batch_update;
    case hs_call::read: return c.read;
    case hs_call::update: return c.update;
    case hs_call::property: return c.property;
    case hs_call::other: return c.other;
  }
  return 0;
}

void fake_hubspot::rate_limit_burst(std::size_t count, hs_rate_policy policy, std::optional<std::string> retry_after) {
  std::lock_guard lock(impl_->mutex_);
  impl_->burst_.arm(burst_fault{policy, std::move(retry_after)}, count);
}

void fake_hubspot::validation_error(const std::vector<std::string>& emails, std::string message,
                                    std::optional<std::size_t> times) {
  std::lock_guard lock(impl_->mutex_);
  for (const auto& e : emails) {
    if (times && *times == 0) {
      impl_->state_.validations.erase(fakes::to_lower(e));
    } else {
      impl_->state_.validations[fakes::to_lower(e)] = fakes::hs_validation_fault{message, times};
    }
  }
}

void fake_hubspot::server_error(hs_server_error error, std::optional<std::size_t> count, std::optional<hs_call> only) {
  std::lock_guard lock(impl_->mutex_);
  impl_->server_error_.arm(server_error_fault{std::move(error), only}, count);
}

void fake_hubspot::delay(std::chrono::milliseconds delay, std::optional<std::size_t> count,
                         std::optional<hs_call> only) {
  std::lock_guard lock(impl_->mutex_);
  impl_->delay_.arm(delay_fault{delay, only}, count);
}

void fake_hubspot::drop(std::optional<std::size_t> count, std::optional<hs_call> only) {
  std::lock_guard lock(impl_->mutex_);
  impl_->drop_.arm(drop_fault{only}, count);
}

void fake_hubspot::heal() {
  std::lock_guard lock(impl_->mutex_);
  impl_->server_error_.clear();
  impl_->delay_.clear();
  impl_->drop_.clear();
  impl_->burst_.clear();
  impl_->state_.validations.clear();
}

std::vector<recorded_request> fake_hubspot::requests() const { return impl_->server_->requests(); }
void fake_hubspot::clear_requests() { impl_->server_->clear_requests(); }

bool fake_hubspot::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const {
  return impl_->server_->wait_until(pred, timeout);
}

}  // namespace leadsync::tests
