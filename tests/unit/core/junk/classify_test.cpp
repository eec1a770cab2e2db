#include "core/junk/classify.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace leadsync::core::junk {
namespace {

const std::filesystem::path shipped_list =
    std::filesystem::path(LEADSYNC_SOURCE_DIR) / "config" / "data" / "disposable-domains.txt";

// The shipped list is 120k entries: load it once for the whole suite.
const rules& shipped_rules() {
  static const rules loaded = [] {
    auto r = rules::with_disposable_file(shipped_list);
    if (!r.ok()) {
      ADD_FAILURE() << r.failure().message;
      return rules{};
    }
    return std::move(r).value();
  }();
  return loaded;
}

rules configured() {
  rules_config config;
  config.blocked_domains = {"blocked.example", "*.spam-corp.com"};
  config.competitor_domains = {"rival.com", "@other-rival.io"};
  config.allowed_domains = {"allowed-but-listed.com"};
  config.extra_disposable_domains = {"throwaway.example", "allowed-but-listed.com"};
  config.purchased_list_sources = {"ZoomInfo_Import", "tradeshow_list"};
  config.purchased_list_attributes = {{"list_source", "purchased"}, {"origin", "rented list"}};
  auto built = rules::build(config, domain_set({"mailinator.com"}));
  EXPECT_TRUE(built.ok()) << built.failure().message;
  return std::move(built).value();
}

person with_email(std::string_view email) {
  person p;
  p.email = email;
  p.first_name = "Ada";
  p.last_name = "Lovelace";
  p.company = "Analytical Engines Ltd";
  return p;
}

std::vector<std::string> codes_of(const std::vector<reason>& reasons) {
  std::vector<std::string> out;
  for (const reason& r : reasons) {
    out.push_back(r.code);
  }
  return out;
}

using codes_list = std::vector<std::string>;

TEST(Classify, ARealPersonIsNotJunk) {
  EXPECT_TRUE(classify(with_email("ada@analytical-engines.co.uk"), shipped_rules()).empty());
  EXPECT_TRUE(classify(with_email("ada.lovelace@gmail.com"), shipped_rules()).empty());
  EXPECT_TRUE(classify(with_email("ada@outlook.com"), configured()).empty());
}

TEST(Classify, NothingGivenIsNotJunk) {
  EXPECT_TRUE(classify(person{}, shipped_rules()).empty());
}

TEST(Classify, SeedMickeyMouseAtADisposableDomain) {
  person p;
  p.email = "mickey@mailinator.com";
  p.first_name = "Mickey";
  p.last_name = "Mouse";
  const std::vector<reason> reasons = classify(p, shipped_rules());
  ASSERT_EQ(reasons.size(), 2U);
  EXPECT_EQ(reasons[0], (reason{"disposable_domain", "mailinator.com is a disposable email domain"}));
  EXPECT_EQ(reasons[1], (reason{"placeholder_name", "\"Mickey Mouse\" is a placeholder name"}));
}

TEST(Classify, InvalidEmail) {
  const auto reasons = classify(with_email("ada@analytical-engines"), shipped_rules());
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_EQ(reasons[0], (reason{"invalid_email", "email address is not valid: the domain has no dot"}));
  EXPECT_EQ(codes_of(classify(with_email("not an email"), shipped_rules())), codes_list{"invalid_email"});
  // The domain of an invalid address is not looked at.
  EXPECT_EQ(codes_of(classify(with_email("a b@mailinator.com"), shipped_rules())), codes_list{"invalid_email"});
}

TEST(Classify, DisposableDomainAndSubdomainsAnyCase) {
  EXPECT_EQ(codes_of(classify(with_email("ada@guerrillamail.com"), shipped_rules())),
            codes_list{"disposable_domain"});
  EXPECT_EQ(codes_of(classify(with_email("ada@10MinuteMail.COM"), shipped_rules())),
            codes_list{"disposable_domain"});
  const auto sub = classify(with_email("ada@eu.mx.Mailinator.com"), shipped_rules());
  ASSERT_EQ(sub.size(), 1U);
  EXPECT_EQ(sub[0].message, "eu.mx.mailinator.com (a subdomain of mailinator.com) is a disposable email domain");
  EXPECT_TRUE(classify(with_email("ada@mailinator.com.analytical.com"), shipped_rules()).empty());
}

TEST(Classify, ExtraAndAllowedDisposableDomains) {
  const rules r = configured();
  EXPECT_EQ(codes_of(classify(with_email("ada@x.throwaway.example"), r)), codes_list{"disposable_domain"});
  EXPECT_TRUE(classify(with_email("ada@allowed-but-listed.com"), r).empty());
  EXPECT_TRUE(classify(with_email("ada@mx.allowed-but-listed.com"), r).empty());
}

TEST(Classify, BlockedDomains) {
  const rules r = configured();
  EXPECT_EQ(codes_of(classify(with_email("ada@blocked.example"), r)), codes_list{"blocked_domain"});
  const auto sub = classify(with_email("ada@mail.SPAM-corp.com"), r);
  ASSERT_EQ(sub.size(), 1U);
  EXPECT_EQ(sub[0], (reason{"blocked_domain", "mail.spam-corp.com (a subdomain of spam-corp.com) is a blocked domain"}));
  EXPECT_TRUE(classify(with_email("ada@notblocked.example"), r).empty());
  EXPECT_TRUE(classify(with_email("ada@blocked.example"), shipped_rules()).empty());
}

TEST(Classify, CompetitorDomains) {
  const rules r = configured();
  const auto reasons = classify(with_email("spy@Rival.com"), r);
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_EQ(reasons[0], (reason{"competitor", "rival.com is a competitor's domain"}));
  EXPECT_EQ(codes_of(classify(with_email("ada@eu.other-rival.io"), r)), codes_list{"competitor"});
  EXPECT_TRUE(classify(with_email("ada@arrival.com"), r).empty());
}

TEST(Classify, RoleAccounts) {
  const auto reasons = classify(with_email("Sales+EMEA@analytical-engines.com"), shipped_rules());
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_EQ(reasons[0], (reason{"role_account", "\"sales@\" is a role account, not a person"}));
  for (const char* email : {"info@acme.com", "no-reply@acme.com", "noreply@acme.com", "HR@acme.com",
                            "enquiries@acme.co.uk", "test@acme.com"}) {
    EXPECT_EQ(codes_of(classify(with_email(email), shipped_rules())), codes_list{"role_account"}) << email;
  }
  for (const char* email : {"information.desk.lead@acme.com", "ada.info@acme.com", "salesforce.admin.ada@acme.com",
                            "hrithik@acme.com"}) {
    EXPECT_TRUE(classify(with_email(email), shipped_rules()).empty()) << email;
  }
}

TEST(Classify, PlaceholderNames) {
  person p = with_email("ada@acme.com");
  p.first_name = "test";
  p.last_name = "test";
  EXPECT_EQ(codes_of(classify(p, shipped_rules())), codes_list{"placeholder_name"});
  p.first_name = "JOHN";
  p.last_name = "doe";
  EXPECT_EQ(codes_of(classify(p, shipped_rules())), codes_list{"placeholder_name"});
  p.email = "jdoe2@acme.com";
  p.first_name = "jdoe2";
  p.last_name = "jdoe2";
  EXPECT_EQ(codes_of(classify(p, shipped_rules())), codes_list{"placeholder_name"});
  p.first_name = "John";
  p.last_name = "Doherty";
  EXPECT_TRUE(classify(p, shipped_rules()).empty());
}

TEST(Classify, KeyboardMashInNamesAndCompany) {
  person p = with_email("ada@acme.com");
  p.first_name = "asdfgh";
  const auto one = classify(p, shipped_rules());
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0], (reason{"keyboard_mash", "first name \"asdfgh\" looks like a keyboard mash"}));
  p.first_name = "Ada";
  p.last_name = "jkjkjk";
  p.company = "qwerty";
  const auto two = classify(p, shipped_rules());
  ASSERT_EQ(two.size(), 1U);
  EXPECT_EQ(two[0].message, "last name \"jkjkjk\", company \"qwerty\" look like keyboard mashes");
  p.last_name = "Lovelace";
  p.company = "sdfsdf";
  EXPECT_EQ(codes_of(classify(p, shipped_rules())), codes_list{"keyboard_mash"});
}

