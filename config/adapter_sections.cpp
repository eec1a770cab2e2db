// [sources.<name>] and [connectors.<name>]: one selector key (`format` or
// `type`) picks a factory from the registry; every other key is an option the
// factory declared. Types are checked here against the declarations; the
// factory's create() then checks meaning, and its per-option errors are
// pointed back at the line of the option (or the key below it) they name.
#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <exception>
#include <functional>
#include <utility>

#include "config/checker.hpp"

namespace leadsync::config::detail {

namespace {

struct section_names {
  std::string_view section;        // "sources"
  std::string_view noun;           // "source"
  std::string_view selector;       // "format"
  std::string_view selector_noun;  // "source format"
  std::string_view name_hint;      // why the name is restricted
  std::string_view nested_key = {};  // a sub-table that is not an adapter option ("signature", "delivery")
  std::string_view allow_key = {};   // the address allow-list key ("allow_from"), not an adapter option
};

constexpr section_names source_names{"sources", "source", "format", "source format",
                                     " (it is the <name> in /hooks/<name>)", "signature", "allow_from"};
// `delivery` is the connector's [connectors.<name>.delivery] table, read with
// [delivery] (read_connector_delivery in sections.cpp), never an adapter option.
constexpr section_names connector_names{"connectors", "connector", "type", "connector type", "", "delivery"};

// One adapter table, read: what the config keeps of it.
struct adapter_entry {
  std::string name;
  std::string selector;
  core::option_values options;
  location where;
  std::vector<adapter_entry> nested;  // at most one: the names.nested_key sub-table
  std::vector<address_range> allow_from;
};

// Reads the names.nested_key sub-table of an adapter table into entry.nested.
using nested_reader = std::function<void(const toml::table& table, const std::string& path, adapter_entry& entry)>;

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string_view expected_text(core::option_type type) {
  switch (type) {
    case core::option_type::string:
      return "a string";
    case core::option_type::integer:
      return "an integer";
    case core::option_type::boolean:
      return "a boolean";
    case core::option_type::string_list:
      return "an array of strings";
    case core::option_type::string_map:
      return "a table of strings";
  }
  return "a value";
}

std::optional<core::option_value> read_option(const toml::node& value,
                                              const core::option_spec& spec,
                                              const std::string& path, checker& check) {
  switch (spec.type) {
    case core::option_type::string:
      return check.string(value, path);
    case core::option_type::integer:
      return check.integer(value, path);
    case core::option_type::boolean:
      return check.boolean(value, path);
    case core::option_type::string_list:
    case core::option_type::string_map:
      break;
  }
  const std::size_t before = check.count();
  if (spec.type == core::option_type::string_list) {
    const toml::array* items = value.as_array();
    if (items == nullptr) {
      check.error(value.source(), path,
                  "expected an array of strings, got " + std::string{type_name(value)});
      return std::nullopt;
    }
    std::vector<std::string> list;
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (auto s = check.string((*items)[i], path + "[" + std::to_string(i) + "]")) {
        list.push_back(std::move(*s));
      }
    }
    return check.count() == before ? std::optional<core::option_value>{std::move(list)}
                                   : std::nullopt;
  }
  const toml::table* entries = value.as_table();
  if (entries == nullptr) {
    check.error(value.source(), path,
                "expected a table of strings, got " + std::string{type_name(value)});
    return std::nullopt;
  }
  core::string_map map;
  for (auto&& [key, entry] : *entries) {
    if (auto s = check.string(entry, join_key(path, key.str()))) {
      map.emplace(std::string{key.str()}, std::move(*s));
    }
  }
  return check.count() == before ? std::optional<core::option_value>{std::move(map)} : std::nullopt;
}

// "10.0.0.0/8", "2001:db8::/32" or a single address; IPv4 is stored
// IPv4-mapped (see address_range). nullopt when it is none of those, or
// when bits beyond the prefix are set (a typo more often than not).
std::optional<address_range> parse_range(std::string_view text, std::string& problem) {
  const std::size_t slash = text.find('/');
  const std::string address{text.substr(0, slash)};
  address_range r;
  r.text = std::string{text};
  int max_bits = 128;
  int offset = 0;
  if (in_addr v4{}; inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    r.network[10] = 0xff;
    r.network[11] = 0xff;
    std::memcpy(r.network.data() + 12, &v4, 4);
    max_bits = 32;
    offset = 96;
  } else if (in6_addr v6{}; inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    std::memcpy(r.network.data(), &v6, 16);
  } else {
    problem = "`" + printable(text) + "` is not an IPv4 or IPv6 address or CIDR block "
              "(e.g. \"10.0.0.0/8\", \"2001:db8::/32\", \"127.0.0.1\")";
    return std::nullopt;
  }
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || bits < 0 ||
        bits > max_bits) {
      problem = "`" + printable(text) + "`: the prefix length must be 0 to " + std::to_string(max_bits);
      return std::nullopt;
    }
  }
  r.prefix_bits = bits + offset;
  address_range masked = r;
  for (std::size_t i = 0; i < 16; ++i) {
    const int keep = std::clamp(r.prefix_bits - static_cast<int>(i) * 8, 0, 8);
    masked.network[i] = static_cast<unsigned char>(r.network[i] & (0xff << (8 - keep)));
  }
  if (masked.network != r.network) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (max_bits == 32) {
      inet_ntop(AF_INET, masked.network.data() + 12, buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, masked.network.data(), buf, sizeof buf);
    }
    problem = "`" + printable(text) + "` has bits set beyond its /" + std::to_string(bits) + " prefix; did you mean `" +
              buf + "/" + std::to_string(bits) + "`?";
    return std::nullopt;
  }
  return r;
}

