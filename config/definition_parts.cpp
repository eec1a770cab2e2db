// The scoring, fit and junk tables of a lead definition (see
// definition_section.cpp for the whole). Junk lists are checked by
// core::junk::validate(), the one authority on what an entry may be; this
// file only points its problems back at the entries as written.
#include <algorithm>
#include <chrono>
#include <utility>

#include "config/definition_reader.hpp"
#include "core/definition/vocabulary.hpp"
#include "core/junk/domain_file.hpp"

namespace leadsync::config::detail {

namespace {

namespace def = core::definition;

}  // namespace

void definition_reader::read_scoring(const toml::table& table, const std::string& path) {
  const auto read_rule = [this](const toml::table& rule, const std::string& rule_path) {
    std::optional<std::string> name;
    std::optional<core::expr::expression> when;
    std::optional<double> points;
    std::optional<double> cap;
    std::optional<std::chrono::milliseconds> window;
    std::optional<double> window_cap;
    const field fields[] = {
        {"name",
         [&](const toml::node& v, const std::string& p) {
           name = unique_name(v, p, "scoring rule", score_rule_names_);
         }},
        {"when",
         [&](const toml::node& v, const std::string& p) {
           when = compile_when(v, p, def::event_vocabulary());
         }},
        {"points", [&](const toml::node& v, const std::string& p) { points = check_.number(v, p); }},
        {"cap",
         [&](const toml::node& v, const std::string& p) { cap = check_.positive_number(v, p); }},
        {"window_days",
         [&](const toml::node& v, const std::string& p) {
           if (auto days = check_.positive_number(v, p, max_days)) {
             window = days_to_ms(*days);
           }
           if (!rule.contains("window_cap")) {
             check_.error(v.source(), p,
                          "needs `window_cap` (the most points the rule adds within the window)");
           }
         }},
        {"window_cap",
         [&](const toml::node& v, const std::string& p) {
           window_cap = check_.positive_number(v, p);
           if (!rule.contains("window_days")) {
             check_.error(v.source(), p, "needs `window_days` (the window the cap applies to)");
           }
         }},
    };
    read_fields(rule, rule_path, fields, check_);
    if (!rule.contains("name")) {
      missing(rule, rule_path, "name", "a string");
    }
    if (!rule.contains("when")) {
      missing(rule, rule_path, "when", "an expression over the event");
    }
    if (!rule.contains("points")) {
      missing(rule, rule_path, "points", "a number");
    }
    if (name && when && points) {
      model_.score.rules.push_back(
          def::score_rule{std::move(*name), std::move(*when), *points, cap, window, window_cap});
    }
  };
  const field fields[] = {
      {"half_life_days",
       [&](const toml::node& v, const std::string& p) {
         if (auto days = check_.positive_number(v, p, max_days)) {
           model_.score.half_life = days_to_ms(*days);
         }
       }},
      {"rules", [&](const toml::node& v, const std::string& p) { each_table(v, p, read_rule); }},
  };
  read_fields(table, path, fields, check_);
}

void definition_reader::read_fit(const toml::table& table, const std::string& path) {
  const auto read_rule = [this](const toml::table& rule, const std::string& rule_path) {
    std::optional<std::string> name;
    std::optional<core::expr::expression> when;
    std::optional<double> points;
    const field fields[] = {
        {"name",
         [&](const toml::node& v, const std::string& p) {
           name = unique_name(v, p, "fit rule", fit_rule_names_);
         }},
        {"when",
         [&](const toml::node& v, const std::string& p) {
           when = compile_when(v, p, def::person_vocabulary());
         }},
        {"points", [&](const toml::node& v, const std::string& p) { points = check_.number(v, p); }},
    };
    read_fields(rule, rule_path, fields, check_);
    if (!rule.contains("name")) {
      missing(rule, rule_path, "name", "a string");
    }
    if (!rule.contains("when")) {
      missing(rule, rule_path, "when", "an expression over the person");
    }
    if (!rule.contains("points")) {
      missing(rule, rule_path, "points", "a number");
    }
    if (name && when && points) {
      model_.fit_model.rules.push_back(def::fit_rule{std::move(*name), std::move(*when), *points});
    }
  };
  const field fields[] = {
      {"rules", [&](const toml::node& v, const std::string& p) { each_table(v, p, read_rule); }},
      {"grades",
       [&](const toml::node& v, const std::string& p) {
         grades_given_ = true;
         if (const toml::table* grades = check_.table(v, p)) {
           read_grades(*grades, p);
         }
       }},
  };
  read_fields(table, path, fields, check_);
}

void definition_reader::read_grades(const toml::table& table, const std::string& path) {
  if (table.empty()) {
    check_.error(table_location(check_, table), path,
                 "expected at least one grade (name = minimum fit points), got an empty table");
    return;
  }
  struct written {
    def::grade grade;
    located at;
  };
  std::vector<written> grades;
  for (auto&& [key, value] : table) {
    const std::string grade_path = join_key(path, key.str());
    if (key.str().empty()) {
      check_.error(key.source(), grade_path, "a grade needs a name");
      continue;
    }
    if (auto min = check_.number(value, grade_path)) {
      grades.push_back({{std::string{key.str()}, *min}, {key.source(), grade_path}});
    }
  }
  // Highest threshold first, as the model wants; equal thresholds would
  // leave one grade unreachable.
  std::stable_sort(grades.begin(), grades.end(), [](const written& a, const written& b) {
    return a.grade.min_fit > b.grade.min_fit;
  });
  for (std::size_t i = 1; i < grades.size(); ++i) {
    if (grades[i].grade.min_fit == grades[i - 1].grade.min_fit) {
      check_.error(grades[i].at.region, grades[i].at.path,
                   "grade `" + printable(grades[i].grade.name) + "` has the same minimum (" +
                       number_text(grades[i].grade.min_fit) + ") as grade `" +
                       printable(grades[i - 1].grade.name) + "`: one of them is never given");
    }
  }
  model_.fit_model.grades.clear();
  for (written& w : grades) {
    model_.fit_model.grades.push_back(std::move(w.grade));
  }
}

void definition_reader::read_junk(const toml::table& table, const std::string& path) {
  junk_at_ = table_location(check_, table);
  const auto list = [this](std::string_view option, std::vector<std::string>& target) {
    return [this, option, &target](const toml::node& v, const std::string& p) {
      std::vector<located> entries;
      if (auto items = string_list(v, p, entries)) {
        target = std::move(*items);  // a list given replaces the default
        junk_entries_.emplace_back(option, std::move(entries));
      }
    };
  };
  const field fields[] = {
      {"disabled_checks", list("disabled_checks", junk_.disabled_checks)},
      {"disposable_domains_file",
       [&](const toml::node& v, const std::string& p) {
         auto file = check_.string(v, p);
         if (file && file->empty()) {
           check_.error(v.source(), p, "expected a non-empty path, got an empty string");
         } else if (file) {
           junk_.disposable_domains_file = (dir_ / *file).string();
           disposable_node_ = &v;
         }
       }},
      {"extra_disposable_domains", list("extra_disposable_domains", junk_.extra_disposable_domains)},
      {"allowed_domains", list("allowed_domains", junk_.allowed_domains)},
      {"blocked_domains", list("blocked_domains", junk_.blocked_domains)},
      {"competitor_domains", list("competitor_domains", junk_.competitor_domains)},
      {"role_accounts", list("role_accounts", junk_.role_accounts)},
      {"placeholder_names", list("placeholder_names", junk_.placeholder_names)},
      {"purchased_list_sources", list("purchased_list_sources", junk_.purchased_list_sources)},
      {"purchased_list_attributes",
       [&](const toml::node& v, const std::string& p) {
         const toml::table* attributes = check_.table(v, p);
         if (attributes == nullptr) {
           return;
         }
         std::vector<core::junk::attribute_match> matches;
         std::vector<located> entries;
         for (auto&& [key, value] : *attributes) {
           std::string entry_path = join_key(p, key.str());
           if (auto s = check_.string(value, entry_path)) {
             matches.push_back({std::string{key.str()}, std::move(*s)});
             entries.push_back({key.source(), std::move(entry_path)});
           }
         }
         junk_.purchased_list_attributes = std::move(matches);
         junk_entries_.emplace_back("purchased_list_attributes", std::move(entries));
       }},
  };
  read_fields(table, path, fields, check_);

  for (const core::junk::rules_problem& problem : core::junk::validate(junk_)) {
    const auto option = std::find_if(junk_entries_.begin(), junk_entries_.end(),
                                     [&](const auto& e) { return e.first == problem.option; });
    if (option != junk_entries_.end() && problem.index < option->second.size()) {
      const located& at = option->second[problem.index];
      check_.error(at.region, at.path, problem.message);
    } else {
      // A default entry: cannot happen unless the defaults are broken.
      check_.error(junk_at_, join_key(path, problem.option), problem.message);
    }
  }
}

bool definition_reader::build_junk() {
  core::junk::domain_set disposable;
  if (disposable_node_ != nullptr) {
    auto loaded = core::junk::load_domain_file(junk_.disposable_domains_file);
    if (loaded) {
      disposable = std::move(loaded).value();
    } else {
      const core::error& failure = loaded.failure();
      check_.error(disposable_node_->source(), path("junk", "disposable_domains_file"),
                   (failure.code == "unreadable_domain_list" ? "cannot read the domain list: "
                                                             : "invalid domain list: ") +
                       failure.message);
    }
  }
  if (check_.count() != errors_before_) {
    return false;
  }
  auto rules = core::junk::rules::build(junk_, std::move(disposable));
  if (!rules) {
    check_.error(junk_at_, path("junk"), rules.failure().message);  // validate() said yes: a bug
    return false;
  }
  model_.junk = std::move(rules).value();
  return true;
}

}  // namespace leadsync::config::detail
