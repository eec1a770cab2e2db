// [lead_definition]: the definition read into the compiled model, its
// defaults, standalone definition files and every class of error.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/junk/rules.hpp"
#include "tests/unit/config/test_registry.hpp"

namespace leadsync::config {
namespace {

using testing::load;
using testing::messages;
using lines = std::vector<std::string>;
using std::chrono::hours;
using std::chrono::milliseconds;
namespace fs = std::filesystem;
namespace def = core::definition;

const std::string source_dir = LEADSYNC_SOURCE_DIR;

constexpr std::string_view minimal = "[lead_definition]\n[[lead_definition.stages]]\nname = \"nurture\"\n";

std::vector<std::string> messages(const definition_load_result& r) {
  std::vector<std::string> out;
  for (const diagnostic& d : r.errors) {
    out.push_back(format(d));
  }
  return out;
}

// A directory of its own per test, removed afterwards.
class DefinitionFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "leadsync-definition-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string write(const std::string& name, std::string_view text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream{path} << text;
    return path.string();
  }
  fs::path dir_;
};

TEST(ConfigDefinition, NoTableMeansTheBuiltInDefault) {
  const load_result r = load("[server]\nlisten_port = 0\n");
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->definition.model, nullptr);
  EXPECT_TRUE(r.value->definition.file.empty());
}

TEST(ConfigDefinition, DisposableListIsReadAtLoad) {
  EXPECT_EQ(messages(load(std::string{minimal} +
                          "[lead_definition.junk]\ndisposable_domains_file = \"lists/none.txt\"\n")),
            (lines{"t.toml:5:27: lead_definition.junk.disposable_domains_file: cannot read the "
                   "domain list: lists/none.txt: No such file or directory"}));
}