// allow_from = [...]: every entry is checked and reported at its own line.
std::vector<address_range> read_allow_list(const toml::node& node, const std::string& path, checker& check) {
  std::vector<address_range> out;
  const toml::array* items = node.as_array();
  if (items == nullptr) {
    check.error(node.source(), path, "expected an array of addresses or CIDR blocks, got " +
                                         std::string{type_name(node)});
    return out;
  }
  if (items->empty()) {
    check.error(node.source(), path, "an empty list allows no one; leave allow_from out to accept any address");
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (auto s = check.string((*items)[i], item_path)) {
      std::string problem;
      if (auto r = parse_range(*s, problem)) {
        out.push_back(std::move(*r));
      } else {
        check.error((*items)[i].source(), item_path, std::move(problem));
      }
    }
  }
  return out;
}

// The key an adapter's option_error names ("map.email"), or the deepest part
// of that path that exists, or the table itself.
toml::source_region locate(const toml::table& table, std::string_view dotted,
                           toml::source_region fallback) {
  const toml::table* current = &table;
  while (current != nullptr && !dotted.empty()) {
    const std::size_t dot = dotted.find('.');
    const std::string_view part = dotted.substr(0, dot);
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    const auto it = current->find(part);
    if (it == current->end()) {
      break;
    }
    fallback = it->first.source();
    current = it->second.as_table();
  }
  return fallback;
}

// The options of one adapter table: every key but the selector must be a
// declared option of the right type, and every required option must be there.
core::option_values read_options(const toml::table& table, const std::string& path,
                                 const section_names& names, std::string_view selector,
                                 const std::vector<core::option_spec>& specs,
                                 const toml::source_region& table_at, checker& check) {
  std::vector<std::string_view> known_keys{names.selector};
  if (!names.nested_key.empty()) {
    known_keys.push_back(names.nested_key);
  }
  if (!names.allow_key.empty()) {
    known_keys.push_back(names.allow_key);
  }
  for (const core::option_spec& spec : specs) {
    known_keys.push_back(spec.name);
  }
  const std::string context =
      " for " + std::string{names.selector_noun} + " `" + printable(selector) + "`";

  core::option_values values;
  for (auto&& [option_key, value] : table) {
    if (option_key.str() == names.selector ||
        (!names.nested_key.empty() && option_key.str() == names.nested_key) ||
        (!names.allow_key.empty() && option_key.str() == names.allow_key)) {
      continue;
    }
    const std::string option_path = join_key(path, option_key.str());
    const auto spec =
        std::find_if(specs.begin(), specs.end(),
                     [&k = option_key](const core::option_spec& s) { return s.name == k.str(); });
    if (spec == specs.end()) {
      check.unknown_key(option_key, option_path, known_keys, context);
    } else if (auto v = read_option(value, *spec, option_path, check)) {
      values.set(spec->name, std::move(*v));
    }
  }
  for (const core::option_spec& spec : specs) {
    if (spec.required && !table.contains(spec.name)) {
      check.error(table_at, path,
                  "missing required option `" + spec.name + "` (" +
                      std::string{expected_text(spec.type)} + ")");
    }
  }
  return values;
}

