#include "adapters/crm/salesforce/exchange.hpp"

#include <deque>

#include "adapters/crm/common/http_answer.hpp"
#include "adapters/crm/salesforce/answers.hpp"
#include "adapters/crm/salesforce/outcomes.hpp"
#include "adapters/crm/salesforce/requests.hpp"
#include "adapters/crm/salesforce/soql.hpp"

namespace leadsync::adapters::salesforce {
namespace {

using core::delivery_outcome;

// A query answer may come in pages; this many per exchange is far beyond
// what 200 emails can match and stops a server that never says done.
constexpr int max_query_pages = 20;

enum class call_kind { lookup, upsert, placeholder_upsert, update, create, duplicate_lookup, attach };

enum class phase { start, lookup, write, placeholders, duplicate_lookup, attach, done };

// One API request of the exchange: relative to the instance URL, which is
// only known once a token is held, so it is built when it is sent.
struct api_call {
  call_kind kind = call_kind::upsert;
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::size_t> records;  // batch indices, in the order of the body's records
};

// Where one record of the batch stands.
struct slot {
  core::record_result result;
  bool open = true;                 // no final outcome yet
  std::string found_id;             // its record's Id, from a lookup or a duplicate match
  bool wants_placeholders = false;  // upsert was an insert missing LastName/Company
  bool duplicate = false;           // insert blocked by a duplicate rule
  std::string held_code;            // the CRM's words for a blocked insert, if attaching fails
  std::string held_message;
};

bool is_lookup(call_kind k) { return k == call_kind::lookup || k == call_kind::duplicate_lookup; }

// Only these writes may insert, so only they can meet a duplicate rule.
bool may_insert(call_kind k) {
  return k == call_kind::upsert || k == call_kind::placeholder_upsert || k == call_kind::create;
}

std::chrono::milliseconds until(core::timestamp t, core::timestamp now) {
  return t > now ? std::chrono::duration_cast<std::chrono::milliseconds>(t - now) : std::chrono::milliseconds{0};
}

class exchange final : public core::crm_exchange {
 public:
  exchange(const settings& s, token_manager& tokens, org_state& org, std::span<const core::stage_update> batch,
           core::timestamp now)
      : s_(s), tokens_(tokens), org_(org), batch_(batch), slots_(batch.size()) {
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      if (!s_.stages.contains(batch_[i].stage)) {
        slots_[i].open = false;
        slots_[i].result.outcome = delivery_outcome::skipped;
        slots_[i].result.message = "stage \"" + batch_[i].stage + "\" has no salesforce value in stages";
      }
    }
    if (org_.paused_until && *org_.paused_until > now) {
      paused_ = true;
      stop(org_.pause_reason, "paused", until(*org_.paused_until, now));
    }
  }

  std::optional<core::outbound_request> next_request(core::timestamp now) override {
    if (stopped_) {
      return std::nullopt;
    }
    if (!current_) {
      advance();
      if (queue_.empty()) {
        return std::nullopt;
      }
      current_ = std::move(queue_.front());
      queue_.pop_front();
    }
    ++org_.api_calls;
    awaiting_token_ = tokens_.needs_token(now);
    if (awaiting_token_) {
      return tokens_.token_request(now);
    }
    core::outbound_request r;
    r.method = current_->method;
    r.url = tokens_.instance_url() + current_->path;
    r.timeout = s_.timeout;
    r.ca_file = s_.ca_file;
    r.headers = {{"authorization", "Bearer " + tokens_.access_token()}, {"accept", "application/json"}};
    if (!current_->body.empty()) {
      r.headers.emplace_back("content-type", "application/json");
      r.body = current_->body;
    }
    return r;
  }

  void on_response(const core::outbound_response& response, core::timestamp now) override {
    if (awaiting_token_) {
      awaiting_token_ = false;
      if (auto failure = tokens_.on_token_response(response, now)) {
        stop(failure->message, failure->code, failure->retry_after);
      }
      return;
    }
    if (!current_ || stopped_) {
      return;
    }
    const bool over_budget = read_usage(response);
    if (response.status >= 200 && response.status < 300) {
      const api_call call = std::move(*current_);
      current_.reset();
      if (is_lookup(call.kind)) {
        read_lookup(call, response);
      } else {
        read_write(call, response);
      }
    } else {
      request_failed(response, now);
    }
    if (over_budget && !stopped_) {
      const core::timestamp resume = now + s_.pause;
      pause(resume, "salesforce API budget used: " + std::to_string(*org_.api_used) + " of " +
                        std::to_string(*org_.api_limit) + " daily calls, the budget is " +
                        std::to_string(s_.api_budget_percent) + "% (" + std::to_string(budget()) +
                        " calls); connector paused until " + core::format_rfc3339(resume));
      stop(org_.pause_reason, "api_budget", until(resume, now));
    }
  }