TEST_F(DefinitionFiles, ReadsAFullDefinitionIntoTheModel) {
  write("lists/disposable.txt", "# test list\nmailinator.com\ntempmail.example\n");
  const std::string config_file = write("leadsync.toml", R"([lead_definition]
max_activities = 500

[[lead_definition.stages]]
name = "identified"

[[lead_definition.stages]]
name = "mql"
owner = "marketing"
description = "Marketing qualified"
handoff = true
  [[lead_definition.stages.rules]]
  name = "score and fit"
  when = 'score >= 50 && grade in ["A", "B"] and not junk'
  track = "marketing"
  [[lead_definition.stages.rules]]
  when = 'count("demo_request", 14d) >= 1'

[[lead_definition.stages]]
name = "sal"
owner = "sales"

[[lead_definition.stages]]
name = "back-to-marketing"

[lead_definition.scoring]
half_life_days = 30
  [[lead_definition.scoring.rules]]
  name = "demo request"
  when = 'kind == "demo_request"'
  points = 40
  cap = 80
  window_days = 0.5
  window_cap = 40.5
  [[lead_definition.scoring.rules]]
  name = "careers"
  when = 'contains(attributes.page, "/careers")'
  points = -2.5

[lead_definition.fit]
  [[lead_definition.fit.rules]]
  name = "ICP industry"
  when = 'starts_with(lead.naics, ["5112", "5415"])'
  points = 20
  [lead_definition.fit.grades]
  B = 20
  A = 40.5
  C = -5

[lead_definition.junk]
disabled_checks = ["role_account", "keyboard_mash"]
disposable_domains_file = "lists/disposable.txt"
extra_disposable_domains = ["burner.example"]
allowed_domains = ["mailinator.com"]
blocked_domains = ["blocked.example"]
competitor_domains = ["rival.example"]
role_accounts = ["sales"]
placeholder_names = ["donald duck"]
purchased_list_sources = ["zoominfo-import"]
purchased_list_attributes = { origin = "bought" }

[lead_definition.recycling]
stage = "back-to-marketing"
inactivity_days = 90
inactivity_stages = ["mql", "sal"]
reset_score = false

[lead_definition.sla]
handoff_hours = 24
breach_stage = "back-to-marketing"
)");
  const load_result r = load_file(config_file, testing::shared_registry());
  ASSERT_TRUE(r.value) << messages(r).front();
  const definition_config& d = r.value->definition;
  EXPECT_EQ(d.file, config_file);
  ASSERT_NE(d.model, nullptr);
  const def::lead_definition_model& m = *d.model;
  EXPECT_EQ(m.max_activities, 500U);

  ASSERT_EQ(m.stages.size(), 4U);
  EXPECT_EQ(m.stages[0].name, "identified");
  EXPECT_EQ(m.stages[0].who, def::owner::marketing);
  EXPECT_FALSE(m.stages[0].handoff);
  EXPECT_TRUE(m.stages[0].rules.empty());
  const def::stage& mql = m.stages[1];
  EXPECT_EQ(mql.name, "mql");
  EXPECT_EQ(mql.description, "Marketing qualified");
  EXPECT_TRUE(mql.handoff);
  ASSERT_EQ(mql.rules.size(), 2U);
  EXPECT_EQ(mql.rules[0].name, "score and fit");
  EXPECT_EQ(mql.rules[0].track, "marketing");
  EXPECT_EQ(mql.rules[0].when.to_string(), "score >= 50 && grade in [\"A\", \"B\"] && !junk");
  EXPECT_EQ(mql.rules[1].name, "mql.1");
  EXPECT_EQ(mql.rules[1].track, "");
  EXPECT_EQ(m.stages[2].who, def::owner::sales);
  EXPECT_EQ(m.index_of("back-to-marketing"), 3U);

  EXPECT_EQ(m.score.half_life, milliseconds{30LL * 24 * 3600 * 1000});
  ASSERT_EQ(m.score.rules.size(), 2U);
  const def::score_rule& demo = m.score.rules[0];
  EXPECT_EQ(demo.name, "demo request");
  EXPECT_EQ(demo.when.to_string(), "kind == \"demo_request\"");
  EXPECT_EQ(demo.points, 40);
  EXPECT_EQ(demo.cap, 80);
  EXPECT_EQ(demo.window, milliseconds{hours{12}});
  EXPECT_EQ(demo.window_cap, 40.5);
  const def::score_rule& careers = m.score.rules[1];
  EXPECT_EQ(careers.points, -2.5);
  EXPECT_FALSE(careers.cap);
  EXPECT_FALSE(careers.window);
  EXPECT_FALSE(careers.window_cap);

  ASSERT_EQ(m.fit_model.rules.size(), 1U);
  EXPECT_EQ(m.fit_model.rules[0].name, "ICP industry");
  EXPECT_EQ(m.fit_model.rules[0].points, 20);
  EXPECT_EQ(m.fit_model.rules[0].when.to_string(), "starts_with(lead.naics, [\"5112\", \"5415\"])");
  ASSERT_EQ(m.fit_model.grades.size(), 3U);  // highest first
  EXPECT_EQ(m.fit_model.grades[0].name, "A");
  EXPECT_EQ(m.fit_model.grades[0].min_fit, 40.5);
  EXPECT_EQ(m.fit_model.grades[1].name, "B");
  EXPECT_EQ(m.fit_model.grades[2].name, "C");
  EXPECT_EQ(m.fit_model.grades[2].min_fit, -5);

  EXPECT_FALSE(d.disposable_default);
  EXPECT_EQ(d.junk.disposable_domains_file, (dir_ / "lists/disposable.txt").string());
  EXPECT_EQ(d.junk.role_accounts, std::vector<std::string>{"sales"});
  ASSERT_EQ(d.junk.purchased_list_attributes.size(), 1U);
  EXPECT_EQ(d.junk.purchased_list_attributes[0].key, "origin");
  EXPECT_FALSE(m.junk.enabled(core::junk::codes::role_account));
  EXPECT_FALSE(m.junk.enabled(core::junk::codes::keyboard_mash));
  EXPECT_TRUE(m.junk.enabled(core::junk::codes::competitor));
  EXPECT_EQ(m.junk.disposable_count(), 2U);
  EXPECT_TRUE(m.junk.disposable_match("x.tempmail.example"));
  EXPECT_FALSE(m.junk.disposable_match("mailinator.com"));  // allowed
  EXPECT_TRUE(m.junk.disposable_match("burner.example"));
  EXPECT_TRUE(m.junk.blocked_match("blocked.example"));
  EXPECT_TRUE(m.junk.competitor_match("eu.rival.example"));
  EXPECT_TRUE(m.junk.is_role_account("sales"));
  EXPECT_FALSE(m.junk.is_role_account("info"));  // the list replaced the defaults
  EXPECT_TRUE(m.junk.is_purchased_source("ZoomInfo-Import"));
  EXPECT_NE(m.junk.purchased_attribute({{"origin", "Bought"}}), nullptr);
  EXPECT_EQ(m.junk.purchased_attribute({{"list_source", "purchased"}}), nullptr);

  EXPECT_EQ(m.recycle.stage, "back-to-marketing");
  EXPECT_EQ(m.recycle.inactivity, milliseconds{90LL * 24 * 3600 * 1000});
  EXPECT_EQ(m.recycle.inactivity_stages, (std::vector<std::string>{"mql", "sal"}));
  EXPECT_FALSE(m.recycle.reset_score);
  EXPECT_EQ(m.handoff_sla.within, milliseconds{hours{24}});
  EXPECT_EQ(m.handoff_sla.breach_stage, "back-to-marketing");
}

