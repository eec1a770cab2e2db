#include "core/junk/email_syntax.hpp"

#include <gtest/gtest.h>

#include <string>

namespace leadsync::core::junk {
namespace {

TEST(EmailSyntax, AcceptsOrdinaryAddresses) {
  for (const char* address : {"ada@example.com", "Ada.Lovelace@Example.CO.UK", "a+tag@sub.example.org",
                              "o'brien@example.ie", "x_y-z@ex-ample.io", "1@2.de", "user@xn--mnchen-3ya.de",
                              "user@example.xn--p1ai", "  padded@example.com \n", "\xc3\xa5sa@example.se"}) {
    const email_parts parts = check_email(address);
    EXPECT_TRUE(parts.ok()) << address << ": " << parts.problem;
  }
}

TEST(EmailSyntax, SplitsAndLowerCases) {
  const email_parts parts = check_email(" Ada.Lovelace+News@Example.COM ");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts.local, "ada.lovelace+news");
  EXPECT_EQ(parts.domain, "example.com");
}

TEST(EmailSyntax, RejectsBrokenAddresses) {
  const std::string long_local(65, 'a');
  const std::string long_label(64, 'b');
  const std::string long_address = "a@" + std::string(250, 'c') + ".com";
  for (const std::string& address :
       {std::string("plainaddress"), std::string("@example.com"), std::string("a@@example.com"),
        std::string("a@b@example.com"), std::string("a b@example.com"), std::string("ab@exa mple.com"),
        std::string("ab@example"), std::string("ab@example.c"), std::string("ab@example.123"),
        std::string("ab@-example.com"), std::string("ab@example-.com"), std::string("ab@example..com"),
        std::string("ab@.example.com"), std::string("ab@example.com."), std::string("ab@"),
        std::string(".ab@example.com"), std::string("ab.@example.com"), std::string("a..b@example.com"),
        std::string("a(b)@example.com"), std::string("a,b@example.com"), std::string("ab@exam_ple.com"),
        std::string("ab@m\xc3\xbcnchen.de"), std::string("ab@[192.0.2.1]"), std::string("ab@192.0.2.1"),
        std::string("\"a b\"@example.com"), std::string("a\tb@example.com"), std::string("a\x7f@example.com"),
        std::string("\xff\xfe@example.com"), long_local + "@example.com", "ab@" + long_label + ".com",
        long_address}) {
    const email_parts parts = check_email(address);
    EXPECT_FALSE(parts.ok()) << address;
    EXPECT_TRUE(parts.local.empty());
    EXPECT_TRUE(parts.domain.empty());
  }
}

TEST(EmailSyntax, BoundariesAreInclusive) {
  const std::string local64(64, 'a');
  EXPECT_TRUE(check_email(local64 + "@example.com").ok());
  const std::string label63(63, 'b');
  EXPECT_TRUE(check_email("ab@" + label63 + ".com").ok());
  EXPECT_TRUE(check_email("ab@example.io").ok());
}

TEST(EmailSyntax, ProblemsSayWhatIsWrong) {
  EXPECT_EQ(check_email("ab@example").problem, "the domain has no dot");
  EXPECT_EQ(check_email("ab").problem, "it has no @");
  EXPECT_EQ(check_email("a b@example.com").problem, "it contains a space or a control character");
  EXPECT_EQ(check_email("ab@example.c").problem, "the top-level domain is not two or more letters");
}

TEST(HostName, LabelsOnly) {
  EXPECT_EQ(host_name_problem("example.com"), "");
  EXPECT_EQ(host_name_problem("ru"), "");
  EXPECT_EQ(host_name_problem("xn--80adxhks.xn--p1ai"), "");
  EXPECT_NE(host_name_problem(""), "");
  EXPECT_NE(host_name_problem("a..b"), "");
  EXPECT_NE(host_name_problem("-a.com"), "");
  EXPECT_NE(host_name_problem("a_b.com"), "");
  EXPECT_NE(host_name_problem(std::string(254, 'a')), "");
}

}  // namespace
}  // namespace leadsync::core::junk