  core::exchange_result finish() override {
    core::exchange_result out;
    out.records.reserve(slots_.size());
    for (auto& slot : slots_) {
      if (slot.open) {
        slot.result = {};
        slot.result.message = "salesforce gave no answer for this record";
      }
      out.records.push_back(std::move(slot.result));
    }
    if (paused_) {
      out.pause_until = org_.paused_until;
      out.pause_reason = org_.pause_reason;
    }
    return out;
  }

 private:
  // ---- outcomes ------------------------------------------------------------

  void close(std::size_t i, delivery_outcome outcome, std::string code, std::string message,
             std::optional<std::chrono::milliseconds> after = std::nullopt) {
    slot& sl = slots_[i];
    sl.open = false;
    sl.result.outcome = outcome;
    sl.result.code = std::move(code);
    sl.result.message = std::move(message);
    sl.result.retry_after = after;
  }

  void deliver(std::size_t i, const std::string& id) {
    close(i, delivery_outcome::delivered, {}, {});
    if (!id.empty()) {
      slots_[i].result.external_id = std::make_pair(s_.id_system(), id);
    }
  }

  // Ends the exchange: every record still open is retried.
  void stop(const std::string& message, const std::string& code, std::optional<std::chrono::milliseconds> after) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].open) {
        close(i, delivery_outcome::retry, code, message, after);
      }
    }
    stopped_ = true;
    queue_.clear();
    current_.reset();
  }

  void pause(core::timestamp resume, std::string reason) {
    paused_ = true;
    if (!org_.paused_until || *org_.paused_until < resume) {
      org_.paused_until = resume;
      org_.pause_reason = std::move(reason);
    }
  }

  std::int64_t budget() const { return org_.api_limit.value_or(0) * s_.api_budget_percent / 100; }

  // Notes Sforce-Limit-Info; true when this connector's share is used up.
  bool read_usage(const core::outbound_response& response) {
    auto header = header_value(response.headers, "sforce-limit-info");
    auto usage = header ? parse_limit_info(*header) : std::nullopt;
    if (!usage) {
      return false;
    }
    org_.api_used = usage->used;
    org_.api_limit = usage->limit;
    return usage->used >= budget();
  }

  // ---- planning ------------------------------------------------------------

  // Moves on to the next phase that has something to send.
  void advance() {
    while (queue_.empty() && phase_ != phase::done) {
      phase_ = static_cast<phase>(static_cast<int>(phase_) + 1);
      switch (phase_) {
        case phase::lookup:
          plan_lookup(call_kind::lookup);
          break;
        case phase::write:
          plan_write();
          break;
        case phase::placeholders:
          plan_placeholders();
          break;
        case phase::duplicate_lookup:
          plan_lookup(call_kind::duplicate_lookup);
          break;
        case phase::attach:
          plan_attach();
          break;
        case phase::start:
        case phase::done:
          break;
      }
    }
  }

  // match = "email" before the write, or duplicates no rule named.
  void plan_lookup(call_kind kind) {
    std::vector<std::size_t> wanted;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      const slot& sl = slots_[i];
      // With match = "email" a blocked insert was already looked up by its
      // email and not found: a second lookup could only cost an API call.
      const bool needs = kind == call_kind::lookup
                             ? s_.match == match_mode::email
                             : s_.match == match_mode::external_id && sl.duplicate && sl.found_id.empty();
      if (!sl.open || !needs) {
        continue;
      }
      if (!batch_[i].email.empty()) {
        wanted.push_back(i);
      } else if (kind == call_kind::lookup) {
        close(i, delivery_outcome::reject, "missing_email", "match = \"email\" but the update has no email");
      }
    }
    std::vector<std::string> emails;
    for (const std::size_t i : wanted) {
      emails.push_back(batch_[i].email);
    }
    for (auto& q : email_queries(s_.api_version, s_.object, emails)) {
      api_call call{kind, "GET", std::move(q.path), {}, {}};
      for (const std::size_t item : q.items) {
        call.records.push_back(wanted[item]);
      }
      queue_.push_back(std::move(call));
    }
  }

  void plan_write() {
    std::vector<boost::json::object> upserts, updates, creates;
    api_call upsert{call_kind::upsert, "PATCH", upsert_path(s_), {}, {}};
    api_call update{call_kind::update, "PATCH", collection_path(s_), {}, {}};
    api_call create{call_kind::create, "POST", collection_path(s_), {}, {}};
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].open) {
        continue;
      }
      const core::stage_update& u = batch_[i];
      boost::json::object record = base_record(s_, u);
      if (s_.match == match_mode::external_id) {
        if (u.lead_key.empty()) {
          close(i, delivery_outcome::reject, "missing_lead_key",
                "the update has no lead key for " + s_.external_id_field);
          continue;
        }
        record[s_.external_id_field] = u.lead_key;
        upserts.push_back(std::move(record));
        upsert.records.push_back(i);
      } else if (!slots_[i].found_id.empty()) {
        record["Id"] = slots_[i].found_id;
        updates.push_back(std::move(record));
        update.records.push_back(i);
      } else {
        // The next lookup must find what is created here.
        set_if_absent(record, "Email", u.email);
        add_lead_placeholders(s_, record);
        creates.push_back(std::move(record));
        create.records.push_back(i);
      }
    }
    enqueue(std::move(upsert), std::move(upserts));
    enqueue(std::move(update), std::move(updates));
    enqueue(std::move(create), std::move(creates));
  }

  void plan_placeholders() {
    std::vector<boost::json::object> records;
    api_call call{call_kind::placeholder_upsert, "PATCH", upsert_path(s_), {}, {}};
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].open && slots_[i].wants_placeholders) {
        slots_[i].wants_placeholders = false;
        records.push_back(upsert_record_with_placeholders(i));
        call.records.push_back(i);
      }
    }
    enqueue(std::move(call), std::move(records));
  }

  // Updates the records duplicate rules matched instead of inserting
  // another; with match = "external_id" the lead key is written too, so the
  // next upsert finds the record.
  void plan_attach() {
    std::vector<boost::json::object> records;
    api_call call{call_kind::attach, "PATCH", collection_path(s_), {}, {}};
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      slot& sl = slots_[i];
      if (!sl.open || !sl.duplicate) {
        continue;
      }
      if (sl.found_id.empty()) {
        close(i, delivery_outcome::reject, sl.held_code, sl.held_message);
        continue;
      }
      boost::json::object record = base_record(s_, batch_[i]);
      record["Id"] = sl.found_id;
      if (s_.match == match_mode::external_id) {
        record[s_.external_id_field] = batch_[i].lead_key;
      }
      records.push_back(std::move(record));
      call.records.push_back(i);
    }
    enqueue(std::move(call), std::move(records));
  }

  void enqueue(api_call call, std::vector<boost::json::object> records) {
    if (!records.empty()) {
      call.body = collection_body(std::move(records));
      queue_.push_back(std::move(call));
    }
  }

  boost::json::object upsert_record_with_placeholders(std::size_t i) const {
    boost::json::object record = base_record(s_, batch_[i]);
    record[s_.external_id_field] = batch_[i].lead_key;
    add_lead_placeholders(s_, record);
    return record;
  }

  // A second upsert only helps a Lead whose mapping left LastName or Company out.
  bool placeholders_would_help(std::size_t i) const {
    boost::json::object record = base_record(s_, batch_[i]);
    return add_lead_placeholders(s_, record);
  }

  // ---- answers -------------------------------------------------------------

  void read_lookup(const api_call& call, const core::outbound_response& response) {
    auto page = parse_query_page(response.body);
    if (!page) {
      retry_all(call, "unreadable_answer", "salesforce answered the lookup with a body that is not a query result");
      return;
    }
    // Rows come most recently modified first: the first row per email wins.
    for (const auto& row : page->rows) {
      const std::string email = lower_ascii(row.email);
      for (const std::size_t i : call.records) {
        if (slots_[i].open && slots_[i].found_id.empty() && lower_ascii(batch_[i].email) == email) {
          slots_[i].found_id = row.id;
        }
      }
    }
    if (!page->next_records_url.empty() && page->next_records_url.starts_with("/services/data/") &&
        ++pages_ < max_query_pages) {
      queue_.push_front({call.kind, "GET", page->next_records_url, {}, call.records});
    }
  }

  void read_write(const api_call& call, const core::outbound_response& response) {
    auto answers = parse_collection_results(response.body, s_.object);
    if (!answers) {
      retry_all(call, "unreadable_answer", "salesforce answered with a body that is not a list of record results");
      return;
    }
    for (std::size_t j = 0; j < call.records.size(); ++j) {
      const std::size_t i = call.records[j];
      if (!slots_[i].open) {
        continue;
      }
      if (j >= answers->size()) {
        close(i, delivery_outcome::retry, "missing_result", "salesforce returned no result for this record");
      } else {
        read_record(call.kind, i, (*answers)[j]);
      }
    }
  }

  void read_record(call_kind kind, std::size_t i, const record_answer& answer) {
    slot& sl = slots_[i];
    const bool placeholders_help = !answer.success && kind == call_kind::upsert && placeholders_would_help(i);
    record_verdict v = judge_record(answer, may_insert(kind), placeholders_help);
    switch (v.step) {
      case record_step::deliver:
        deliver(i, answer.id.empty() ? sl.found_id : answer.id);
        break;
      case record_step::retry:
        close(i, delivery_outcome::retry, std::move(v.code), std::move(v.message));
        break;
      case record_step::reject:
        close(i, delivery_outcome::reject, std::move(v.code), std::move(v.message));
        break;
      case record_step::add_placeholders:
        sl.wants_placeholders = true;
        break;
      case record_step::attach:
        sl.duplicate = true;
        sl.held_code = std::move(v.code);
        sl.held_message = std::move(v.message);
        if (!answer.errors.front().duplicate_ids.empty()) {
          sl.found_id = answer.errors.front().duplicate_ids.front();
        }
        break;
    }
  }

  void retry_all(const api_call& call, const std::string& code, const std::string& message) {
    for (const std::size_t i : call.records) {
      if (slots_[i].open) {
        close(i, delivery_outcome::retry, code, message);
      }
    }
  }

  // A non-2xx answer to current_.
  void request_failed(const core::outbound_response& response, core::timestamp now) {
    const request_verdict v = judge_request_failure(response);
    switch (v.step) {
      case request_step::new_token:
        tokens_.invalidate();
        if (!reauthenticated_) {
          reauthenticated_ = true;  // current_ is kept: sent again after the token
          return;
        }
        stop("salesforce refused a freshly obtained access token too: " + v.message, v.code, std::nullopt);
        return;
      case request_step::configuration:
        // A new token would be refused alike; the next batch still gets one,
        // in case the connected app has been fixed meanwhile.
        tokens_.invalidate();
        stop(std::string{"salesforce refused the session, a configuration problem (check the connected app's "
                         "OAuth scopes and the user's API access): "} +
                 v.message,
             v.code, std::nullopt);
        return;
      case request_step::pause: {
        const core::timestamp resume = now + s_.pause;
        pause(resume, v.message + "; connector paused until " + core::format_rfc3339(resume));
        stop(org_.pause_reason, v.code, until(resume, now));
        return;
      }
      case request_step::stop:
        stop("salesforce: " + v.message, v.code, retry_after(response.headers, now));
        return;
      case request_step::retry:
      case request_step::reject: {
        const api_call call = std::move(*current_);
        current_.reset();
        for (const std::size_t i : call.records) {
          if (slots_[i].open) {
            close(i, v.step == request_step::retry ? delivery_outcome::retry : delivery_outcome::reject, v.code,
                  v.message);
          }
        }
        return;
      }
    }
  }

  const settings& s_;
  token_manager& tokens_;
  org_state& org_;
  std::span<const core::stage_update> batch_;
  std::vector<slot> slots_;
  phase phase_ = phase::start;
  std::deque<api_call> queue_;
  std::optional<api_call> current_;  // being sent; kept across a token request
  bool awaiting_token_ = false;
  bool reauthenticated_ = false;
  bool stopped_ = false;
  bool paused_ = false;
  int pages_ = 0;
};

}  // namespace

std::unique_ptr<core::crm_exchange> start_exchange(const settings& s, token_manager& tokens, org_state& org,
                                                   std::span<const core::stage_update> batch, core::timestamp now) {
  return std::make_unique<exchange>(s, tokens, org, batch, now);
}

}  // namespace leadsync::adapters::salesforce