TEST(ConfigDefinition, Defaults) {
  const load_result r = load(minimal);
  ASSERT_TRUE(r.value) << messages(r).front();
  const definition_config& d = r.value->definition;
  EXPECT_EQ(d.file, "t.toml");
  EXPECT_TRUE(d.disposable_default);
  EXPECT_TRUE(d.junk.disposable_domains_file.empty());
  EXPECT_EQ(d.junk.role_accounts, core::junk::default_role_accounts());
  ASSERT_NE(d.model, nullptr);
  const def::lead_definition_model& m = *d.model;
  EXPECT_EQ(m.max_activities, 1000U);
  ASSERT_EQ(m.stages.size(), 1U);
  EXPECT_EQ(m.stages[0].who, def::owner::marketing);
  EXPECT_EQ(m.stages[0].description, "");
  EXPECT_FALSE(m.stages[0].handoff);
  EXPECT_TRUE(m.score.rules.empty());
  EXPECT_FALSE(m.score.half_life);
  EXPECT_TRUE(m.fit_model.rules.empty());
  ASSERT_EQ(m.fit_model.grades.size(), 4U);
  EXPECT_EQ(m.fit_model.grades[0].name, "A");
  EXPECT_EQ(m.fit_model.grades[0].min_fit, 40);
  EXPECT_EQ(m.fit_model.grades[1].min_fit, 25);
  EXPECT_EQ(m.fit_model.grades[2].min_fit, 10);
  EXPECT_EQ(m.fit_model.grades[3].name, "D");
  EXPECT_EQ(m.fit_model.grades[3].min_fit, 0);
  for (const std::string_view code : core::junk::all_codes) {
    EXPECT_TRUE(m.junk.enabled(code)) << code;
  }
  EXPECT_EQ(m.junk.disposable_count(), 0U);
  EXPECT_TRUE(m.junk.is_role_account("info"));
  EXPECT_EQ(m.recycle.stage, "nurture");
  EXPECT_FALSE(m.recycle.inactivity);
  EXPECT_TRUE(m.recycle.inactivity_stages.empty());
  EXPECT_TRUE(m.recycle.reset_score);
  EXPECT_FALSE(m.handoff_sla.within);
  EXPECT_EQ(m.handoff_sla.breach_stage, "");
}

TEST(ConfigDefinition, InlineTablesAndTinyDurations) {
  const load_result r = load(
      "[lead_definition]\n"
      "stages = [{ name = \"nurture\", rules = [{ when = 'score > 1' }] }]\n"
      "scoring = { half_life_days = 1e-12, rules = [{ name = \"x\", when = 'true', points = 1 }] }\n"
      "sla = { handoff_hours = 0.25 }\n");
  ASSERT_TRUE(r.value) << messages(r).front();
  const def::lead_definition_model& m = *r.value->definition.model;
  EXPECT_EQ(m.stages[0].rules[0].name, "nurture.0");
  EXPECT_EQ(m.score.half_life, milliseconds{1});  // never rounded down to nothing
  EXPECT_EQ(m.handoff_sla.within, milliseconds{15 * 60 * 1000});
}

