#pragma once

// Internal to leadsync_config: reading one lead definition (the body of
// [lead_definition], or the top level of a standalone definition file) into
// core::definition::lead_definition_model. definition_reader.cpp reads the
// whole, the stages, recycling and the SLA; definition_parts.cpp the scoring,
// fit and junk tables; definition_section.cpp holds the entry points.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "config/checker.hpp"
#include "core/definition/model.hpp"
#include "core/expression/expression.hpp"
#include "core/junk/rules.hpp"

namespace leadsync::config::detail {

class definition_reader {
 public:
  // `root` prefixes every key path ("lead_definition", or "" in a standalone
  // file); `dir` is where relative paths written in the file start; `at` is
  // where errors about the definition as a whole (no stages) are reported.
  definition_reader(checker& check, std::string root, std::filesystem::path dir, location at);

  // Reads every key of `table` (the definition body) and checks the
  // references between its parts. Errors go to the checker.
  void read(const toml::table& table);

  // The definition read, when the checker saw no error since construction.
  // `file` is where the definition was read from.
  std::optional<definition_config> finish(const std::filesystem::path& file);

  // The keys of a definition body, in the order the docs list them.
  static constexpr std::string_view keys[] = {"max_activities", "stages",    "scoring", "fit",
                                              "junk",           "recycling", "sla"};

 private:
  // Where a value was written, and its key path.
  struct located {
    toml::source_region region;
    std::string path;
  };
  // A stage name written somewhere other than [[stages]]: checked once every
  // stage is known.
  struct stage_reference {
    located at;
    std::string name;
  };
  // A name seen at a line: duplicates name where the first one was.
  struct seen_name {
    std::string name;
    int line;
  };

  void read_stages(const toml::node& node, const std::string& path);
  void read_stage(const toml::table& table, const std::string& path);
  void read_stage_rules(const toml::node& node, const std::string& path,
                        core::definition::stage& stage);
  void read_scoring(const toml::table& table, const std::string& path);
  void read_fit(const toml::table& table, const std::string& path);
  void read_grades(const toml::table& table, const std::string& path);
  void read_junk(const toml::table& table, const std::string& path);
  void read_recycling(const toml::table& table, const std::string& path);
  void read_sla(const toml::table& table, const std::string& path);
  void check_references();
  // Reads the disposable-domain list named, if any, and when nothing has
  // been reported since construction builds model_.junk: whether it did.
  bool build_junk();

  // Calls `read(table, path)` for every table of the array of tables at `node`.
  void each_table(const toml::node& node, const std::string& path,
                  const std::function<void(const toml::table&, const std::string&)>& read);

  // The compiled `when` expression, or nullopt after reporting each of its
  // problems at its column within the TOML string.
  std::optional<core::expr::expression> compile_when(const toml::node& node,
                                                     const std::string& path,
                                                     const core::expr::vocabulary& vocab);

  // A rule's `name`: a non-empty string not seen before in `seen`.
  std::optional<std::string> unique_name(const toml::node& node, const std::string& path,
                                         std::string_view noun, std::vector<seen_name>& seen);

  // "missing required key `when` (a string)" at the table.
  void missing(const toml::table& table, const std::string& path, std::string_view key,
               std::string_view what);

  // A list of strings; `entries` receives where each string kept was written.
  std::optional<std::vector<std::string>> string_list(const toml::node& node,
                                                      const std::string& path,
                                                      std::vector<located>& entries);

  // The key path of a key of the body ("lead_definition.junk.blocked_domains").
  std::string path(std::string_view key, std::string_view sub = {}) const {
    return sub.empty() ? join_key(root_, key) : join_key(join_key(root_, key), sub);
  }

  checker& check_;
  std::string root_;
  std::filesystem::path dir_;
  location at_;
  std::size_t errors_before_;

  core::definition::lead_definition_model model_;
  bool stages_given_ = false;
  std::vector<seen_name> stage_names_;  // every stage name written, valid or not
  std::vector<stage_reference> references_;
  std::pair<location, std::string> notify_at_;  // where sla.notify_connector was written, and its key
  const toml::node* recycling_table_ = nullptr;
  bool recycling_stage_given_ = false;
  bool grades_given_ = false;
  std::vector<seen_name> score_rule_names_;
  std::vector<seen_name> fit_rule_names_;

  core::junk::rules_config junk_;
  const toml::node* disposable_node_ = nullptr;  // where disposable_domains_file was written
  // Where each junk list entry was written, by option, in list order: the
  // locations of junk::validate()'s problems.
  std::vector<std::pair<std::string_view, std::vector<located>>> junk_entries_;
  location junk_at_;
};

// Where errors about a table as a whole go: its [header], or for a table
// only implied by its sub-tables, its first key.
location table_location(const checker& check, const toml::table& table);

// Durations as the model keeps them: at least 1 ms, rounded to the nearest.
std::chrono::milliseconds days_to_ms(double days);
std::chrono::milliseconds hours_to_ms(double hours);

// Longest durations accepted: 100 years.
inline constexpr double max_days = 36500;
inline constexpr double max_hours = max_days * 24;

}  // namespace leadsync::config::detail
