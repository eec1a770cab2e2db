#include "core/junk/domain_file.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/junk/rules.hpp"
#include "core/junk/text.hpp"

namespace leadsync::core::junk {
namespace {

constexpr std::uintmax_t max_file_bytes = 64U * 1024U * 1024U;
constexpr std::size_t max_named_problems = 10;

error file_error(const std::filesystem::path& path, const std::string& what) {
  return error{error_kind::malformed, "unreadable_domain_list", path.string() + ": " + what};
}

}  // namespace

result<domain_set> parse_domain_list(std::string_view text, std::string_view origin) {
  std::vector<std::string> entries;
  std::string problems;
  std::size_t problem_count = 0;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) {
      continue;
    }
    if (auto domain = normalise_domain_entry(line)) {
      entries.push_back(std::move(*domain));
      continue;
    }
    if (++problem_count <= max_named_problems) {
      problems += problems.empty() ? "" : "; ";
      problems += std::string(origin) + ":" + std::to_string(line_number) + ": " + quoted_value(line) +
                  " is not a domain name";
    }
  }
  if (problem_count > 0) {
    if (problem_count > max_named_problems) {
      problems += "; and " + std::to_string(problem_count - max_named_problems) + " more";
    }
    return error{error_kind::malformed, "invalid_domain_list", std::move(problems)};
  }
  return domain_set(std::move(entries));
}

result<domain_set> load_domain_file(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return file_error(path, ec.message());
  }
  if (size > max_file_bytes) {
    return file_error(path, "larger than 64 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return file_error(path, std::generic_category().message(errno));
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(size));
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return file_error(path, "read failed");
  }
  return parse_domain_list(text, path.string());
}

result<rules> rules::load(const rules_config& config) {
  domain_set disposable;
  if (!config.disposable_domains_file.empty()) {
    auto loaded = load_domain_file(config.disposable_domains_file);
    if (!loaded) {
      return loaded.failure();
    }
    disposable = std::move(loaded).value();
  }
  return build(config, std::move(disposable));
}

result<rules> rules::with_disposable_file(const std::filesystem::path& path) {
  rules_config config;
  config.disposable_domains_file = path.string();
  return load(config);
}

}  // namespace leadsync::core::junk