TEST(ConfigDefinition, UnknownKeysSuggestTheNearestKnownOne) {
  EXPECT_EQ(
      messages(load(std::string{minimal} +
                    "owner = \"sales\"\nhandof = true\n"
                    "[lead_definition.scoring]\nhalf_life_day = 3\n"
                    "[lead_definition.sla]\nhandoff_hour = 24\n"
                    "[lead_definition.junk]\nblocked_domain = []\ncolour = 1\n")),
      (lines{"t.toml:5:1: lead_definition.stages[0].handof: unknown key; did you mean `handoff`?",
             "t.toml:7:1: lead_definition.scoring.half_life_day: unknown key; did you mean "
             "`half_life_days`?",
             "t.toml:9:1: lead_definition.sla.handoff_hour: unknown key; did you mean "
             "`handoff_hours`?",
             "t.toml:11:1: lead_definition.junk.blocked_domain: unknown key; did you mean "
             "`blocked_domains`?",
             "t.toml:12:1: lead_definition.junk.colour: unknown key (known keys: disabled_checks, "
             "disposable_domains_file, extra_disposable_domains, allowed_domains, "
             "blocked_domains, competitor_domains, role_accounts, placeholder_names, "
             "purchased_list_sources, purchased_list_attributes)"}));
  EXPECT_EQ(messages(load("[lead_definition]\nstage = []\n")),
            (lines{"t.toml:1:1: lead_definition.stages: missing required key `stages` (at least "
                   "one stage)",
                   "t.toml:2:1: lead_definition.stage: unknown key; did you mean `stages`?"}));
}

TEST(ConfigDefinition, ExpressionErrorsPointIntoTheString) {
  EXPECT_EQ(
      messages(load(std::string{minimal} +
                    "  [[lead_definition.stages.rules]]\n"
                    "  when = 'scroe >= 50 && !junk'\n"
                    "[[lead_definition.stages]]\nname = \"mql\"\n"
                    "  [[lead_definition.stages.rules]]\n"
                    "  when = 'score >= 50 && grade in [\"A\" \"B\"]'\n"
                    "[[lead_definition.scoring.rules]]\nname = \"a\"\npoints = 1\n"
                    "when = \"score > 1 && kind == \\\"x\\\" && sorce == 1\"\n"
                    "[[lead_definition.fit.rules]]\nname = \"b\"\npoints = 1\n"
                    "when = '''\nlead.x > 1 &&\n  scor > 2'''\n")),
      (lines{"t.toml:5:11: lead_definition.stages[0].rules[0].when: unknown name 'scroe'; did you "
             "mean 'score'?",
             "t.toml:9:40: lead_definition.stages[1].rules[0].when: expected ',' or ']' after a "
             "list element, found string \"B\"",
             // With escapes, the column within the expression comes with the message.
             "t.toml:13:8: lead_definition.scoring.rules[0].when: column 1: unknown name 'score'",
             "t.toml:13:8: lead_definition.scoring.rules[0].when: column 29: unknown name 'sorce'; "
             "did you mean 'source'?",
             "t.toml:17:8: lead_definition.fit.rules[0].when: column 17: unknown name 'scor'"}));
}

TEST(ConfigDefinition, DuplicateAndInvalidStageNames) {
  EXPECT_EQ(messages(load("[lead_definition]\n"
                          "[[lead_definition.stages]]\nname = \"nurture\"\n"
                          "[[lead_definition.stages]]\nname = \"MQL\"\n"
                          "[[lead_definition.stages]]\nname = \"nurture\"\nowner = \"sale\"\n"
                          "[[lead_definition.stages]]\ndescription = 1\n")),
            (lines{"t.toml:5:8: lead_definition.stages[1].name: invalid stage name `MQL`: use only "
                   "lowercase letters, digits, `_` and `-`",
                   "t.toml:7:8: lead_definition.stages[2].name: duplicate stage name `nurture` "
                   "(first defined at line 3)",
                   "t.toml:8:9: lead_definition.stages[2].owner: unknown owner `sale`; did you "
                   "mean `sales`?",
                   "t.toml:9:1: lead_definition.stages[3]: missing required key `name` (a string)",
                   "t.toml:10:15: lead_definition.stages[3].description: expected a string, got "
                   "integer"}));
  EXPECT_EQ(messages(load("[lead_definition]\nstages = []\n")),
            (lines{"t.toml:2:10: lead_definition.stages: expected at least one stage, got an "
                   "empty array"}));
  EXPECT_EQ(messages(load("[lead_definition.stages]\nname = \"x\"\n")),
            (lines{"t.toml:1:1: lead_definition.stages: expected an array of tables, got table"}));
}

