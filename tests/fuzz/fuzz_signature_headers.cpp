// Fuzzes signature-header parsing: the input is split at '\n' into the values
// of the signature header, the timestamp header and the message-id header,
// and the rest is the body; every scheme's verifier sees them (header lists,
// hex/base64, Unix and RFC 3339 timestamps, HubSpot's URI handling). Any input
// must give "verified" or an unauthorized error, never a crash, a leak or
// undefined behaviour.
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/builtin.hpp"

namespace {

using namespace leadsync;

struct target {
  std::unique_ptr<core::signature_verifier> verifier;
  std::string signature_header;
  std::string timestamp_header;  // empty: none
  std::string id_header;         // empty: none
};

std::unique_ptr<core::signature_verifier> build(const core::registry& r, std::string_view scheme,
                                                std::vector<std::pair<std::string, std::string>> extra) {
  core::option_values v;
  // Two secrets, so the rotation loop runs; whsec_ base64 suits every scheme.
  v.set("secrets", std::vector<std::string>{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"});
  for (auto& [name, value] : extra) {
    v.set(std::move(name), std::move(value));
  }
  auto built = r.signature(scheme)->create("fuzz", v);
  if (!built.errors.empty()) {  // the fixed configuration above must be valid
    std::fprintf(stderr, "%s: %s\n", built.errors[0].key.c_str(), built.errors[0].message.c_str());
    __builtin_trap();
  }
  return std::move(built.instance);
}

const std::vector<target>& targets() {
  static const auto all = [] {
    core::registry r;
    adapters::register_builtin(r);
    std::vector<target> t;
    t.push_back({build(r, "stripe", {}), "stripe-signature", "", ""});
    t.push_back({build(r, "calendly", {}), "calendly-webhook-signature", "", ""});
    t.push_back({build(r, "standard-webhooks", {}), "webhook-signature", "webhook-timestamp", "webhook-id"});
    t.push_back({build(r, "standard-webhooks", {}), "svix-signature", "svix-timestamp", "svix-id"});
    t.push_back({build(r, "hubspot-v3", {{"public_url", "https://leads.example.com"}}), "x-hubspot-signature-v3",
                 "x-hubspot-request-timestamp", ""});
    t.push_back({build(r, "slack", {}), "x-slack-signature", "x-slack-request-timestamp", ""});
    t.push_back({build(r, "zendesk", {}), "x-zendesk-webhook-signature", "x-zendesk-webhook-signature-timestamp", ""});
    t.push_back({build(r, "webflow", {}), "x-webflow-signature", "x-webflow-timestamp", ""});
    t.push_back({build(r, "typeform", {}), "typeform-signature", "", ""});
    t.push_back({build(r, "intercom", {}), "x-hub-signature", "", ""});
    t.push_back({build(r, "segment", {}), "x-signature", "", ""});
    t.push_back({build(r, "hmac",
                       {{"header", "X-Sig"},
                        {"prefix", "sha512="},
                        {"algorithm", "sha512"},
                        {"encoding", "base64"},
                        {"signed_content", "timestamp_body"},
                        {"timestamp_header", "X-Ts"},
                        {"timestamp_format", "rfc3339"}}),
                 "x-sig", "x-ts", ""});
    t.push_back({build(r, "header-token", {{"header", "X-Verification-Token"}}), "x-verification-token", "", ""});
    return t;
  }();
  return all;
}

// The next '\n'-terminated piece of `rest` (all of it when there is no '\n').
std::string_view take_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  const std::string_view signature = take_line(rest);
  const std::string_view stamp = take_line(rest);
  const std::string_view id = take_line(rest);
  // Near the timestamps a fuzzer finds easily ("1700000000...") so the HMAC
  // path is reached, not only the freshness check.
  const auto now = core::from_millis(1'700'000'000'000);

  for (const target& t : targets()) {
    core::inbound_request request;
    request.method = "POST";
    request.target = "/hooks/fuzz?q=%3A%2f%";
    request.headers.emplace_back(t.signature_header, std::string{signature});
    if (!t.timestamp_header.empty()) {
      request.headers.emplace_back(t.timestamp_header, std::string{stamp});
    }
    if (!t.id_header.empty()) {
      request.headers.emplace_back(t.id_header, std::string{id});
    }
    request.body.assign(rest);
    const auto failure = t.verifier->verify(request, now);
    if (failure && failure->kind != core::error_kind::unauthorized) {
      __builtin_trap();  // signature checks only ever answer 401
    }
  }
  return 0;
}
