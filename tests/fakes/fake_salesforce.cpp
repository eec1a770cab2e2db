#include "tests/fakes/fake_salesforce.hpp"

#include <mutex>

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include "tests/fakes/fake_server.hpp"
#include "tests/fakes/salesforce_state.hpp"

namespace leadsync::tests {

namespace {

using fakes::fake_reply;
using fakes::sf_answer;

constexpr std::string_view data_prefix = "/services/data/";
constexpr std::string_view token_path = "/services/oauth2/token";
constexpr double collections_since = 42.0;         // create / update
constexpr double collections_upsert_since = 46.0;  // upsert by external id

struct server_error_fault {
  sf_server_error error;
  std::optional<sf_call> only;
};
struct delay_fault {
  std::chrono::milliseconds delay;
  std::optional<sf_call> only;
};
struct drop_fault {
  std::optional<sf_call> only;
};

// Where a request goes, worked out once from method and path.
struct route {
  sf_call kind = sf_call::other;
  std::string version;  // "v60.0" for /services/data/ paths
  std::string type;     // upsert: sObject type
  std::string ext_field;
  bool rest = false;  // under /services/data/
  bool known_path = false;
};

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto slash = s.find('/', start);
    const auto end = slash == std::string_view::npos ? s.size() : slash;
    out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

route route_of(std::string_view method, std::string_view path) {
  route r;
  if (path == token_path) {
    r.kind = sf_call::token;
    r.known_path = true;
    return r;
  }
  if (path.substr(0, data_prefix.size()) != data_prefix) {
    return r;
  }
  r.rest = true;
  const auto parts = split(path.substr(data_prefix.size()));
  r.version = parts[0];
  if (parts.size() == 2 && parts[1] == "query") {
    r.known_path = true;
    r.kind = method == "GET" ? sf_call::query : sf_call::other;
  } else if (parts.size() == 3 && parts[1] == "composite" && parts[2] == "sobjects") {
    r.known_path = true;
    r.kind = method == "POST" ? sf_call::create : method == "PATCH" ? sf_call::update : sf_call::other;
  } else if (parts.size() == 5 && parts[1] == "composite" && parts[2] == "sobjects" && !parts[3].empty() &&
             !parts[4].empty()) {
    r.known_path = true;
    r.kind = method == "PATCH" ? sf_call::upsert : sf_call::other;
    r.type = parts[3];
    r.ext_field = parts[4];
  }
  return r;
}

fake_reply to_reply(sf_answer a) {
  fake_reply reply;
  reply.status = a.status;
  reply.body = std::move(a.body);
  return reply;
}

}  // namespace

struct fake_salesforce::impl {
  explicit impl(fake_salesforce_options options) : options_(std::move(options)) {
    if (!options_.refresh_token.empty()) {
      tokens_.refresh_tokens.insert(options_.refresh_token);
    }
    server_ = std::make_unique<fakes::fake_server>([this](const recorded_request& r) { return handle(r); },
                                                   options_.tls);
  }

  fake_salesforce_options options_;
  mutable std::mutex mutex_;
  fakes::sf_state state_{options_};
  fakes::sf_token_state tokens_;
  std::uint64_t api_used_ = 0;
  salesforce_call_counts counts_;
  fakes::counted_fault<server_error_fault> server_error_;
  fakes::counted_fault<delay_fault> delay_;
  fakes::counted_fault<drop_fault> drop_;
  fakes::counted_fault<bool> limit_exceeded_;
  // Last member: destroyed first, so the server thread stops before the
  // state its handler touches goes away.
  std::unique_ptr<fakes::fake_server> server_;

  void count(sf_call kind) {
    switch (kind) {
      case sf_call::token: ++counts_.token; break;
      case sf_call::upsert: ++counts_.upsert; break;
      case sf_call::create: ++counts_.create; break;
      case sf_call::update: ++counts_.update; break;
      case sf_call::query: ++counts_.query; break;
      case sf_call::other: ++counts_.other; break;
    }
  }

  fake_reply handle(const recorded_request& request) {
    const auto [path, query] = fakes::split_target(request.target);
    const route rt = route_of(request.method, path);
    std::lock_guard lock(mutex_);
    count(rt.kind);
    const auto applies = [&](const auto& f) { return !f.only || *f.only == rt.kind; };

    fake_reply reply;
    if (auto d = delay_.take(applies)) {
      reply.delay = d->delay;
    }
    if (drop_.take(applies)) {
      reply.drop = true;
      return reply;
    }
    if (auto e = server_error_.take(applies)) {
      reply.status = e->error.status;
      if (e->error.retry_after) {
        reply.headers.emplace_back("Retry-After", *e->error.retry_after);
      }
      reply.body = fakes::sf_request_error(e->error.status, e->error.status == 503 ? "SERVER_UNAVAILABLE"
                                                                                   : "UNKNOWN_EXCEPTION",
                                           "injected server error")
                       .body;
      return reply;
    }
    if (rt.kind == sf_call::token) {
      fake_reply t = fakes::sf_token_endpoint(options_, tokens_, request, server_->base_url());
      t.delay = reply.delay;
      return t;
    }
    if (!rt.rest) {
      fake_reply r = to_reply(fakes::sf_request_error(404, "NOT_FOUND", "The requested resource does not exist"));
      r.delay = reply.delay;
      return r;
    }
    fake_reply r = rest_call(request, rt, query);
    r.delay = reply.delay;
    return r;
  }