TEST(ConfigDefinition, StageRuleErrors) {
  EXPECT_EQ(messages(load(std::string{minimal} +
                          "  [[lead_definition.stages.rules]]\n  name = \"quiet\"\n  track = 1\n"
                          "  [[lead_definition.stages.rules]]\n  name = \"quiet\"\n"
                          "  when = 'days_since_last_activity > 30'\n"
                          "[[lead_definition.stages]]\nname = \"mql\"\nrules = 1\n")),
            (lines{"t.toml:4:3: lead_definition.stages[0].rules[0]: missing required key `when` "
                   "(an expression over the lead)",
                   "t.toml:6:11: lead_definition.stages[0].rules[0].track: expected a string, got "
                   "integer",
                   "t.toml:8:10: lead_definition.stages[0].rules[1].name: duplicate rule name "
                   "`quiet` (first defined at line 5)",
                   "t.toml:12:9: lead_definition.stages[1].rules: expected an array of tables, "
                   "got integer"}));
}

TEST(ConfigDefinition, UnknownStageReferences) {
  EXPECT_EQ(messages(load("[lead_definition]\n"
                          "recycling = { stage = \"nurtur\", inactivity_stages = [\"mql\", \"x\"] }\n"
                          "sla = { breach_stage = \"\" }\n"
                          "[[lead_definition.stages]]\nname = \"nurture\"\n"
                          "[[lead_definition.stages]]\nname = \"mql\"\n")),
            (lines{"t.toml:2:23: lead_definition.recycling.stage: unknown stage `nurtur`; did you "
                   "mean `nurture`?",
                   "t.toml:2:61: lead_definition.recycling.inactivity_stages[1]: unknown stage "
                   "`x` (stages: nurture, mql)",
                   "t.toml:3:24: lead_definition.sla.breach_stage: unknown stage `` (stages: "
                   "nurture, mql)"}));
  // The default recycling stage must exist too.
  EXPECT_EQ(messages(load("[lead_definition]\n[[lead_definition.stages]]\nname = \"mql\"\n")),
            (lines{"t.toml:1:1: lead_definition.recycling.stage: no stage is named `nurture`, "
                   "the default recycling stage: add one or set recycling.stage"}));
  EXPECT_EQ(messages(load("[[lead_definition.stages]]\nname = \"mql\"\n"
                          "[lead_definition.recycling]\ninactivity_days = 3\n")),
            (lines{"t.toml:3:1: lead_definition.recycling.stage: no stage is named `nurture`, "
                   "the default recycling stage: add one or set recycling.stage"}));
}

TEST(ConfigDefinition, ScoringRuleErrors) {
  EXPECT_EQ(
      messages(load(std::string{minimal} +
                    "[lead_definition.scoring]\nhalf_life_days = 0\n"
                    "[[lead_definition.scoring.rules]]\nname = \"a\"\nwhen = 'true'\npoints = 1\n"
                    "window_days = 7\n"
                    "[[lead_definition.scoring.rules]]\nname = \"a\"\nwhen = 'true'\npoints = \"1\"\n"
                    "window_cap = 5\ncap = -1\n"
                    "[[lead_definition.scoring.rules]]\nwindow_days = 40000\nwindow_cap = inf\n")),
      (lines{"t.toml:5:18: lead_definition.scoring.half_life_days: expected a number greater than "
             "0 and at most 36500, got 0",
             "t.toml:10:15: lead_definition.scoring.rules[0].window_days: needs `window_cap` (the "
             "most points the rule adds within the window)",
             "t.toml:12:8: lead_definition.scoring.rules[1].name: duplicate scoring rule name `a` "
             "(first defined at line 7)",
             "t.toml:14:10: lead_definition.scoring.rules[1].points: expected a number, got string",
             "t.toml:15:14: lead_definition.scoring.rules[1].window_cap: needs `window_days` (the "
             "window the cap applies to)",
             "t.toml:16:7: lead_definition.scoring.rules[1].cap: expected a number greater than 0, "
             "got -1",
             "t.toml:17:1: lead_definition.scoring.rules[2]: missing required key `name` (a string)",
             "t.toml:17:1: lead_definition.scoring.rules[2]: missing required key `when` (an "
             "expression over the event)",
             "t.toml:17:1: lead_definition.scoring.rules[2]: missing required key `points` (a "
             "number)",
             "t.toml:18:15: lead_definition.scoring.rules[2].window_days: expected a number "
             "greater than 0 and at most 36500, got 40000",
             "t.toml:19:14: lead_definition.scoring.rules[2].window_cap: expected a finite number, "
             "got inf"}));
}

