#include "adapters/crm/jsonl/jsonl_connector.hpp"

#include <string>

namespace leadsync::adapters {
namespace {

class jsonl_connector final : public core::single_request_adapter {
 public:
  explicit jsonl_connector(std::string path) : path_(std::move(path)) {}

  std::size_t max_batch() const override { return 500; }

  // One append of all lines; the daemon's file transport writes and fsyncs it.
  core::outbound_request encode(std::span<const core::stage_update> batch) const override {
    core::outbound_request r;
    r.method = "APPEND";
    r.url = "file:" + path_;
    for (const auto& u : batch) {
      r.body += core::to_json(u);
      r.body += '\n';
    }
    return r;
  }

  std::vector<core::record_result> interpret(std::span<const core::stage_update> batch,
                                             const core::outbound_response& response) const override {
    core::record_result each;
    if (response.status >= 200 && response.status < 300) {
      each.outcome = core::delivery_outcome::delivered;
    } else {
      each.outcome = core::delivery_outcome::retry;
      each.message = response.transport_error.empty() ? "file write failed" : response.transport_error;
    }
    return std::vector<core::record_result>(batch.size(), each);
  }

 private:
  std::string path_;
};

class jsonl_factory final : public core::crm_factory {
 public:
  std::string_view type() const override { return "jsonl"; }
  std::string_view description() const override { return "appends each stage update as a JSON line to a file"; }
  const std::vector<core::option_spec>& options() const override {
    static const std::vector<core::option_spec> specs{
        {"path", core::option_type::string, true, "file to append to (created if missing)"},
    };
    return specs;
  }
  core::build_result<core::crm_adapter> create(std::string_view, const core::option_values& values) const override {
    core::build_result<core::crm_adapter> out;
    const std::string path = values.string_or("path", "");
    if (path.empty()) {
      out.errors.push_back({"path", "expected a file path, got an empty string"});
    } else {
      out.instance = std::make_unique<jsonl_connector>(path);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<core::crm_factory> make_jsonl_connector_factory() { return std::make_unique<jsonl_factory>(); }

}  // namespace leadsync::adapters
