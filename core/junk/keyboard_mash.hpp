#pragma once

#include <string_view>

// The "keyboard_mash" heuristic: does a name or company look like someone hit
// the keyboard instead of typing it? Tuned for a low false-positive rate on
// real names (see README.md and the real-names test); pure, thread-safe.
namespace leadsync::core::junk {

enum class field_kind {
  person_name,  // first or last name
  company,      // all-capital words of up to 5 letters are acronyms (AAA, DFDS, KPMG)
};

// True when any word of `text` is a mash. Words are runs of letters; digits,
// spaces and punctuation separate them ("O'Brien" is "o" and "brien"). A word
// with any non-ASCII character is never a mash (Nguyễn, Åsa). A word is a mash
// when, ASCII lower-cased, it is
//  - one letter repeated, three or more times ("aaa", "xxxx");
//  - a unit repeated: three or more times ("lalala", "abcabcabc"), or twice
//    when the unit has no vowel or is itself a run of keys ("jkjk", "sdfsdf",
//    "asdasd"; but "lili", "yanyan", "tingting" are names);
//  - or contains a straight run of neighbouring keys on one QWERTY row, in
//    one direction: 4 on the home or bottom row ("asdf", "hjkl", "zxcv",
//    "lkjh"), 5 on the top row where vowels make shorter runs common in names
//    ("qwert"; "Doherty", "Gerty", "Trewin" have 4);
//  - a whole word of three such keys on the home or bottom row, or "qwe";
//  - five or more consonants in a row all from one keyboard row ("fjdksl");
//  - seven or more consonant sounds in a row, counting sch, ch, sh, th, ph,
//    gh, kh, zh, ck, cz, sz, rz, tz, dz, ts and a doubled letter as one
//    ("Mkrtchyan" has 5, "Llanfairpwllgwyngyll" 6,
//    "Mtskhvarishvili" 4, "Angstschweiss" 6);
//  - six or more letters without a vowel (a, e, i, o, u, y).
bool looks_like_keyboard_mash(std::string_view text, field_kind kind);

}  // namespace leadsync::core::junk