TEST(ConfigDefinition, FitErrors) {
  EXPECT_EQ(messages(load(std::string{minimal} +
                          "[[lead_definition.fit.rules]]\nname = \"\"\nwhen = 'score > 1'\npoints = "
                          "1\n"
                          "[lead_definition.fit.grades]\nA = 10\nB = 10.0\nC = \"low\"\n")),
            (lines{"t.toml:5:8: lead_definition.fit.rules[0].name: expected a non-empty name, got "
                   "an empty string",
                   "t.toml:6:9: lead_definition.fit.rules[0].when: unknown name 'score'",
                   "t.toml:10:1: lead_definition.fit.grades.B: grade `B` has the same minimum (10) "
                   "as grade `A`: one of them is never given",
                   "t.toml:11:5: lead_definition.fit.grades.C: expected a number, got string"}));
  EXPECT_EQ(messages(load(std::string{minimal} + "[lead_definition.fit.grades]\n")),
            (lines{"t.toml:4:1: lead_definition.fit.grades: expected at least one grade (name = "
                   "minimum fit points), got an empty table"}));
}

TEST(ConfigDefinition, JunkErrorsPointAtTheEntry) {
  EXPECT_EQ(
      messages(load(std::string{minimal} +
                    "[lead_definition.junk]\n"
                    "disabled_checks = [\"role_account\", \"role_acount\"]\n"
                    "blocked_domains = [\"ok.example\", 7, \"not a domain\"]\n"
                    "role_accounts = \"info\"\n"
                    "purchased_list_attributes = { list_source = \" \" }\n"
                    "disposable_domains_file = \"\"\n")),
      (lines{"t.toml:5:36: lead_definition.junk.disabled_checks[1]: \"role_acount\" is not a "
             "check; known: invalid_email, disposable_domain, blocked_domain, competitor, "
             "role_account, placeholder_name, keyboard_mash, placeholder_phone, purchased_list",
             "t.toml:6:34: lead_definition.junk.blocked_domains[1]: expected a string, got integer",
             "t.toml:6:37: lead_definition.junk.blocked_domains[2]: \"not a domain\" is not a "
             "domain name",
             "t.toml:7:17: lead_definition.junk.role_accounts: expected an array of strings, got "
             "string",
             "t.toml:8:31: lead_definition.junk.purchased_list_attributes.list_source: both the "
             "attribute and its value must be given",
             "t.toml:9:27: lead_definition.junk.disposable_domains_file: expected a non-empty "
             "path, got an empty string"}));
}

TEST(ConfigDefinition, OtherValueErrors) {
  EXPECT_EQ(messages(load(std::string{minimal} +
                          "[lead_definition.recycling]\ninactivity_days = -1\nreset_score = 1\n"
                          "inactivity_stages = \"nurture\"\n"
                          "[lead_definition.sla]\nhandoff_hours = nan\n")),
            (lines{"t.toml:5:19: lead_definition.recycling.inactivity_days: expected a number "
                   "greater than 0 and at most 36500, got -1",
                   "t.toml:6:15: lead_definition.recycling.reset_score: expected a boolean, got "
                   "integer",
                   "t.toml:7:21: lead_definition.recycling.inactivity_stages: expected an array "
                   "of strings, got string",
                   "t.toml:9:17: lead_definition.sla.handoff_hours: expected a finite number, got "
                   "nan"}));
  EXPECT_EQ(messages(load("[lead_definition]\nmax_activities = 5\nfit = 3\n"
                          "[[lead_definition.stages]]\nname = \"nurture\"\n")),
            (lines{"t.toml:2:18: lead_definition.max_activities: expected an integer from 10 to "
                   "100000, got 5",
                   "t.toml:3:7: lead_definition.fit: expected a table, got integer"}));
}