  // Everything under /services/data/: session, daily limit, then the endpoint.
  fake_reply rest_call(const recorded_request& request, const route& rt, const std::string& query) {
    if (tokens_.valid.count(fakes::bearer_token(request)) == 0) {
      fake_reply r = to_reply(fakes::sf_request_error(401, "INVALID_SESSION_ID", "Session expired or invalid"));
      r.headers.emplace_back("WWW-Authenticate", "Token");
      return r;
    }
    fake_reply r;
    if (limit_exceeded_.take([](bool) { return true; }) || api_used_ >= options_.daily_api_limit) {
      r = to_reply(fakes::sf_request_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
    } else {
      ++api_used_;
      r = to_reply(endpoint(request, rt, query));
    }
    r.headers.emplace_back("Sforce-Limit-Info", "api-usage=" + std::to_string(api_used_) + "/" +
                                                    std::to_string(options_.daily_api_limit));
    return r;
  }

  sf_answer endpoint(const recorded_request& request, const route& rt, const std::string& query) {
    const auto version = fakes::sf_api_version(rt.version);
    if (!version || !rt.known_path) {
      return fakes::sf_request_error(404, "NOT_FOUND", "The requested resource does not exist");
    }
    if (rt.kind == sf_call::other) {
      return fakes::sf_request_error(405, "METHOD_NOT_ALLOWED",
                                     "HTTP Method '" + request.method + "' not allowed for this resource");
    }
    if (rt.kind == sf_call::query) {
      if (!boost::urls::parse_query(query)) {
        return fakes::sf_request_error(400, "MALFORMED_QUERY", "the query string is not valid");
      }
      const boost::urls::params_view params(query, boost::urls::encoding_opts(true));
      const auto q = params.find("q");
      if (q == params.end() || !(*q).has_value) {
        return fakes::sf_request_error(400, "MALFORMED_QUERY", "the q parameter is missing");
      }
      return fakes::sf_query(state_, (*q).value, rt.version);
    }
    if (!fakes::starts_with_ci(request.header("content-type"), "application/json")) {
      return fakes::sf_request_error(415, "UNSUPPORTED_MEDIA_TYPE",
                                     "Content-Type header specified in HTTP request is not supported: " +
                                         request.header("content-type"));
    }
    const double since = rt.kind == sf_call::upsert ? collections_upsert_since : collections_since;
    if (*version < since) {
      return fakes::sf_request_error(404, "NOT_FOUND", "The requested resource does not exist");
    }
    switch (rt.kind) {
      case sf_call::upsert: return fakes::sf_collections_upsert(state_, rt.type, rt.ext_field, request.body);
      case sf_call::create: return fakes::sf_collections_create(state_, request.body);
      default: return fakes::sf_collections_update(state_, request.body);
    }
  }

  const fakes::sf_stored* latest_match(std::string_view field, std::string_view value) const {
    const fakes::sf_stored* best = nullptr;
    for (const auto& s : state_.data.records) {
      const auto* v = s.deleted ? nullptr : fakes::sf_field(s.record, field);
      if (v == nullptr || v->is_null() || !fakes::iequals(fakes::sf_text(*v), value)) {
        continue;
      }
      if (best == nullptr ||
          std::make_pair(s.record.last_modified, s.seq) > std::make_pair(best->record.last_modified, best->seq)) {
        best = &s;
      }
    }
    return best;
  }
};

fake_salesforce::fake_salesforce(fake_salesforce_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

fake_salesforce::~fake_salesforce() = default;

std::uint16_t fake_salesforce::port() const { return impl_->server_->port(); }
std::string fake_salesforce::base_url() const { return impl_->server_->base_url(); }
std::string fake_salesforce::token_url() const { return base_url() + std::string(token_path); }
const fake_salesforce_options& fake_salesforce::options() const { return impl_->options_; }

std::vector<std::string> fake_salesforce::preload(const std::vector<boost::json::object>& records, std::string type) {
  std::lock_guard lock(impl_->mutex_);
  auto& data = impl_->state_.data;
  std::vector<std::string> ids;
  for (const auto& fields : records) {
    fakes::sf_stored s;
    s.record.type = type.empty() ? impl_->options_.sobject_type : type;
    s.record.fields = fields;
    if (const auto* id = fields.if_contains("Id"); id != nullptr && id->is_string()) {
      s.record.id = std::string(id->as_string());
      s.record.fields.erase("Id");
    } else {
      s.record.id = fakes::sf_new_id(data, s.record.type);
    }
    s.record.last_modified = std::chrono::system_clock::now();
    s.seq = data.next_seq++;
    ids.push_back(s.record.id);
    data.records.push_back(std::move(s));
    fakes::sf_index(data, data.records.size() - 1);
  }
  return ids;
}

void fake_salesforce::remove(std::string_view id) {
  std::lock_guard lock(impl_->mutex_);
  for (auto& s : impl_->state_.data.records) {
    if (s.record.id == id) {
      s.deleted = true;
    }
  }
}

std::vector<salesforce_record> fake_salesforce::records() const {
  std::lock_guard lock(impl_->mutex_);
  std::vector<salesforce_record> out;
  for (const auto& s : impl_->state_.data.records) {
    if (!s.deleted) {
      out.push_back(s.record);
    }
  }
  return out;
}

std::optional<salesforce_record> fake_salesforce::find_by_id(std::string_view id) const {
  std::lock_guard lock(impl_->mutex_);
  for (const auto& s : impl_->state_.data.records) {
    if (!s.deleted && s.record.id == id) {
      return s.record;
    }
  }
  return std::nullopt;
}

std::optional<salesforce_record> fake_salesforce::find_by_email(std::string_view email) const {
  return find_by_external_id("Email", email);
}

std::optional<salesforce_record> fake_salesforce::find_by_external_id(std::string_view field,
                                                                      std::string_view value) const {
  std::lock_guard lock(impl_->mutex_);
  const auto* s = impl_->latest_match(field, value);
  return s != nullptr ? std::optional<salesforce_record>(s->record) : std::nullopt;
}

std::size_t fake_salesforce::created_count() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->state_.data.created;
}

std::uint64_t fake_salesforce::api_usage() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->api_used_;
}

void fake_salesforce::set_api_usage(std::uint64_t used) {
  std::lock_guard lock(impl_->mutex_);
  impl_->api_used_ = used;
}

salesforce_call_counts fake_salesforce::calls() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->counts_;
}

