#include "adapters/crm/hubspot/hubspot_exchange.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "adapters/crm/hubspot/hubspot_answers.hpp"
#include "adapters/crm/hubspot/hubspot_classify.hpp"
#include "adapters/crm/hubspot/hubspot_rate_limits.hpp"
#include "adapters/crm/hubspot/hubspot_requests.hpp"

namespace leadsync::adapters::hubspot {
namespace {

// Where a record of the batch stands.
enum class step { clear, upsert, done };

struct plan {
  const core::stage_update* update = nullptr;
  step next = step::done;
  std::string lifecyclestage;
  // A later record of the batch with the same email: it is the one sent, and
  // this one shares its result (latest state wins, as in the outbox).
  std::optional<std::size_t> superseded_by;
  core::record_result result;
};

// A clear that HubSpot fails as a whole for unknown contacts is sent once
// more without them; after that every contact goes on to the upsert.
constexpr int max_clear_requests = 2;

class exchange final : public core::crm_exchange {
 public:
  exchange(const settings& s, account_usage& usage, std::span<const core::stage_update> batch)
      : settings_(s), usage_(usage) {
    plans_.reserve(batch.size());
    std::map<std::string, std::size_t> by_email;
    for (const auto& u : batch) {
      const std::size_t i = plans_.size();
      plan& p = plans_.emplace_back();
      p.update = &u;
      if (u.email.empty()) {
        p.result.outcome = core::delivery_outcome::reject;
        p.result.code = "no_email";
        p.result.message = "the lead has no email, and HubSpot contacts are keyed by email "
                           "(anonymous leads should never reach a CRM connector)";
        continue;
      }
      auto mapped = settings_.stages.find(u.stage);
      if (mapped == settings_.stages.end()) {
        p.result.outcome = core::delivery_outcome::skipped;
        p.result.message = "stage \"" + u.stage + "\" has no lifecyclestage in stages";
        continue;
      }
      p.lifecyclestage = mapped->second;
      p.next = moves_back(u, p.lifecyclestage) ? step::clear : step::upsert;
      auto [it, fresh] = by_email.try_emplace(lower(u.email), i);
      if (!fresh) {
        plans_[it->second].superseded_by = i;
        plans_[it->second].next = step::done;
        it->second = i;
      }
    }
  }

  std::optional<core::outbound_request> next_request(core::timestamp) override {
    if (stopped_) {
      return std::nullopt;
    }
    auto waiting = pending(step::clear);
    if (!waiting.empty() && clear_requests_ < max_clear_requests) {
      ++clear_requests_;
      std::vector<const core::stage_update*> updates;
      for (std::size_t i : waiting) {
        updates.push_back(plans_[i].update);
      }
      return hand_out(step::clear, std::move(waiting), clear_request(settings_, updates));
    }
    for (std::size_t i : waiting) {
      plans_[i].next = step::upsert;
    }
    auto writes = pending(step::upsert);
    if (writes.empty()) {
      stopped_ = true;
      return std::nullopt;
    }
    std::vector<contact_write> contacts;
    for (std::size_t i : writes) {
      contacts.push_back({plans_[i].update, plans_[i].lifecyclestage});
    }
    return hand_out(step::upsert, std::move(writes), upsert_request(settings_, contacts));
  }

  void on_response(const core::outbound_response& response, core::timestamp now) override {
    const rate_headers limits = read_rate_headers(response.headers);
    note_usage(limits);
    if (in_flight_.empty()) {
      return;
    }
    const std::vector<std::size_t> flight = std::move(in_flight_);
    in_flight_.clear();
    const verdict v = classify(response, now);
    switch (v.what) {
      case verdict::kind::batch:
        if (in_flight_step_ == step::clear) {
          on_cleared(flight, response);
        } else {
          on_upserted(flight, response);
        }
        break;
      case verdict::kind::not_found:
        if (in_flight_step_ == step::clear) {
          on_clear_not_found(flight, v.error);
        } else {
          finish_each(flight, v.each);
        }
        break;
      case verdict::kind::throttled:
        stop_for(v.throttle, now);
        return;
      case verdict::kind::stop:
        // Whatever comes next would meet the same trouble.
        finish_each(unfinished(), v.each);
        stopped_ = true;
        return;
      case verdict::kind::reject:
        finish_each(flight, v.each);
        break;
    }
    if (auto p = proactive_pause(limits, now)) {
      stop_for(*p, now);
    }
  }

