#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/builtin.hpp"
#include "core/adapter.hpp"
#include "core/registry.hpp"

// Helpers for the signature scheme tests. Verifiers are always built through
// the real registry (adapters::register_builtin), so the factories and their
// option checks are exercised by every test.
namespace leadsync::adapters::signatures::testing {

inline const core::registry& builtin() {
  static const core::registry r = [] {
    core::registry reg;
    register_builtin(reg);
    return reg;
  }();
  return r;
}

using header_list = std::vector<std::pair<std::string, std::string>>;

inline core::option_values with_secrets(std::vector<std::string> secrets,
                                        core::option_values values = {}) {
  values.set("secrets", std::move(secrets));
  return values;
}

inline std::string describe(const std::vector<core::option_error>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += e.key + ": " + e.message + "\n";
  }
  return out;
}

// create() errors of `scheme` with `values` (the scheme must exist).
inline std::vector<core::option_error> create_errors(std::string_view scheme,
                                                     const core::option_values& values) {
  const core::signature_factory* f = builtin().signature(scheme);
  EXPECT_NE(f, nullptr) << "scheme not registered: " << scheme;
  if (f == nullptr) {
    return {{"scheme", "not registered"}};
  }
  auto built = f->create("test", values);
  EXPECT_EQ(built.instance == nullptr, !built.errors.empty());
  return std::move(built.errors);
}

// A verifier that must build without errors; null (and a test failure) if not.
inline std::unique_ptr<core::signature_verifier> make(std::string_view scheme,
                                                      const core::option_values& values) {
  const core::signature_factory* f = builtin().signature(scheme);
  EXPECT_NE(f, nullptr) << "scheme not registered: " << scheme;
  if (f == nullptr) {
    return nullptr;
  }
  auto built = f->create("test", values);
  EXPECT_TRUE(built.errors.empty()) << describe(built.errors);
  return std::move(built.instance);
}

// Header names are lower-cased here, as the daemon does before adapters see them.
inline core::inbound_request request(std::string body, header_list headers,
                                     std::string method = "POST",
                                     std::string target = "/hooks/test") {
  core::inbound_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  for (auto& [name, value] : headers) {
    for (char& c : name) {
      c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    r.headers.emplace_back(std::move(name), std::move(value));
  }
  r.body = std::move(body);
  r.peer = "192.0.2.1:40000";
  return r;
}

// "ok" for a verified request, else the error code: reads well in EXPECT_EQ.
inline std::string outcome(const core::signature_verifier& v, const core::inbound_request& r,
                           core::timestamp now) {
  const auto e = v.verify(r, now);
  if (e) {
    EXPECT_EQ(e->kind, core::error_kind::unauthorized);
    EXPECT_FALSE(e->message.empty());
  }
  return e ? e->code : "ok";
}

inline core::timestamp at_seconds(std::int64_t s) { return core::from_millis(s * 1000); }

}  // namespace leadsync::adapters::signatures::testing