TEST(ConfigDefinition, FileExcludesEveryOtherKey) {
  EXPECT_EQ(messages(load("[lead_definition]\nfile = \"def.toml\"\nmax_activities = 10\nstags = 1\n"
                          "[[lead_definition.stages]]\nname = \"x\"\n")),
            (lines{"t.toml:2:8: lead_definition.file: cannot read definition file `def.toml`: No "
                   "such file or directory",
                   "t.toml:3:1: lead_definition.max_activities: not allowed together with `file` "
                   "(the definition is read from that file)",
                   "t.toml:4:1: lead_definition.stags: unknown key; did you mean `stages`?",
                   "t.toml:5:19: lead_definition.stages: not allowed together with `file` (the "
                   "definition is read from that file)"}));
}

TEST_F(DefinitionFiles, FileNamesADefinitionRelativeToTheConfig) {
  write("defs/lead-definition.toml",
        "max_activities = 20\n[[stages]]\nname = \"nurture\"\n[junk]\n"
        "disposable_domains_file = \"../lists/d.txt\"\n");
  write("lists/d.txt", "tempmail.example\n");
  const std::string config_file =
      write("leadsync.toml", "[lead_definition]\nfile = \"defs/lead-definition.toml\"\n");
  const load_result r = load_file(config_file, testing::shared_registry());
  ASSERT_TRUE(r.value) << messages(r).front();
  const definition_config& d = r.value->definition;
  EXPECT_EQ(d.file, dir_ / "defs/lead-definition.toml");
  ASSERT_NE(d.model, nullptr);
  EXPECT_EQ(d.model->max_activities, 20U);
  EXPECT_EQ(d.model->stages[0].name, "nurture");
  EXPECT_FALSE(d.disposable_default);
  EXPECT_EQ(d.junk.disposable_domains_file, (dir_ / "defs/../lists/d.txt").string());
  EXPECT_EQ(d.model->junk.disposable_count(), 1U);
}

TEST_F(DefinitionFiles, MissingFileIsReportedAtTheKey) {
  const std::string config_file = write("leadsync.toml", "[lead_definition]\nfile = \"nope.toml\"\n");
  EXPECT_EQ(messages(load_file(config_file, testing::shared_registry())),
            (lines{config_file + ":2:8: lead_definition.file: cannot read definition file `" +
                   (dir_ / "nope.toml").string() + "`: No such file or directory"}));
}

TEST_F(DefinitionFiles, ErrorsInTheDefinitionFileNameThatFile) {
  const std::string def_file = write("def.toml",
                                     "[[stages]]\nname = \"nurture\"\n"
                                     "  [[stages.rules]]\n  when = 'score >= fifty'\n"
                                     "[sla]\nbreach_stage = \"lost\"\nhandoff_hour = 1\n");
  const std::string config_file =
      write("leadsync.toml", "[server]\nlisten_port = 1\n[lead_definition]\nfile = \"def.toml\"\n");
  EXPECT_EQ(messages(load_file(config_file, testing::shared_registry())),
            (lines{def_file + ":4:20: stages[0].rules[0].when: unknown name 'fifty'; did you mean 'fit'?",
                   def_file + ":6:16: sla.breach_stage: unknown stage `lost` (stages: nurture)",
                   def_file + ":7:1: sla.handoff_hour: unknown key; did you mean `handoff_hours`?"}));
  // A syntax error in it, too.
  write("def.toml", "[[stages]\n");
  EXPECT_EQ(messages(load_file(config_file, testing::shared_registry())),
            (lines{def_file + ":1:10: Error while parsing table header: expected ']', saw '\\n'"}));
}

TEST_F(DefinitionFiles, StandaloneDefinitionFile) {
  const std::string file = write("d.toml", "[[stages]]\nname = \"nurture\"\nhandoff = true\n");
  const definition_load_result r = load_definition_file(file);
  ASSERT_TRUE(r.value) << messages(r).front();
  EXPECT_EQ(r.value->file, file);
  EXPECT_TRUE(r.value->model->stages[0].handoff);

  EXPECT_EQ(messages(load_definition_file(dir_ / "missing.toml")),
            (lines{(dir_ / "missing.toml").string() +
                   ": cannot read definition file: No such file or directory"}));
  EXPECT_EQ(messages(load_definition_string("file = \"x\"\n[recycling]\nstage = \"x\"\n", "s.toml")),
            (lines{"s.toml: stages: missing required key `stages` (at least one stage)",
                   "s.toml:1:1: file: unknown key; did you mean `fit`?"}));
}

