#include "core/junk/rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/junk/classify.hpp"

namespace leadsync::core::junk {
namespace {

TEST(Rules, DefaultsEnableEveryCheck) {
  const rules r;
  for (const std::string_view code : all_codes) {
    EXPECT_TRUE(r.enabled(code)) << code;
  }
  EXPECT_FALSE(r.enabled("no_such_check"));
  EXPECT_EQ(r.disposable_count(), 0U);
  EXPECT_TRUE(r.is_role_account("info"));
  EXPECT_TRUE(r.is_role_account("sales+emea"));
  EXPECT_FALSE(r.is_role_account("ada"));
}

TEST(Rules, ValidateReportsEveryProblem) {
  rules_config config;
  config.disabled_checks = {"role_account", "junk_everything"};
  config.blocked_domains = {"ok.com", "not a domain"};
  config.competitor_domains = {"bad_domain.com"};
  config.allowed_domains = {"user@example.com"};
  config.extra_disposable_domains = {""};
  config.role_accounts = {"info", "sales@example.com", " "};
  config.placeholder_names = {"mickey mouse", "  "};
  config.purchased_list_sources = {""};
  config.purchased_list_attributes = {{"list_source", ""}};
  const std::vector<rules_problem> problems = validate(config);
  ASSERT_EQ(problems.size(), 10U);
  EXPECT_EQ(problems[0].option, "disabled_checks");
  EXPECT_EQ(problems[0].index, 1U);
  EXPECT_NE(problems[0].message.find("known: invalid_email"), std::string::npos);
  EXPECT_EQ(problems[1].option, "extra_disposable_domains");
  EXPECT_EQ(problems[2].option, "allowed_domains");
  EXPECT_EQ(problems[3].option, "blocked_domains");
  EXPECT_EQ(problems[3].index, 1U);
  EXPECT_EQ(problems[4].option, "competitor_domains");
  EXPECT_EQ(problems[5].option, "role_accounts");
  EXPECT_EQ(problems[5].index, 1U);
  EXPECT_EQ(problems[6].option, "role_accounts");
  EXPECT_EQ(problems[7].option, "placeholder_names");
  EXPECT_EQ(problems[8].option, "purchased_list_sources");
  EXPECT_EQ(problems[9].option, "purchased_list_attributes");

  const auto built = rules::build(config);
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.failure().code, "invalid_junk_rules");
  EXPECT_NE(built.failure().message.find("blocked_domains[1]: \"not a domain\" is not a domain name"),
            std::string::npos);
}

TEST(Rules, DisabledChecksDoNotRun) {
  rules_config config;
  config.disabled_checks = {"role_account", "placeholder_name"};
  const auto built = rules::build(config);
  ASSERT_TRUE(built.ok()) << built.failure().message;
  EXPECT_FALSE(built->enabled("role_account"));
  EXPECT_TRUE(built->enabled("invalid_email"));
  person p;
  p.email = "info@example.com";
  p.first_name = "Mickey";
  p.last_name = "Mouse";
  EXPECT_TRUE(classify(p, *built).empty());
}

TEST(Rules, ConfiguredListsReplaceDefaults) {
  rules_config config;
  config.role_accounts = {"Frontdesk"};
  config.placeholder_names = {"Max Mustermann"};
  const auto built = rules::build(config);
  ASSERT_TRUE(built.ok());
  EXPECT_TRUE(built->is_role_account("frontdesk"));
  EXPECT_FALSE(built->is_role_account("info"));
  EXPECT_EQ(built->placeholder_names().count("max mustermann"), 1U);
  EXPECT_EQ(built->placeholder_names().count("mickey mouse"), 0U);
}

TEST(Rules, LoadNamesTheFileThatFailed) {
  rules_config config;
  config.disposable_domains_file = "/nonexistent/leadsync/list.txt";
  const auto loaded = rules::load(config);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.failure().message.find("/nonexistent/leadsync/list.txt"), std::string::npos);
  EXPECT_FALSE(rules::with_disposable_file("/nonexistent/leadsync/list.txt").ok());
}

TEST(Rules, LoadWithoutAFileHasNoDisposableList) {
  const auto loaded = rules::load(rules_config{});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->disposable_count(), 0U);
  EXPECT_FALSE(loaded->disposable_match("mailinator.com"));
}

TEST(Rules, CopiesShareAndConcurrentReadersAgree) {
  rules_config config;
  config.blocked_domains = {"blocked.example"};
  const auto built = rules::build(config, domain_set({"mailinator.com"}));
  ASSERT_TRUE(built.ok());
  const rules shared = *built;
  person p;
  p.email = "Mickey@Sub.Mailinator.com";
  p.first_name = "Mickey";
  p.last_name = "Mouse";
  const std::vector<reason> expected = classify(p, shared);
  ASSERT_EQ(expected.size(), 2U);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      const rules mine = shared;  // a copy per thread, as the daemon hands them out
      for (int i = 0; i < 500; ++i) {
        if (classify(p, mine) != expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (const int m : mismatches) {
    EXPECT_EQ(m, 0);
  }
}

}  // namespace
}  // namespace leadsync::core::junk