TEST(Classify, AsdfIsBothPlaceholderAndMash) {
  person p = with_email("ada@acme.com");
  p.first_name = "asdf";
  p.last_name = "asdf";
  EXPECT_EQ(codes_of(classify(p, shipped_rules())), (codes_list{"placeholder_name", "keyboard_mash"}));
}

TEST(Classify, PlaceholderPhone) {
  person p = with_email("ada@acme.com");
  p.phone = "123-456-7890";
  const auto reasons = classify(p, shipped_rules());
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_EQ(reasons[0], (reason{"placeholder_phone", "phone \"123-456-7890\" is a placeholder number"}));
  p.phone = "+44 20 7946 0958";
  EXPECT_TRUE(classify(p, shipped_rules()).empty());
}

TEST(Classify, PurchasedListBySourceOrAttribute) {
  const rules r = configured();
  person p = with_email("ada@acme.com");
  p.source = "zoominfo_import";
  const auto by_source = classify(p, r);
  ASSERT_EQ(by_source.size(), 1U);
  EXPECT_EQ(by_source[0], (reason{"purchased_list", "source \"zoominfo_import\" is a purchased list"}));

  p.source = "website_form";
  string_map attributes{{"list_source", " Purchased "}};
  p.attributes = &attributes;
  const auto by_attribute = classify(p, r);
  ASSERT_EQ(by_attribute.size(), 1U);
  EXPECT_EQ(by_attribute[0], (reason{"purchased_list", "attribute list_source = \"purchased\" marks a purchased list"}));

  attributes = {{"origin", "Rented  List"}};
  EXPECT_EQ(codes_of(classify(p, r)), codes_list{"purchased_list"});
  attributes = {{"list_source", "webinar"}, {"purchased", "no"}};
  EXPECT_TRUE(classify(p, r).empty());
  p.attributes = nullptr;
  EXPECT_TRUE(classify(p, r).empty());
}