TEST(ConfigDefinition, TheShippedDefaultDefinitionLoads) {
  const std::string file = source_dir + "/config/lead-definition.default.toml";
  const definition_load_result r = load_definition_file(file);
  ASSERT_TRUE(r.value) << messages(r).front();
  ASSERT_NE(r.value->model, nullptr);
  EXPECT_FALSE(r.value->model->stages.empty());
  EXPECT_NE(r.value->model->index_of(r.value->model->recycle.stage), std::string_view::npos);
}

// The example in docs/lead-definition.md loads as written.
TEST(ConfigDefinition, TheDocumentedExampleLoads) {
  std::ifstream in{source_dir + "/docs/lead-definition.md"};
  const std::string doc{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  const std::size_t section = doc.find("## Example");
  ASSERT_NE(section, std::string::npos);
  const std::size_t begin = doc.find("```toml\n", section);
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = doc.find("```", begin + 8);
  const load_result r = load(doc.substr(begin + 8, end - begin - 8));
  ASSERT_TRUE(r.value) << messages(r).front();
  const def::lead_definition_model& m = *r.value->definition.model;
  EXPECT_EQ(m.stages.size(), 4U);
  EXPECT_EQ(m.stages[2].rules[1].name, "mql.demo_request");
  EXPECT_EQ(m.score.rules[1].window, milliseconds{hours{7 * 24}});
  EXPECT_EQ(m.fit_model.grades.back().name, "D");
}

TEST_F(DefinitionFiles, ShippedDisposableListIsUsedWhenNoneIsNamed) {
  const std::string list = write("shipped.txt", "tempmail.example\nburner.example\n");
  load_result r = load(minimal);
  ASSERT_TRUE(r.value);
  definition_config& d = r.value->definition;
  const auto before = d.model;
  EXPECT_FALSE(use_shipped_disposable_list(d, list));
  EXPECT_NE(d.model, before);  // a new model; the old one is untouched
  EXPECT_EQ(before->junk.disposable_count(), 0U);
  EXPECT_EQ(d.model->junk.disposable_count(), 2U);
  EXPECT_EQ(d.model->stages[0].name, "nurture");
  EXPECT_EQ(d.junk.disposable_domains_file, list);

  load_result again = load(minimal);
  const std::optional<diagnostic> problem =
      use_shipped_disposable_list(again.value->definition, dir_ / "none.txt");
  ASSERT_TRUE(problem);
  EXPECT_EQ(format(*problem), (dir_ / "none.txt").string() +
                                  ": cannot load the disposable-domain list: " +
                                  (dir_ / "none.txt").string() + ": No such file or directory");

  // A definition that names its own list keeps it.
  write("own.txt", "own.example\n");
  write("c.toml", std::string{minimal} + "[lead_definition.junk]\ndisposable_domains_file = \"own.txt\"\n");
  load_result own = load_file(dir_ / "c.toml", testing::shared_registry());
  ASSERT_TRUE(own.value) << messages(own).front();
  const auto own_model = own.value->definition.model;
  EXPECT_FALSE(use_shipped_disposable_list(own.value->definition, list));
  EXPECT_EQ(own.value->definition.model, own_model);
  EXPECT_EQ(own_model->junk.disposable_count(), 1U);
}

}  // namespace
}  // namespace leadsync::config

namespace leadsync::config {
namespace {

TEST(DefinitionNotify, SlaNotifyConnectorMustBeConfigured) {
  const std::string base = R"(
[connectors.crm]
type = "jsonl"
path = "x.jsonl"

[[lead_definition.stages]]
name = "identified"
[[lead_definition.stages]]
name = "nurture"
[[lead_definition.stages]]
name = "mql"
handoff = true

[lead_definition.sla]
handoff_hours = 24
)";
  const load_result good = testing::load(base + "notify_connector = \"crm\"\n");
  ASSERT_TRUE(good.value) << testing::messages(good).front();
  EXPECT_EQ(good.value->definition.model->handoff_sla.notify_connector, "crm");

  const load_result bad = testing::load(base + "notify_connector = \"cmr\"\n");
  EXPECT_EQ(testing::messages(bad),
            (std::vector<std::string>{"t.toml:16:20: lead_definition.sla.notify_connector: no connector named "
                                      "`cmr`; did you mean `crm`? (connectors: crm)"}));
}

}  // namespace
}  // namespace leadsync::config
