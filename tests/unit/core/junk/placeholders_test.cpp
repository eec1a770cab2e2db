#include "core/junk/placeholders.hpp"

#include <gtest/gtest.h>

#include "core/junk/rules.hpp"

namespace leadsync::core::junk {
namespace {

string_set default_names() {
  string_set names;
  for (const std::string& n : default_placeholder_names()) {
    names.insert(normalise_phrase(n));
  }
  return names;
}

TEST(PlaceholderName, ListedFullNames) {
  const string_set names = default_names();
  EXPECT_EQ(placeholder_name("Mickey", "Mouse", "", names), "\"Mickey Mouse\" is a placeholder name");
  EXPECT_NE(placeholder_name("  mickey ", " MOUSE ", "", names), "");
  EXPECT_NE(placeholder_name("Mickey  Mouse", "", "", names), "");  // all in one field
  EXPECT_NE(placeholder_name("", "Donald Duck", "", names), "");
  EXPECT_NE(placeholder_name("John", "Doe", "", names), "");
  EXPECT_NE(placeholder_name("Jane", "Doe", "", names), "");
  EXPECT_NE(placeholder_name("first", "last", "", names), "");
  EXPECT_NE(placeholder_name("Test", "Test", "", names), "");
  EXPECT_EQ(placeholder_name("Mickey", "Rourke", "", names), "");
  EXPECT_EQ(placeholder_name("Donald", "Knuth", "", names), "");
  EXPECT_EQ(placeholder_name("John", "Smith", "", names), "");
  EXPECT_EQ(placeholder_name("Jane", "Doerr", "", names), "");
}

TEST(PlaceholderName, ListedSingleWordsInEitherField) {
  const string_set names = default_names();
  EXPECT_EQ(placeholder_name("asdf", "", "", names), "\"asdf\" is a placeholder name");
  EXPECT_EQ(placeholder_name("Test", "Miller", "", names), "first name \"Test\" is a placeholder");
  EXPECT_EQ(placeholder_name("Anna", "xxx", "", names), "last name \"xxx\" is a placeholder");
  EXPECT_EQ(placeholder_name("Bar", "Refaeli", "", names), "");
  EXPECT_EQ(placeholder_name("Testa", "Rossi", "", names), "");
}

TEST(PlaceholderName, SameGenericWordTwice) {
  const string_set names;  // heuristics work without any list
  EXPECT_EQ(placeholder_name("test", "TEST", "", names), "first and last name are both \"test\"");
  EXPECT_NE(placeholder_name("a", "a", "", names), "");
  EXPECT_NE(placeholder_name("User", "user", "", names), "");
  EXPECT_NE(placeholder_name("n/a", "N/A", "", names), "");
  EXPECT_EQ(placeholder_name("Aye", "Aye", "", names), "");
  EXPECT_EQ(placeholder_name("Ali", "Ali", "", names), "");
  EXPECT_EQ(placeholder_name("test", "", "", names), "");
}

TEST(PlaceholderName, LocalPartTypedTwice) {
  const string_set names;
  EXPECT_EQ(placeholder_name("bob", "Bob", "bob", names),
            "first and last name both repeat the email address's local part");
  EXPECT_NE(placeholder_name("bob", "bob", "bob+leads", names), "");
  EXPECT_EQ(placeholder_name("bob", "bob", "robert", names), "");
  EXPECT_EQ(placeholder_name("Bob", "Smith", "bob", names), "");
  EXPECT_EQ(placeholder_name("", "", "bob", names), "");
}

TEST(PlaceholderPhone, ObviousFakes) {
  for (const char* phone : {"0000000000", "111111", "+1 (555) 555-5555", "123456", "1234567890", "+1234567890",
                            "01234 567890", "987654321", "555-0100", "+1 415 555 0123", "1-212-555-0199"}) {
    EXPECT_TRUE(is_placeholder_phone(phone)) << phone;
  }
}

TEST(PlaceholderPhone, RealNumbersAndNonNumbers) {
  for (const char* phone : {"", "12345", "+49 30 901820", "+44 20 7946 0958", "+1 415 555 1212", "+1 212 555 0200",
                            "+81 3-1234-5678", "n/a", "call me", "0800 123 456", "+33 1 23 45 67 89"}) {
    EXPECT_FALSE(is_placeholder_phone(phone)) << phone;
  }
}

}  // namespace
}  // namespace leadsync::core::junk
