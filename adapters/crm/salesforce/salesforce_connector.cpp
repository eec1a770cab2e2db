#include "adapters/crm/salesforce/salesforce_connector.hpp"

#include "adapters/crm/salesforce/exchange.hpp"
#include "adapters/crm/salesforce/settings.hpp"
#include "adapters/crm/salesforce/token_manager.hpp"

namespace leadsync::adapters {
namespace {

using salesforce::settings;

// Holds what outlives a batch: the access token and what the org said about
// its API usage. One delivery task at a time (core::crm_adapter).
class salesforce_connector final : public core::crm_adapter {
 public:
  explicit salesforce_connector(std::unique_ptr<const settings> s) : settings_(std::move(s)), tokens_(*settings_) {}

  std::size_t max_batch() const override { return settings_->batch_size; }

  std::unique_ptr<core::crm_exchange> begin(std::span<const core::stage_update> batch, core::timestamp now) override {
    return salesforce::start_exchange(*settings_, tokens_, org_, batch, now);
  }

  core::crm_status status() const override {
    core::crm_status st;
    st.api_used = org_.api_used;
    st.api_limit = org_.api_limit;
    if (org_.api_limit) {
      st.api_budget = *org_.api_limit * settings_->api_budget_percent / 100;
    }
    st.api_calls = org_.api_calls;
    st.token_refreshes = tokens_.tokens_obtained();
    return st;
  }

 private:
  std::unique_ptr<const settings> settings_;  // tokens_ refers to it: never moved
  salesforce::token_manager tokens_;
  salesforce::org_state org_;
};

class salesforce_factory final : public core::crm_factory {
 public:
  std::string_view type() const override { return "salesforce"; }
  std::string_view description() const override {
    return "upserts stage updates into a Salesforce object (Lead by default) through sObject Collections";
  }
  const std::vector<core::option_spec>& options() const override { return salesforce::option_specs(); }

  core::build_result<core::crm_adapter> create(std::string_view, const core::option_values& values) const override {
    core::build_result<core::crm_adapter> out;
    if (auto s = salesforce::read_settings(values, out.errors)) {
      out.instance = std::make_unique<salesforce_connector>(std::make_unique<const settings>(std::move(*s)));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::crm_factory> make_salesforce_connector_factory() {
  return std::make_unique<salesforce_factory>();
}

}  // namespace leadsync::adapters
