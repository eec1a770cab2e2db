// Real names must never be junk. This list is the guard rail of the
// keyboard_mash and placeholder_name heuristics: names from many languages,
// with the clusters, doublings and key runs that naive checks trip over. Add
// to it whenever a real name is reported as junk.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/junk/classify.hpp"
#include "core/junk/keyboard_mash.hpp"

namespace leadsync::core::junk {
namespace {

struct name {
  const char* first;
  const char* last;
};

const std::vector<name> real_names{
    // the brief's examples
    {"Nguy\xe1\xbb\x85n", "V\xc4\x83n An"}, {"\xc3\x85sa", "Lindstr\xc3\xb6m"}, {"Wei", "Ng"}, {"Lei", "Xu"},
    {"Rhys", "Llewellyn"}, {"Norman", "Schwarzkopf"}, {"Siobh\xc3\xa1n", "O'Brien"}, {"Zbigniew", "Brzezi\xc5\x84ski"},
    {"Krzysztof", "Kie\xc5\x9blowski"},
    // ASCII transliterations keep their clusters
    {"Zbigniew", "Brzezinski"}, {"Krzysztof", "Kieslowski"}, {"Grzegorz", "Brzeczyszczykiewicz"},
    {"Wojciech", "Szczepanski"}, {"Przemyslaw", "Przybylski"}, {"Jiri", "Strnad"}, {"Petr", "Vlk"},
    {"Tomas", "Dvorak"}, {"Zdenek", "Smrcka"},
    // English, Irish, Scottish, Welsh
    {"Mary", "Doherty"}, {"Gerty", "Cori"}, {"Liberty", "Ross"}, {"Sean", "O'Connor"}, {"Niamh", "McGrath"},
    {"Caoimhe", "Ni Bhriain"}, {"Dafydd", "ap Gwilym"}, {"Gwynfor", "Llwyd"}, {"Hugh", "Knightley"},
    {"Dallas", "Glass"}, {"Ashley", "Fish"}, {"Tristram", "Trewin"}, {"Mickey", "Rourke"}, {"Donald", "Knuth"},
    {"John", "Smith"}, {"Jane", "Austen"},
    // German, Dutch, Nordic
    {"Friedrich", "Nietzsche"}, {"Max", "Wertheimer"}, {"J\xc3\xbcrgen", "M\xc3\xbcller"}, {"Karl", "Schwarzschild"},
    {"Edsger", "Dijkstra"}, {"Pieter", "van der Berg"}, {"Hjalmar", "Branting"}, {"Bj\xc3\xb8rn", "\xc3\x98yvind"},
    {"\xc3\x9e\xc3\xb3r\xc3\xb0ur", "Gu\xc3\xb0mundsd\xc3\xb3ttir"}, {"Gudrun", "Gudmundsdottir"}, {"Eeva", "Aaltonen"},
    {"Aaron", "Goldshtein"},
    // Slavic, Baltic, Caucasus
    {"Nikita", "Khrushchev"}, {"Mstislav", "Rostropovich"}, {"Andriy", "Vyshnevskyi"}, {"Pyotr", "Tchaikovsky"},
    {"Henrikh", "Mkhitaryan"}, {"Armen", "Mkrtchyan"}, {"Giorgi", "Mtskhvarishvili"}, {"Nino", "Mchedlishvili"},
    {"Ioseb", "Dzhugashvili"}, {"Vilius", "Zhdanov"},
    // East and South-East Asia (including reduplicated given names)
    {"Tingting", "Wang"}, {"Lingling", "Zhang"}, {"Yanyan", "Zhou"}, {"Weiwei", "Qiu"}, {"Lili", "Xie"},
    {"Jingjing", "Xiong"}, {"Huihui", "Zhuang"}, {"Xiaoxiao", "Li"}, {"Yu", "Wu"}, {"Yui", "Aragaki"},
    {"Tsubasa", "Ryu"}, {"Tsuyoshi", "Kyo"}, {"Ji-hoon", "Park"}, {"Seo-yeon", "Kim"}, {"Thi", "Tran"},
    {"Aye", "Aye"}, {"Khin", "Khin"}, {"Tun", "Tun"}, {"Hla", "Hla"}, {"Siew", "Ooi"}, {"Somchai", "Srisuk"},
    // South Asia, Middle East
    {"Lakshmi", "Venkataraghavan"}, {"Kshitij", "Subrahmanyam"}, {"Krishnamurthy", "Srinivasan"},
    {"Ali", "Ali"}, {"Mohammed", "Al-Khwarizmi"}, {"Abdullah", "Abd al-Rahman"}, {"Bar", "Refaeli"},
    // Africa
    {"Thabo", "Mbeki"}, {"Ngozi", "Okonjo-Iweala"}, {"Chinedu", "Nwachukwu"}, {"Lupita", "Nyong'o"},
    {"Sipho", "Tshabalala"}, {"Nomvula", "Mthembu"}, {"Zanele", "Dlamini"}, {"Bongani", "Ngcobo"},
    {"Thandiwe", "Hlongwane"}, {"Morgan", "Tsvangirai"}, {"Kylian", "Mbapp\xc3\xa9"},
    // Romance, Hungarian, Turkish, Greek
    {"Fran\xc3\xa7ois", "Lef\xc3\xa8vre"}, {"Gyorgy", "Szoke"}, {"\xc3\x87" "a\xc4\x9flar", "\xc5\x9e\xc3\xbckr\xc3\xbc"},
    {"Ptolemy", "Papadopoulos"}, {"Lulu", "Mimi"}, {"Jojo", "Kiki"}, {"Nana", "Bebe"}, {"Sasa", "Petrovic"},
    // initials and short forms
    {"J.", "R."}, {"A", "B"}, {"Ng", "Ng"}, {"Xu", "Xu"}};

const std::vector<const char*> real_companies{
    "AAA", "BBB", "DFDS", "KPMG", "HSBC", "3M", "IBM Deutschland GmbH", "Asda Stores Ltd", "Qwest Communications",
    "Tumblr", "Flickr", "Lyft", "Xerox", "Knightsbridge Partners", "Angstschweiss GmbH", "Kunstschule Wien",
    "BNP Paribas", "CVS Health", "Nippon Telegraph and Telephone", "Zzap Ltd", "Wertheim Immobilien",
    "Llanfairpwllgwyngyll Wool Shop", "Dr. Oetker", "Sch\xc3\xb6" "ller", "M\xc3\xa4rklin", "Przedsiebiorstwo Budowlane",
    "Chrzczonowicz i Synowie", "Mkrtchyan Brothers"};

TEST(RealNames, AreNeverKeyboardMashes) {
  ASSERT_GE(real_names.size(), 100U);
  for (const name& n : real_names) {
    EXPECT_FALSE(looks_like_keyboard_mash(n.first, field_kind::person_name)) << n.first;
    EXPECT_FALSE(looks_like_keyboard_mash(n.last, field_kind::person_name)) << n.last;
  }
  for (const char* company : real_companies) {
    EXPECT_FALSE(looks_like_keyboard_mash(company, field_kind::company)) << company;
  }
}

TEST(RealNames, AreNeverJunk) {
  const rules defaults;
  for (const name& n : real_names) {
    person p;
    p.email = "someone@acme-industries.com";
    p.first_name = n.first;
    p.last_name = n.last;
    p.company = "Acme Industries";
    p.phone = "+49 30 901820";
    const std::vector<reason> reasons = classify(p, defaults);
    EXPECT_TRUE(reasons.empty()) << n.first << " " << n.last << ": " << reasons.front().code << " "
                                 << reasons.front().message;
  }
}

TEST(RealNames, RepeatedRealNameWithMatchingEmailIsStillFlagged) {
  // The one documented trade-off: "first == last == the email's local part"
  // is taken as a lazily filled form even for a real doubled name.
  person p;
  p.email = "aye@example.com";
  p.first_name = "Aye";
  p.last_name = "Aye";
  const auto reasons = classify(p, rules{});
  ASSERT_EQ(reasons.size(), 1U);
  EXPECT_EQ(reasons[0].code, "placeholder_name");
}

}  // namespace
}  // namespace leadsync::core::junk