  core::exchange_result finish() override {
    core::exchange_result out;
    out.records.reserve(plans_.size());
    for (std::size_t i = 0; i < plans_.size(); ++i) {
      std::size_t winner = i;
      while (plans_[winner].superseded_by) {
        winner = *plans_[winner].superseded_by;
      }
      const plan& p = plans_[winner];
      if (p.next != step::done) {
        core::record_result unsent;
        unsent.message = "not sent: the exchange ended early";
        out.records.push_back(std::move(unsent));
      } else {
        out.records.push_back(p.result);
      }
    }
    out.pause_until = pause_until_;
    out.pause_reason = pause_reason_;
    return out;
  }

 private:
  // HubSpot ignores a lifecyclestage earlier than the current one; with
  // allow_backwards the connector clears it first (wire-formats.md 4.4).
  bool moves_back(const core::stage_update& u, const std::string& target) const {
    if (!settings_.allow_backwards) {
      return false;
    }
    auto previous = settings_.stages.find(u.previous_stage);
    if (previous == settings_.stages.end()) {
      return false;
    }
    auto from = settings_.rank(previous->second);
    auto to = settings_.rank(target);
    return from && to && *from > *to;
  }

  std::vector<std::size_t> pending(step s) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < plans_.size(); ++i) {
      if (plans_[i].next == s) {
        out.push_back(i);
      }
    }
    return out;
  }