TEST(Classify, PurchasedAttributeWorksWithDefaults) {
  event e;
  e.source = "typeform";
  e.email = "ada@acme.com";
  e.first_name = "Ada";
  e.attributes["list_source"] = "purchased";
  EXPECT_EQ(codes_of(classify(person_of(e), shipped_rules())), codes_list{"purchased_list"});
}

TEST(Classify, EverythingAtOnceInCodeOrder) {
  rules_config config;
  config.blocked_domains = {"mailinator.com"};
  config.competitor_domains = {"mailinator.com"};
  config.purchased_list_sources = {"bought"};
  const auto r = rules::build(config, domain_set({"mailinator.com"}));
  ASSERT_TRUE(r.ok());
  person p;
  p.email = "info@mailinator.com";
  p.first_name = "Mickey";
  p.last_name = "Mouse";
  p.company = "zxcvbnm";
  p.phone = "0000000";
  p.source = "bought";
  EXPECT_EQ(codes_of(classify(p, *r)),
            (codes_list{"disposable_domain", "blocked_domain", "competitor", "role_account", "placeholder_name",
                        "keyboard_mash", "placeholder_phone", "purchased_list"}));
}

TEST(Classify, PersonOfALead) {
  lead l;
  l.email = "mickey@mailinator.com";
  l.first_name = "Mickey";
  l.last_name = "Mouse";
  const person p = person_of(l);
  EXPECT_EQ(p.email, "mickey@mailinator.com");
  EXPECT_EQ(p.attributes, nullptr);
  EXPECT_EQ(codes_of(classify(p, shipped_rules())), (codes_list{"disposable_domain", "placeholder_name"}));
}

TEST(Classify, HostileInputIsBoundedInMessages) {
  person p = with_email("ada@acme.com");
  const std::string long_mash = std::string(10000, 'a') + "\n\"injected\"";
  p.first_name = long_mash;
  const auto reasons = classify(p, shipped_rules());
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_LT(reasons[0].message.size(), 200U);
  EXPECT_EQ(reasons[0].message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace leadsync::core::junk