std::size_t fake_salesforce::calls(sf_call kind) const {
  const auto c = calls();
  switch (kind) {
    case sf_call::token: return c.token;
    case sf_call::upsert: return c.upsert;
    case sf_call::create: return c.create;
    case sf_call::update: return c.update;
    case sf_call::query: return c.query;
    case sf_call::other: return c.other;
  }
  return 0;
}

std::vector<std::string> fake_salesforce::issued_tokens() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->tokens_.issued;
}

void fake_salesforce::expire_tokens() {
  std::lock_guard lock(impl_->mutex_);
  impl_->tokens_.valid.clear();
}

void fake_salesforce::limit_exceeded(std::optional<std::size_t> count) {
  std::lock_guard lock(impl_->mutex_);
  impl_->limit_exceeded_.arm(true, count);
}

void fake_salesforce::row_lock(const std::vector<std::string>& keys, std::size_t times) {
  std::lock_guard lock(impl_->mutex_);
  for (const auto& k : keys) {
    if (times == 0) {
      impl_->state_.row_locks.erase(fakes::to_lower(k));
    } else {
      impl_->state_.row_locks[fakes::to_lower(k)] = times;
    }
  }
}

void fake_salesforce::validation_error(const std::vector<std::string>& emails, std::string message,
                                       std::optional<std::size_t> times) {
  std::lock_guard lock(impl_->mutex_);
  for (const auto& e : emails) {
    if (times && *times == 0) {
      impl_->state_.validations.erase(fakes::to_lower(e));
    } else {
      impl_->state_.validations[fakes::to_lower(e)] = fakes::sf_validation_fault{message, times};
    }
  }
}

void fake_salesforce::duplicate_rule(bool on) {
  std::lock_guard lock(impl_->mutex_);
  impl_->state_.duplicate_rule = on;
}

void fake_salesforce::server_error(sf_server_error error, std::optional<std::size_t> count,
                                   std::optional<sf_call> only) {
  std::lock_guard lock(impl_->mutex_);
  impl_->server_error_.arm(server_error_fault{std::move(error), only}, count);
}

void fake_salesforce::delay(std::chrono::milliseconds delay, std::optional<std::size_t> count,
                            std::optional<sf_call> only) {
  std::lock_guard lock(impl_->mutex_);
  impl_->delay_.arm(delay_fault{delay, only}, count);
}

void fake_salesforce::drop(std::optional<std::size_t> count, std::optional<sf_call> only) {
  std::lock_guard lock(impl_->mutex_);
  impl_->drop_.arm(drop_fault{only}, count);
}

void fake_salesforce::heal() {
  std::lock_guard lock(impl_->mutex_);
  impl_->server_error_.clear();
  impl_->delay_.clear();
  impl_->drop_.clear();
  impl_->limit_exceeded_.clear();
  impl_->state_.row_locks.clear();
  impl_->state_.validations.clear();
}

std::vector<recorded_request> fake_salesforce::requests() const { return impl_->server_->requests(); }
void fake_salesforce::clear_requests() { impl_->server_->clear_requests(); }

bool fake_salesforce::wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const {
  return impl_->server_->wait_until(pred, timeout);
}

}  // namespace leadsync::tests