  std::vector<std::size_t> unfinished() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < plans_.size(); ++i) {
      if (plans_[i].next != step::done) {
        out.push_back(i);
      }
    }
    return out;
  }

  core::outbound_request hand_out(step s, std::vector<std::size_t> indices, core::outbound_request request) {
    in_flight_step_ = s;
    in_flight_ = std::move(indices);
    ++usage_.api_calls;
    return request;
  }

  void note_usage(const rate_headers& limits) {
    if (limits.daily) {
      usage_.daily_limit = *limits.daily;
      if (limits.daily_remaining) {
        usage_.daily_used = std::max<std::int64_t>(0, *limits.daily - *limits.daily_remaining);
      }
    }
  }

  void finish_one(std::size_t i, core::record_result r) {
    plans_[i].result = std::move(r);
    plans_[i].next = step::done;
  }

  void finish_each(const std::vector<std::size_t>& indices, const core::record_result& r) {
    for (std::size_t i : indices) {
      finish_one(i, r);
    }
  }

  void stop_for(const pause& p, core::timestamp now) {
    if (!pause_until_ || p.until > *pause_until_) {
      pause_until_ = p.until;
      pause_reason_ = p.reason;
    }
    core::record_result wait;
    wait.retry_after = std::max(std::chrono::milliseconds{0}, *pause_until_ - now);
    wait.message = pause_reason_;
    wait.code = "rate_limited";
    finish_each(unfinished(), wait);
    stopped_ = true;
  }

  // Which record of `flight` an answer entry is about: the echoed trace id,
  // else the email. nullopt when none.
  std::optional<std::size_t> find(const std::vector<std::size_t>& flight, std::string_view trace,
                                  std::string_view email) const {
    for (std::size_t i : flight) {
      if (!trace.empty() && trace_id(*plans_[i].update) == trace) {
        return i;
      }
    }
    const std::string wanted = lower(email);
    for (std::size_t i : flight) {
      if (!wanted.empty() && lower(plans_[i].update->email) == wanted) {
        return i;
      }
    }
    return std::nullopt;
  }

  std::vector<std::size_t> named_by(const std::vector<std::size_t>& flight, const hubspot_error& e) const {
    std::vector<std::size_t> out;
    for (std::size_t i : flight) {
      const auto& u = *plans_[i].update;
      const std::string trace = trace_id(u);
      if (std::find(e.trace_ids.begin(), e.trace_ids.end(), trace) != e.trace_ids.end() ||
          e.names_email(u.email)) {
        out.push_back(i);
      }
    }
    return out;
  }

  // errors[] entries against the flight; returns whether every entry named a record.
  bool apply_errors(const std::vector<std::size_t>& flight, const std::vector<hubspot_error>& errors,
                    std::vector<std::optional<hubspot_error>>& found) const {
    bool all_attributed = true;
    for (const auto& e : errors) {
      const auto named = named_by(flight, e);
      all_attributed = all_attributed && !named.empty();
      for (std::size_t i : named) {
        found[i] = e;
      }
    }
    return all_attributed;
  }

  void on_cleared(const std::vector<std::size_t>& flight, const core::outbound_response& response) {
    auto answer = parse_batch_answer(response.body);
    if (!answer) {
      if (response.status == 200) {
        set_next(flight, step::upsert);  // an unreadable 200 still says every clear went through
      } else {
        finish_each(flight, unreadable(response));
      }
      return;
    }
    std::vector<std::optional<hubspot_error>> errors(plans_.size());
    const bool all_attributed = apply_errors(flight, answer->errors, errors);
    std::vector<bool> listed(plans_.size(), false);
    for (const auto& r : answer->results) {
      if (auto i = find(flight, r.trace_id, r.email)) {
        listed[*i] = true;
      }
    }
    for (std::size_t i : flight) {
      if (errors[i] && errors[i]->category != "OBJECT_NOT_FOUND") {
        finish_one(i, record_error(*errors[i]));
      } else if (errors[i] || listed[i] || all_attributed) {
        plans_[i].next = step::upsert;  // cleared, or no contact yet to clear
      } else {
        finish_one(i, not_mentioned("the clear of lifecyclestage"));
      }
    }
  }

  void on_clear_not_found(const std::vector<std::size_t>& flight, const hubspot_error& e) {
    const auto named = named_by(flight, e);
    if (named.empty()) {
      set_next(flight, step::upsert);
      return;
    }
    // The named contacts do not exist yet; the others were not cleared
    // because of them and go again (next_request), alone.
    set_next(flight, step::clear);
    set_next(named, step::upsert);
  }

  void on_upserted(const std::vector<std::size_t>& flight, const core::outbound_response& response) {
    auto answer = parse_batch_answer(response.body);
    if (!answer) {
      finish_each(flight, unreadable(response));
      return;
    }
    for (const auto& r : answer->results) {
      if (auto i = find(flight, r.trace_id, r.email)) {
        core::record_result ok;
        ok.outcome = core::delivery_outcome::delivered;
        if (!r.id.empty()) {
          ok.external_id.emplace("hubspot_contact_id", r.id);
        }
        finish_one(*i, std::move(ok));
      }
    }
    // An error wins over a result for the same record: it was not confirmed.
    std::vector<std::optional<hubspot_error>> errors(plans_.size());
    apply_errors(flight, answer->errors, errors);
    for (std::size_t i : flight) {
      if (errors[i]) {
        finish_one(i, record_error(*errors[i]));
      } else if (plans_[i].next != step::done) {
        finish_one(i, not_mentioned("the upsert"));
      }
    }
  }

  void set_next(const std::vector<std::size_t>& indices, step s) {
    for (std::size_t i : indices) {
      plans_[i].next = s;
    }
  }

  static core::record_result unreadable(const core::outbound_response& response) {
    core::record_result r;
    r.message = "HubSpot answered HTTP " + std::to_string(response.status) + " without a readable batch result";
    r.code = "http_" + std::to_string(response.status);
    return r;
  }

  static core::record_result not_mentioned(std::string_view request) {
    core::record_result r;
    r.message = "HubSpot's answer to " + std::string{request} + " did not mention this contact";
    return r;
  }

  const settings& settings_;
  account_usage& usage_;
  std::vector<plan> plans_;
  std::vector<std::size_t> in_flight_;
  step in_flight_step_ = step::upsert;
  int clear_requests_ = 0;
  bool stopped_ = false;
  std::optional<core::timestamp> pause_until_;
  std::string pause_reason_;
};

}  // namespace

std::unique_ptr<core::crm_exchange> make_exchange(const settings& s, account_usage& usage,
                                                  std::span<const core::stage_update> batch) {
  return std::make_unique<exchange>(s, usage, batch);
}

}  // namespace leadsync::adapters::hubspot
