// The reader of one lead definition (definition_reader.hpp): the whole, the
// stages, recycling and the SLA, and the helpers the other tables share.
// Stage names may be referred to before [[stages]] is read (keys come in
// table order), so references are collected and checked at the end.
#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "config/definition_reader.hpp"
#include "core/definition/vocabulary.hpp"

namespace leadsync::config::detail {

namespace {

namespace def = core::definition;

constexpr std::string_view default_recycling_stage = "nurture";

bool valid_stage_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

std::chrono::milliseconds days_to_ms(double days) {
  return hours_to_ms(days * 24);
}

std::chrono::milliseconds hours_to_ms(double hours) {
  // Callers bound hours to max_hours, so the product fits comfortably.
  const long long ms = std::llround(hours * 3'600'000.0);
  return std::chrono::milliseconds{std::max(ms, 1LL)};
}

definition_reader::definition_reader(checker& check, std::string root, std::filesystem::path dir,
                                     location at)
    : check_(check),
      root_(std::move(root)),
      dir_(std::move(dir)),
      at_(std::move(at)),
      errors_before_(check.count()) {}

void definition_reader::each_table(
    const toml::node& node, const std::string& path,
    const std::function<void(const toml::table&, const std::string&)>& read) {
  const toml::array* items = node.as_array();
  if (items == nullptr) {
    check_.error(node.source(), path,
                 "expected an array of tables, got " + std::string{type_name(node)});
    return;
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (const toml::table* table = check_.table((*items)[i], item_path)) {
      read(*table, item_path);
    }
  }
}

void definition_reader::read(const toml::table& table) {
  const auto section = [this](void (definition_reader::*read)(const toml::table&,
                                                             const std::string&)) {
    return [this, read](const toml::node& value, const std::string& path) {
      if (const toml::table* t = check_.table(value, path)) {
        (this->*read)(*t, path);
      }
    };
  };
  const field fields[] = {
      {"max_activities",
       [this](const toml::node& v, const std::string& path) {
         if (auto n = check_.integer(v, path, 10, 100'000)) {
           model_.max_activities = static_cast<std::size_t>(*n);
         }
       }},
      {"stages", [this](const toml::node& v, const std::string& path) { read_stages(v, path); }},
      {"scoring", section(&definition_reader::read_scoring)},
      {"fit", section(&definition_reader::read_fit)},
      {"junk", section(&definition_reader::read_junk)},
      {"recycling",
       [this, read = section(&definition_reader::read_recycling)](const toml::node& v,
                                                                  const std::string& path) {
         recycling_table_ = &v;
         read(v, path);
       }},
      {"sla", section(&definition_reader::read_sla)},
  };
  read_fields(table, root_, fields, check_);

  if (!stages_given_) {
    check_.error(at_, path("stages"), "missing required key `stages` (at least one stage)");
  }
  if (!grades_given_) {
    model_.fit_model.grades = {{"A", 40}, {"B", 25}, {"C", 10}, {"D", 0}};
  }
  check_references();
}

void definition_reader::read_stages(const toml::node& node, const std::string& path) {
  stages_given_ = true;
  if (const toml::array* items = node.as_array(); items != nullptr && items->empty()) {
    check_.error(node.source(), path, "expected at least one stage, got an empty array");
    return;
  }
  each_table(node, path,
             [this](const toml::table& table, const std::string& p) { read_stage(table, p); });
}

void definition_reader::read_stage(const toml::table& table, const std::string& path) {
  def::stage stage;
  const toml::node* rules = nullptr;
  std::string rules_path;
  const field fields[] = {
      {"name",
       [&](const toml::node& v, const std::string& p) {
         auto name = check_.string(v, p);
         if (!name) {
           return;
         }
         const auto first = std::find_if(stage_names_.begin(), stage_names_.end(),
                                         [&](const seen_name& s) { return s.name == *name; });
         if (!valid_stage_name(*name)) {
           check_.error(v.source(), p,
                        "invalid stage name `" + printable(*name) +
                            "`: use only lowercase letters, digits, `_` and `-`");
         } else if (first != stage_names_.end()) {
           check_.error(v.source(), p,
                        "duplicate stage name `" + *name + "` (first defined at line " +
                            std::to_string(first->line) + ")");
         }
         if (first == stage_names_.end()) {
           stage_names_.push_back({*name, check_.where(v.source()).line});
         }
         stage.name = std::move(*name);
       }},
      {"owner",
       [&](const toml::node& v, const std::string& p) {
         auto owner = check_.string(v, p);
         if (!owner) {
           return;
         }
         if (*owner == "marketing" || *owner == "sales") {
           stage.who = *owner == "sales" ? def::owner::sales : def::owner::marketing;
           return;
         }
         constexpr std::string_view owners[] = {"marketing", "sales"};
         std::string message = "unknown owner `" + printable(*owner) + "`";
         if (auto near = suggest(*owner, owners)) {
           message += "; did you mean `" + std::string{*near} + "`?";
         } else {
           message += " (known owners: marketing, sales)";
         }
         check_.error(v.source(), p, std::move(message));
       }},
      {"description",
       [&](const toml::node& v, const std::string& p) {
         if (auto s = check_.string(v, p)) {
           stage.description = std::move(*s);
         }
       }},
      {"handoff",
       [&](const toml::node& v, const std::string& p) {
         if (auto b = check_.boolean(v, p)) {
           stage.handoff = *b;
         }
       }},
      {"rules",
       [&](const toml::node& v, const std::string& p) {
         rules = &v;  // read once the name is known: it names the default rule names
         rules_path = p;
       }},
  };
  read_fields(table, path, fields, check_);
  if (!table.contains("name")) {
    missing(table, path, "name", "a string");
  }
  if (rules != nullptr) {
    read_stage_rules(*rules, rules_path, stage);
  }
  model_.stages.push_back(std::move(stage));
}

void definition_reader::read_stage_rules(const toml::node& node, const std::string& path,
                                         def::stage& stage) {
  std::vector<seen_name> seen;
  std::size_t index = 0;
  each_table(node, path, [&](const toml::table& table, const std::string& rule_path) {
    std::optional<std::string> name;
    std::optional<core::expr::expression> when;
    std::string track;
    const field fields[] = {
        {"name",
         [&](const toml::node& v, const std::string& p) {
           name = unique_name(v, p, "rule", seen);
         }},
        {"when",
         [&](const toml::node& v, const std::string& p) {
           when = compile_when(v, p, def::lead_vocabulary());
         }},
        {"track",
         [&](const toml::node& v, const std::string& p) {
           if (auto s = check_.string(v, p)) {
             track = std::move(*s);
           }
         }},
    };
    read_fields(table, rule_path, fields, check_);
    if (!table.contains("when")) {
      missing(table, rule_path, "when", "an expression over the lead");
    }
    if (!table.contains("name")) {
      name = stage.name + "." + std::to_string(index);
    }
    ++index;
    if (name && when) {
      stage.rules.push_back(def::stage_rule{std::move(*name), std::move(*when), std::move(track)});
    }
  });
}

void definition_reader::read_recycling(const toml::table& table, const std::string& path) {
  const field fields[] = {
      {"stage",
       [&](const toml::node& v, const std::string& p) {
         recycling_stage_given_ = true;
         if (auto s = check_.string(v, p)) {
           model_.recycle.stage = *s;
           references_.push_back({{v.source(), p}, std::move(*s)});
         }
       }},
      {"inactivity_days",
       [&](const toml::node& v, const std::string& p) {
         if (auto days = check_.positive_number(v, p, max_days)) {
           model_.recycle.inactivity = days_to_ms(*days);
         }
       }},
      {"inactivity_stages",
       [&](const toml::node& v, const std::string& p) {
         std::vector<located> entries;
         auto names = string_list(v, p, entries);
         if (!names) {
           return;
         }
         for (std::size_t i = 0; i < names->size(); ++i) {
           references_.push_back({entries[i], (*names)[i]});
         }
         model_.recycle.inactivity_stages = std::move(*names);
       }},
      {"reset_score",
       [&](const toml::node& v, const std::string& p) {
         if (auto b = check_.boolean(v, p)) {
           model_.recycle.reset_score = *b;
         }
       }},
  };
  read_fields(table, path, fields, check_);
}

void definition_reader::read_sla(const toml::table& table, const std::string& path) {
  const field fields[] = {
      {"handoff_hours",
       [&](const toml::node& v, const std::string& p) {
         if (auto hours = check_.positive_number(v, p, max_hours)) {
           model_.handoff_sla.within = hours_to_ms(*hours);
         }
       }},
      {"breach_stage",
       [&](const toml::node& v, const std::string& p) {
         if (auto s = check_.string(v, p)) {
           model_.handoff_sla.breach_stage = *s;
           references_.push_back({{v.source(), p}, std::move(*s)});
         }
       }},
      {"notify_connector",
       [&](const toml::node& v, const std::string& p) {
         if (auto s = check_.string(v, p)) {
           model_.handoff_sla.notify_connector = *s;
           notify_at_ = {check_.where(v.source()), p};
         }
       }},
  };
  read_fields(table, path, fields, check_);
}

void definition_reader::check_references() {
  if (stage_names_.empty()) {
    return;  // no stages (already an error): every reference would be one too
  }
  std::vector<std::string> names;
  for (const seen_name& s : stage_names_) {
    names.push_back(s.name);
  }
  const auto known = [&](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const stage_reference& ref : references_) {
    if (known(ref.name)) {
      continue;
    }
    std::string message = "unknown stage `" + printable(ref.name) + "`";
    if (auto near = suggest(ref.name, names)) {
      message += "; did you mean `" + std::string{*near} + "`?";
    } else {
      message += " (stages: " + join(names) + ")";
    }
    check_.error(ref.at.region, ref.at.path, std::move(message));
  }
  if (!recycling_stage_given_ && !known(default_recycling_stage)) {
    const location where = recycling_table_ != nullptr && recycling_table_->source().begin.line != 0
                               ? check_.where(recycling_table_->source())
                               : at_;
    check_.error(where, path("recycling", "stage"),
                 "no stage is named `nurture`, the default recycling stage: add one or set "
                 "recycling.stage");
  }
}

std::optional<core::expr::expression> definition_reader::compile_when(
    const toml::node& node, const std::string& path, const core::expr::vocabulary& vocab) {
  auto text = check_.string(node, path);
  if (!text) {
    return std::nullopt;
  }
  core::expr::compile_result compiled = core::expr::compile(*text, vocab);
  if (compiled) {
    return std::move(compiled).value();
  }
  // toml++ keeps no quoting style, but a string on one line whose width is its
  // length plus two quotes is a plain '...' or "..." without escapes: there
  // the expression's columns map onto the file's. Elsewhere (escapes,
  // multi-line strings) the error is at the value, with the column in the text.
  const toml::source_region& at = node.source();
  const bool plain = at.begin.line == at.end.line && at.end.column > at.begin.column &&
                     at.end.column - at.begin.column == code_points(*text) + 2;
  for (const core::expr::diagnostic& d : compiled.error()) {
    if (plain && d.column > 0) {
      location where = check_.where(at);
      where.column += static_cast<int>(d.column);
      check_.error(std::move(where), path, d.message);
    } else {
      check_.error(at, path, d.to_string());
    }
  }
  return std::nullopt;
}

std::optional<std::string> definition_reader::unique_name(const toml::node& node,
                                                          const std::string& path,
                                                          std::string_view noun,
                                                          std::vector<seen_name>& seen) {
  auto name = check_.string(node, path);
  if (!name) {
    return std::nullopt;
  }
  if (name->empty()) {
    check_.error(node.source(), path, "expected a non-empty name, got an empty string");
    return std::nullopt;
  }
  const auto first = std::find_if(seen.begin(), seen.end(),
                                  [&](const seen_name& s) { return s.name == *name; });
  if (first != seen.end()) {
    check_.error(node.source(), path,
                 "duplicate " + std::string{noun} + " name `" + printable(*name) +
                     "` (first defined at line " + std::to_string(first->line) + ")");
    return std::nullopt;
  }
  seen.push_back({*name, check_.where(node.source()).line});
  return name;
}

void definition_reader::missing(const toml::table& table, const std::string& path,
                                std::string_view key, std::string_view what) {
  check_.error(table_location(check_, table), path,
               "missing required key `" + std::string{key} + "` (" + std::string{what} + ")");
}

std::optional<std::vector<std::string>> definition_reader::string_list(
    const toml::node& node, const std::string& path, std::vector<located>& entries) {
  const toml::array* items = node.as_array();
  if (items == nullptr) {
    check_.error(node.source(), path,
                 "expected an array of strings, got " + std::string{type_name(node)});
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (auto s = check_.string((*items)[i], item_path)) {
      out.push_back(std::move(*s));
      entries.push_back({(*items)[i].source(), std::move(item_path)});
    }
  }
  return out;
}

std::optional<definition_config> definition_reader::finish(const std::filesystem::path& file) {
  if (!build_junk()) {
    return std::nullopt;
  }
  definition_config out;
  out.model = std::make_shared<const def::lead_definition_model>(std::move(model_));
  out.file = file;
  out.disposable_default = disposable_node_ == nullptr;
  out.junk = std::move(junk_);
  out.notify_connector_at = notify_at_.first;
  out.notify_connector_key = notify_at_.second;
  return out;
}

}  // namespace leadsync::config::detail