// Reads one adapter table; nullopt when it has errors (already reported).
template <typename Factory, typename Lookup>
std::optional<adapter_entry> read_adapter(const toml::key& key, const toml::node& node,
                                          const section_names& names,
                                          const std::vector<std::string>& known_selectors,
                                          Lookup lookup, checker& check,
                                          const nested_reader& read_nested = {}) {
  const std::string path = join_key(names.section, key.str());
  const bool name_ok = valid_name(key.str());
  if (!name_ok) {
    check.error(key.source(), path,
                "invalid " + std::string{names.noun} +
                    " name: use only lowercase letters, digits, `_` and `-`" +
                    std::string{names.name_hint});
  }
  const toml::table* table = check.table(node, path);
  if (table == nullptr) {
    return std::nullopt;
  }
  const toml::source_region table_at = table_region(key, node);
  const std::string known_text =
      known_selectors.empty()
          ? " (no " + std::string{names.selector_noun} + "s are registered)"
          : " (known " + std::string{names.selector} + "s: " + join(known_selectors) + ")";

  const toml::node* selector_node = table->get(names.selector);
  if (selector_node == nullptr) {
    check.error(table_at, path, "missing `" + std::string{names.selector} + "`" + known_text);
    return std::nullopt;
  }
  const std::string selector_path = join_key(path, names.selector);
  const auto selector = check.string(*selector_node, selector_path);
  if (!selector) {
    return std::nullopt;
  }
  const Factory* factory = lookup(*selector);
  if (factory == nullptr) {
    std::string message =
        "unknown " + std::string{names.selector_noun} + " `" + printable(*selector) + "`";
    if (auto near = suggest(*selector, known_selectors)) {
      message += "; did you mean `" + std::string{*near} + "`?";
    }
    check.error(selector_node->source(), selector_path, message + known_text);
    return std::nullopt;
  }

  adapter_entry entry{std::string{key.str()}, *selector, {}, check.where(table_at), {}, {}};
  const std::size_t before = check.count();
  entry.options = read_options(*table, path, names, *selector, factory->options(), table_at, check);
  if (read_nested) {
    read_nested(*table, path, entry);
  }
  if (const toml::node* allow = names.allow_key.empty() ? nullptr : table->get(names.allow_key)) {
    entry.allow_from = read_allow_list(*allow, join_key(path, names.allow_key), check);
  }
  if (check.count() != before) {
    return std::nullopt;  // the factory only sees well-typed, complete options
  }

  try {
    if (!check.build_adapters()) {
      return name_ok ? std::optional{entry} : std::nullopt;
    }
    auto built = factory->create(entry.name, entry.options);
    for (const core::option_error& e : built.errors) {
      check.error(locate(*table, e.key, table_at), e.key.empty() ? path : path + "." + e.key,
                  e.message);
    }
  } catch (const std::exception& e) {
    check.error(table_at, path,
                std::string{names.selector_noun} + " `" + entry.selector +
                    "` rejected the options: " + e.what());
  }
  if (!name_ok || check.count() != before) {
    return std::nullopt;
  }
  return entry;
}

template <typename Config, typename Factory, typename Lookup>
void read_section(const toml::table& section, const section_names& names,
                  const std::vector<std::string>& known_selectors, Lookup lookup, checker& check,
                  std::vector<Config>& out, const nested_reader& read_nested = {}) {
  for (auto&& [key, node] : section) {
    if (auto entry = read_adapter<Factory>(key, node, names, known_selectors, lookup, check, read_nested)) {
      Config c;
      c.name = std::move(entry->name);
      c.options = std::move(entry->options);
      c.where = std::move(entry->where);
      if constexpr (requires { c.format; }) {
        c.format = std::move(entry->selector);
        c.allow_from = std::move(entry->allow_from);
        if (!entry->nested.empty()) {
          adapter_entry& sig = entry->nested.front();
          c.signature = signature_config{std::move(sig.selector), std::move(sig.options), std::move(sig.where)};
        }
      } else {
        c.type = std::move(entry->selector);
      }
      out.push_back(std::move(c));
    }
  }
  // toml++ iterates keys in sorted order; keep the file's order instead.
  std::stable_sort(out.begin(), out.end(), [](const Config& a, const Config& b) {
    return std::pair{a.where.line, a.where.column} < std::pair{b.where.line, b.where.column};
  });
}

}  // namespace

void read_sources(const toml::table& table, const core::registry& adapters, checker& check,
                  std::vector<source_config>& out) {
  // [sources.<name>.signature]: `scheme` picks a signature factory, the rest
  // are its options, checked exactly like a source's.
  const nested_reader read_signature = [&](const toml::table& source, const std::string& path,
                                           adapter_entry& entry) {
    const auto it = source.find("signature");
    if (it == source.end()) {
      return;
    }
    const section_names names{path, "signature", "scheme", "signature scheme", ""};
    auto sig = read_adapter<core::signature_factory>(
        it->first, it->second, names, adapters.signature_schemes(),
        [&](std::string_view scheme) { return adapters.signature(scheme); }, check);
    if (sig) {
      entry.nested.push_back(std::move(*sig));
    }
  };
  read_section<source_config, core::source_factory>(
      table, source_names, adapters.source_formats(),
      [&](std::string_view format) { return adapters.source(format); }, check, out, read_signature);
}

void read_connectors(const toml::table& table, const core::registry& adapters, checker& check,
                     std::vector<connector_config>& out) {
  read_section<connector_config, core::crm_factory>(
      table, connector_names, adapters.crm_types(),
      [&](std::string_view type) { return adapters.crm(type); }, check, out);
}

}  // namespace leadsync::config::detail
