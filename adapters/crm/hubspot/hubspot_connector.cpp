#include "adapters/crm/hubspot/hubspot_connector.hpp"

#include "adapters/crm/hubspot/hubspot_exchange.hpp"
#include "adapters/crm/hubspot/hubspot_options.hpp"

namespace leadsync::adapters {
namespace {

class hubspot_connector final : public core::crm_adapter {
 public:
  explicit hubspot_connector(hubspot::settings s) : settings_(std::move(s)) {}

  std::size_t max_batch() const override { return settings_.batch_size; }

  std::unique_ptr<core::crm_exchange> begin(std::span<const core::stage_update> batch, core::timestamp) override {
    return hubspot::make_exchange(settings_, usage_, batch);
  }

  core::crm_status status() const override {
    core::crm_status s;
    s.api_limit = usage_.daily_limit;
    s.api_used = usage_.daily_used;
    s.api_calls = usage_.api_calls;
    return s;
  }

 private:
  hubspot::settings settings_;
  hubspot::account_usage usage_;
};

class hubspot_factory final : public core::crm_factory {
 public:
  std::string_view type() const override { return "hubspot"; }
  std::string_view description() const override {
    return "upserts contacts by email in HubSpot (CRM v3 batch API), setting lifecyclestage";
  }
  const std::vector<core::option_spec>& options() const override { return hubspot::option_specs(); }

  core::build_result<core::crm_adapter> create(std::string_view, const core::option_values& values) const override {
    core::build_result<core::crm_adapter> out;
    if (auto s = hubspot::read_settings(values, out.errors)) {
      out.instance = std::make_unique<hubspot_connector>(std::move(*s));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::crm_factory> make_hubspot_connector_factory() { return std::make_unique<hubspot_factory>(); }

}  // namespace leadsync::adapters
