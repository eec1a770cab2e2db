#include "config/checker.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <system_error>

namespace leadsync::config::detail {

namespace {

constexpr std::size_t max_echo_bytes = 64;  // longer user strings are cut in messages

bool is_bare_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions,
// so "listen_prot" is one edit from "listen_port", as a typist would count it.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= m; ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string expected_integer(std::int64_t min, std::int64_t max) {
  constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
  constexpr auto highest = std::numeric_limits<std::int64_t>::max();
  if (min == lowest && max == highest) {
    return "an integer";
  }
  if (max == highest) {
    return "an integer of at least " + std::to_string(min);
  }
  if (min == lowest) {
    return "an integer of at most " + std::to_string(max);
  }
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

std::string number_text(double v) {
  if (std::isnan(v)) {
    return "nan";
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

location checker::where(const toml::source_region& region) const {
  return location{file_, static_cast<int>(region.begin.line),
                  static_cast<int>(region.begin.column)};
}

void checker::error(const toml::source_region& region, std::string key, std::string message) {
  error(where(region), std::move(key), std::move(message));
}

void checker::error(location where, std::string key, std::string message) {
  errors_.push_back(diagnostic{std::move(where), std::move(key), std::move(message)});
}

void checker::unknown_key(const toml::key& key, std::string path,
                          std::span<const std::string_view> known, std::string_view context) {
  std::string message = "unknown key" + std::string{context};
  if (auto near = suggest(key.str(), known)) {
    message += "; did you mean `" + std::string{*near} + "`?";
  } else if (known.empty()) {
    message += " (no keys are allowed here)";
  } else {
    message += " (known keys: " + join(known) + ")";
  }
  error(key.source(), std::move(path), std::move(message));
}

std::optional<std::string> checker::string(const toml::node& node, const std::string& path) {
  if (const auto* s = node.as_string()) {
    return s->get();
  }
  error(node.source(), path, "expected a string, got " + std::string{type_name(node)});
  return std::nullopt;
}

std::optional<std::int64_t> checker::integer(const toml::node& node, const std::string& path,
                                             std::int64_t min, std::int64_t max) {
  const auto* n = node.as_integer();
  if (n == nullptr) {
    error(node.source(), path,
          "expected " + expected_integer(min, max) + ", got " + std::string{type_name(node)});
    return std::nullopt;
  }
  const std::int64_t v = n->get();
  if (v < min || v > max) {
    error(node.source(), path,
          "expected " + expected_integer(min, max) + ", got " + std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> checker::number(const toml::node& node, const std::string& path) {
  if (const auto* n = node.as_integer()) {
    return static_cast<double>(n->get());
  }
  const auto* f = node.as_floating_point();
  if (f == nullptr) {
    error(node.source(), path, "expected a number, got " + std::string{type_name(node)});
    return std::nullopt;
  }
  if (!std::isfinite(f->get())) {
    error(node.source(), path, "expected a finite number, got " + number_text(f->get()));
    return std::nullopt;
  }
  return f->get();
}

std::optional<double> checker::positive_number(const toml::node& node, const std::string& path,
                                               double max) {
  const std::string expected =
      max == std::numeric_limits<double>::max()
          ? "expected a number greater than 0"
          : "expected a number greater than 0 and at most " + number_text(max);
  if (!node.is_number()) {
    error(node.source(), path, expected + ", got " + std::string{type_name(node)});
    return std::nullopt;
  }
  const std::optional<double> v = number(node, path);  // reports nan and inf
  if (v && (*v <= 0 || *v > max)) {
    error(node.source(), path, expected + ", got " + number_text(*v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> checker::boolean(const toml::node& node, const std::string& path) {
  if (const auto* b = node.as_boolean()) {
    return b->get();
  }
  error(node.source(), path, "expected a boolean, got " + std::string{type_name(node)});
  return std::nullopt;
}

const toml::table* checker::table(const toml::node& node, const std::string& path) {
  if (const auto* t = node.as_table()) {
    return t;
  }
  error(node.source(), path, "expected a table, got " + std::string{type_name(node)});
  return nullptr;
}

std::optional<std::string> read_text_file(const std::filesystem::path& file, std::string& out) {
  errno = 0;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f{std::fopen(file.c_str(), "rb"),
                                                          &std::fclose};
  if (!f) {
    return std::generic_category().message(errno);
  }
  char buffer[64 * 1024];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) {
    out.append(buffer, n);
  }
  if (std::ferror(f.get()) != 0) {
    return std::generic_category().message(errno);  // e.g. EISDIR for a directory
  }
  return std::nullopt;
}

toml::source_region table_region(const toml::key& key, const toml::node& node) {
  return node.source().begin.line != 0 ? node.source() : key.source();
}

std::string join_key(std::string_view parent, std::string_view key) {
  std::string out{parent};
  if (!out.empty()) {
    out += '.';
  }
  if (is_bare_key(key)) {
    out += key;
    return out;
  }
  out += '"';
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string printable(std::string_view text) {
  std::size_t cut = std::min(text.size(), max_echo_bytes);
  while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;  // do not split a UTF-8 sequence
  }
  std::string out;
  for (const char c : text.substr(0, cut)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
  if (cut < text.size()) {
    out += "...";
  }
  return out;
}

std::optional<std::string_view> suggest(std::string_view unknown,
                                        std::span<const std::string_view> known) {
  constexpr std::size_t max_distance = 2;
  const std::string needle = lower(unknown);
  std::optional<std::string_view> best;
  std::size_t best_distance = max_distance + 1;
  for (const std::string_view candidate : known) {
    const std::size_t longer = std::max(needle.size(), candidate.size());
    const std::size_t shorter = std::min(needle.size(), candidate.size());
    if (longer - shorter > max_distance) {
      continue;  // cheap reject; also keeps hostile long keys from costing much
    }
    const std::size_t d = edit_distance(needle, lower(candidate));
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::optional<std::string_view> suggest(std::string_view unknown,
                                        const std::vector<std::string>& known) {
  const std::vector<std::string_view> views(known.begin(), known.end());
  return suggest(unknown, std::span<const std::string_view>{views});
}

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (const std::string_view item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += item;
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  const std::vector<std::string_view> views(items.begin(), items.end());
  return join(std::span<const std::string_view>{views});
}

void read_fields(const toml::table& table, std::string_view path, std::span<const field> fields,
                 checker& check) {
  std::vector<std::string_view> names;
  for (const field& f : fields) {
    names.push_back(f.name);
  }
  for (auto&& [key, value] : table) {
    const std::string key_path = join_key(path, key.str());
    const auto it = std::find_if(fields.begin(), fields.end(),
                                 [&key = key](const field& f) { return f.name == key.str(); });
    if (it == fields.end()) {
      check.unknown_key(key, key_path, names);
    } else {
      it->read(value, key_path);
    }
  }
}

}  // namespace leadsync::config::detail
