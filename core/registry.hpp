#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/adapter.hpp"

namespace leadsync::core {

// The inventory of adapter factories by name. Filled in one explicit place
// (adapters/builtin.cpp); config looks names up here and never names an
// adapter itself.
class registry {
 public:
  void add(std::unique_ptr<source_factory> f) {
    const std::string key{f->format()};
    sources_[key] = std::move(f);
  }
  void add(std::unique_ptr<crm_factory> f) {
    const std::string key{f->type()};
    crms_[key] = std::move(f);
  }

  void add(std::unique_ptr<signature_factory> f) {
    const std::string key{f->scheme()};
    signatures_[key] = std::move(f);
  }

  const source_factory* source(std::string_view format) const {
    auto it = sources_.find(format);
    return it == sources_.end() ? nullptr : it->second.get();
  }
  const crm_factory* crm(std::string_view type) const {
    auto it = crms_.find(type);
    return it == crms_.end() ? nullptr : it->second.get();
  }

  const signature_factory* signature(std::string_view scheme) const {
    auto it = signatures_.find(scheme);
    return it == signatures_.end() ? nullptr : it->second.get();
  }

  std::vector<std::string> source_formats() const { return keys(sources_); }
  std::vector<std::string> crm_types() const { return keys(crms_); }
  std::vector<std::string> signature_schemes() const { return keys(signatures_); }

 private:
  template <typename M>
  static std::vector<std::string> keys(const M& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) {
      out.push_back(k);
    }
    return out;
  }

  std::map<std::string, std::unique_ptr<source_factory>, std::less<>> sources_;
  std::map<std::string, std::unique_ptr<crm_factory>, std::less<>> crms_;
  std::map<std::string, std::unique_ptr<signature_factory>, std::less<>> signatures_;
};

}  // namespace leadsync::core
