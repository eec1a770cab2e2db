#include "core/junk/keyboard_mash.hpp"

#include <gtest/gtest.h>

namespace leadsync::core::junk {
namespace {

bool name_mash(std::string_view text) {
  return looks_like_keyboard_mash(text, field_kind::person_name);
}

bool company_mash(std::string_view text) {
  return looks_like_keyboard_mash(text, field_kind::company);
}

TEST(KeyboardMash, RowRuns) {
  for (const char* text : {"asdf", "asdfgh", "ASDFGH", "Asdfjkl", "hjkl", "zxcv", "zxcvbnm", "lkjh", "fdsa",
                           "qwert", "qwerty", "Qwertz", "poiuy", "yuiop", "jdhgfd", "asdf123", "Mr Asdf"}) {
    EXPECT_TRUE(name_mash(text)) << text;
  }
}

TEST(KeyboardMash, RowRunsThatNamesContainAreTooShort) {
  // Top-row runs of four occur in real names; home-row runs of three too.
  for (const char* text : {"Doherty", "Gerty", "Wertheimer", "Trewin", "Liberty", "Asda", "Glass", "Dallas",
                           "Yui", "Poirot", "Qwest"}) {
    EXPECT_FALSE(name_mash(text)) << text;
  }
}

TEST(KeyboardMash, ShortRunAsAWholeWord) {
  for (const char* text : {"asd", "sdf", "jkl", "zxc", "qwe", "Bnm"}) {
    EXPECT_TRUE(name_mash(text)) << text;
  }
  for (const char* text : {"Yui", "Uio", "Ert", "Ali"}) {
    EXPECT_FALSE(name_mash(text)) << text;
  }
}

TEST(KeyboardMash, Repetition) {
  for (const char* text : {"aaa", "xxxx", "AAAAAA", "jkjk", "jkjkjk", "sdfsdf", "dfgdfg", "asdasd", "qweqwe",
                           "lalala", "ababab", "hahaha"}) {
    EXPECT_TRUE(name_mash(text)) << text;
  }
  // Reduplicated given names are real: Chinese, Burmese, French, Swahili.
  for (const char* text : {"Lili", "Nana", "Jojo", "Kiki", "Lulu", "Mimi", "Yanyan", "Weiwei", "Tingting",
                           "Lingling", "Jingjing", "Huihui", "Aa", "Bebe", "Baba", "Sasa", "Asas"}) {
    EXPECT_FALSE(name_mash(text)) << text;
  }
}

TEST(KeyboardMash, ConsonantRuns) {
  for (const char* text : {"fjdksl", "ghfjdk", "bvnmcx", "xkcdfgbrtpl", "bcdfgh", "Vbnmx", "kjhgfd",
                           "sdfghjklmnb"}) {
    EXPECT_TRUE(name_mash(text)) << text;
  }
  for (const char* text : {"Mkrtchyan", "Mtskhvarishvili", "Nietzsche", "Schwarzkopf", "Angstschweiss",
                           "Chrzczonowicz", "Knightsbridge", "Dijkstra", "Szczepanski", "Wszczeborski",
                           "Goldshtein", "Khrushchev", "Tumblr", "Ng", "Vlk"}) {
    EXPECT_FALSE(name_mash(text)) << text;
  }
}

TEST(KeyboardMash, NonAsciiWordsAreNeverMashes) {
  EXPECT_FALSE(name_mash("Nguy\xe1\xbb\x85n"));
  EXPECT_FALSE(name_mash("\xc3\x85sa"));
  EXPECT_FALSE(name_mash("\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e"));  // 王小明
  EXPECT_FALSE(name_mash("\xd0\xb9\xd1\x86\xd1\x83\xd0\xba\xd0\xb5\xd0\xbd"));  // йцукен, the Russian top row
  EXPECT_FALSE(name_mash("O\xe2\x80\x99" "Brien"));  // typographic apostrophe joins the word
}

TEST(KeyboardMash, CompanyAcronymsAreNotMashes) {
  for (const char* text : {"AAA", "BBB", "DFDS", "KPMG", "HSBC", "ASDF", "3M", "IBM Deutschland GmbH",
                           "Asda Stores Ltd", "Qwest Communications"}) {
    EXPECT_FALSE(company_mash(text)) << text;
  }
  EXPECT_TRUE(company_mash("asdf"));
  EXPECT_TRUE(company_mash("Asdfgh Inc"));
  EXPECT_TRUE(company_mash("QWERTYUIOP"));
  EXPECT_TRUE(name_mash("AAA"));
}

TEST(KeyboardMash, EmptyAndPunctuation) {
  EXPECT_FALSE(name_mash(""));
  EXPECT_FALSE(name_mash("   "));
  EXPECT_FALSE(name_mash("-.'"));
  EXPECT_FALSE(name_mash("J."));
  EXPECT_FALSE(name_mash("123456"));
}

}  // namespace
}  // namespace leadsync::core::junk
