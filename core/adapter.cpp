#include "core/adapter.hpp"

namespace leadsync::core {
namespace {

// One request, one answer: the shape of every single_request_adapter batch.
class single_request_exchange final : public crm_exchange {
 public:
  single_request_exchange(const single_request_adapter& adapter, std::span<const stage_update> batch)
      : adapter_(adapter), batch_(batch) {}

  std::optional<outbound_request> next_request(timestamp) override {
    if (sent_) {
      return std::nullopt;
    }
    sent_ = true;
    return adapter_.encode(batch_);
  }

  void on_response(const outbound_response& response, timestamp) override {
    result_.records = adapter_.interpret(batch_, response);
  }

  exchange_result finish() override {
    result_.records.resize(batch_.size());  // a short answer leaves the rest to retry
    return std::move(result_);
  }

 private:
  const single_request_adapter& adapter_;
  std::span<const stage_update> batch_;
  bool sent_ = false;
  exchange_result result_;
};

}  // namespace

std::unique_ptr<crm_exchange> single_request_adapter::begin(std::span<const stage_update> batch, timestamp) {
  return std::make_unique<single_request_exchange>(*this, batch);
}

}  // namespace leadsync::core
