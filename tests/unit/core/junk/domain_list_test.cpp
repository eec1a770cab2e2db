#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/junk/domain_file.hpp"
#include "core/junk/domain_set.hpp"

namespace leadsync::core::junk {
namespace {

const std::filesystem::path shipped_list =
    std::filesystem::path(LEADSYNC_SOURCE_DIR) / "config" / "data" / "disposable-domains.txt";

TEST(DomainEntry, AcceptedSpellings) {
  EXPECT_EQ(normalise_domain_entry("example.com"), "example.com");
  EXPECT_EQ(normalise_domain_entry("  Example.COM. "), "example.com");
  EXPECT_EQ(normalise_domain_entry("*.example.com"), "example.com");
  EXPECT_EQ(normalise_domain_entry("@example.com"), "example.com");
  EXPECT_EQ(normalise_domain_entry(".example.com"), "example.com");
  EXPECT_EQ(normalise_domain_entry("xyz"), "xyz");
  EXPECT_FALSE(normalise_domain_entry(""));
  EXPECT_FALSE(normalise_domain_entry("not a domain"));
  EXPECT_FALSE(normalise_domain_entry("user@example.com"));
  EXPECT_FALSE(normalise_domain_entry("exa_mple.com"));
  EXPECT_FALSE(normalise_domain_entry("*.*.example.com"));
}

TEST(DomainSet, MatchesDomainAndSubdomains) {
  const domain_set set({"mailinator.com", "bad.example.org"});
  EXPECT_EQ(set.size(), 2U);
  EXPECT_EQ(set.match("mailinator.com"), "mailinator.com");
  EXPECT_EQ(set.match("eu.mailinator.com"), "mailinator.com");
  EXPECT_EQ(set.match("a.b.c.mailinator.com"), "mailinator.com");
  EXPECT_EQ(set.match("bad.example.org"), "bad.example.org");
  EXPECT_EQ(set.match("x.bad.example.org"), "bad.example.org");
  EXPECT_FALSE(set.match("example.org"));
  EXPECT_FALSE(set.match("good.example.org"));
  EXPECT_FALSE(set.match("notmailinator.com"));  // a suffix, but not at a label boundary
  EXPECT_FALSE(set.match("mailinator.com.evil.net"));
  EXPECT_FALSE(set.match("com"));
  EXPECT_FALSE(set.match(""));
}

TEST(DomainSet, LongestMatchWins) {
  const domain_set set({"example.com", "deep.example.com"});
  EXPECT_EQ(set.match("x.deep.example.com"), "deep.example.com");
  EXPECT_EQ(set.match("x.example.com"), "example.com");
}

TEST(DomainSet, EmptyMatchesNothingAndCopiesShare) {
  const domain_set empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.match("example.com"));
  const domain_set set({"example.com"});
  const domain_set copy = set;  // NOLINT: the point is the copy
  EXPECT_TRUE(copy.contains("example.com"));
  EXPECT_EQ(copy.match("a.example.com")->data(), set.match("a.example.com")->data());
}

TEST(DomainList, ParsesCommentsBlanksAndSpellings) {
  const auto parsed = parse_domain_list(
      "# header\n\nmailinator.com\r\n  Guerrillamail.COM  # trailing comment\n*.33mail.com\n\n# end", "test");
  ASSERT_TRUE(parsed.ok()) << parsed.failure().message;
  EXPECT_EQ(parsed->size(), 3U);
  EXPECT_TRUE(parsed->contains("guerrillamail.com"));
  EXPECT_TRUE(parsed->contains("33mail.com"));
  EXPECT_EQ(parsed->match("x.33mail.com"), "33mail.com");
}

TEST(DomainList, EveryBadLineIsAnErrorWithItsLine) {
  const auto parsed = parse_domain_list("ok.com\nnot a domain\nfine.org\nbad_domain.com\n", "list.txt");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.failure().code, "invalid_domain_list");
  EXPECT_NE(parsed.failure().message.find("list.txt:2:"), std::string::npos);
  EXPECT_NE(parsed.failure().message.find("list.txt:4:"), std::string::npos);
}

TEST(DomainList, ManyBadLinesAreCounted) {
  std::string text;
  for (int i = 0; i < 25; ++i) {
    text += "bad entry\n";
  }
  const auto parsed = parse_domain_list(text, "x");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.failure().message.find("and 15 more"), std::string::npos);
}

TEST(DomainList, MissingFileIsAnError) {
  const auto loaded = load_domain_file("/nonexistent/leadsync/disposable-domains.txt");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.failure().code, "unreadable_domain_list");
  EXPECT_NE(loaded.failure().message.find("/nonexistent/leadsync/disposable-domains.txt"), std::string::npos);
}

TEST(DomainList, LoadsAFile) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("leadsync-junk-list-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".txt");
  {
    std::ofstream out(path);
    out << "# mine\nthrowaway.example\n";
  }
  const auto loaded = load_domain_file(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.failure().message;
  EXPECT_TRUE(loaded->contains("throwaway.example"));
}

TEST(ShippedList, LoadsAndHasTheWellKnownDomains) {
  const auto loaded = load_domain_file(shipped_list);
  ASSERT_TRUE(loaded.ok()) << loaded.failure().message;
  EXPECT_GT(loaded->size(), 10000U);
  for (const char* domain : {"mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com",
                             "trashmail.com", "sharklasers.com"}) {
    EXPECT_TRUE(loaded->contains(domain)) << domain;
  }
}

TEST(ShippedList, DoesNotListMailProviders) {
  const auto loaded = load_domain_file(shipped_list);
  ASSERT_TRUE(loaded.ok()) << loaded.failure().message;
  for (const char* domain :
       {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
        "me.com", "aol.com", "protonmail.com", "proton.me", "gmx.de", "gmx.net", "web.de", "t-online.de",
        "yandex.ru", "mail.ru", "qq.com", "163.com", "naver.com", "orange.fr", "libero.it", "seznam.cz",
        "wp.pl", "zoho.com", "fastmail.com", "tutanota.com", "comcast.net", "btinternet.com",
        "uw.edu.pl", "ui.ac.id", "example.co.uk"}) {
    EXPECT_FALSE(loaded->match(domain)) << domain << " matched " << *loaded->match(domain);
  }
}

TEST(ShippedList, IsSortedLowerCaseAndHasProvenance) {
  std::ifstream in(shipped_list);
  ASSERT_TRUE(in);
  std::string line;
  std::string previous;
  bool has_source = false;
  bool has_licence = false;
  while (std::getline(in, line)) {
    if (line.rfind('#', 0) == 0) {
      has_source = has_source || line.find("disposable-email-domains@") != std::string::npos;
      has_licence = has_licence || line.find("Licence:   MIT") != std::string::npos;
      continue;
    }
    ASSERT_EQ(normalise_domain_entry(line), line);
    ASSERT_LT(previous, line) << "not sorted or not unique";
    previous = line;
  }
  EXPECT_TRUE(has_source);
  EXPECT_TRUE(has_licence);
}

}  // namespace
}  // namespace leadsync::core::junk
