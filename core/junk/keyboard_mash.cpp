#include "core/junk/keyboard_mash.hpp"

#include <array>
#include <cstddef>
#include <string>

#include "core/junk/text.hpp"

// Every rule below was checked against the real-names list in
// tests/unit/core/junk/real_names_test.cpp; when changing a threshold, extend
// that list with the names that motivated the old one.
namespace leadsync::core::junk {
namespace {

constexpr std::array<std::string_view, 3> rows{"qwertyuiop", "asdfghjkl", "zxcvbnm"};
constexpr std::size_t top_row = 0;
constexpr std::size_t top_row_run = 5;    // vowels on the top row: "erty" is in Doherty
constexpr std::size_t other_row_run = 4;  // "asdf", "zxcv"
constexpr std::size_t same_row_consonants = 5;
constexpr std::size_t max_consonant_sounds = 6;
constexpr std::size_t min_vowelless_letters = 6;
constexpr std::size_t max_acronym_letters = 5;

struct key {
  std::size_t row = rows.size();  // rows.size(): not a letter key
  std::size_t column = 0;
};

constexpr std::array<key, 26> make_keys() {
  std::array<key, 26> keys{};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      keys[static_cast<std::size_t>(rows[r][c] - 'a')] = {r, c};
    }
  }
  return keys;
}

constexpr std::array<key, 26> keys = make_keys();

key key_of(char lower) {
  return (lower >= 'a' && lower <= 'z') ? keys[static_cast<std::size_t>(lower - 'a')] : key{};
}

// +1 or -1 when b is the key right or left of a on the same row, else 0.
int step(char a, char b) {
  const key ka = key_of(a);
  const key kb = key_of(b);
  if (ka.row == rows.size() || ka.row != kb.row) {
    return 0;
  }
  if (kb.column == ka.column + 1) {
    return 1;
  }
  if (ka.column == kb.column + 1) {
    return -1;
  }
  return 0;
}

bool is_vowel(char lower) {
  return lower == 'a' || lower == 'e' || lower == 'i' || lower == 'o' || lower == 'u' || lower == 'y';
}

bool has_vowel(std::string_view word) {
  for (const char c : word) {
    if (is_vowel(c)) {
      return true;
    }
  }
  return false;
}

// Whether the whole of `word` (2+ letters) is one straight run of keys.
bool is_key_run(std::string_view word) {
  if (word.size() < 2) {
    return false;
  }
  const int direction = step(word[0], word[1]);
  if (direction == 0) {
    return false;
  }
  for (std::size_t i = 2; i < word.size(); ++i) {
    if (step(word[i - 1], word[i]) != direction) {
      return false;
    }
  }
  return true;
}

bool has_long_key_run(std::string_view word) {
  std::size_t run = 1;
  int direction = 0;
  for (std::size_t i = 1; i < word.size(); ++i) {
    const int s = step(word[i - 1], word[i]);
    if (s == 0) {
      run = 1;
      direction = 0;
      continue;
    }
    run = (s == direction) ? run + 1 : 2;
    direction = s;
    const std::size_t needed = key_of(word[i]).row == top_row ? top_row_run : other_row_run;
    if (run >= needed) {
      return true;
    }
  }
  return false;
}

bool is_short_key_run(std::string_view word) {
  if (word == "qwe" || word == "ewq") {
    return true;
  }
  return word.size() == 3 && key_of(word[0]).row != top_row && is_key_run(word);
}

bool is_repetition(std::string_view word) {
  const std::size_t n = word.size();
  if (n >= 3 && word.find_first_not_of(word[0]) == std::string_view::npos) {
    return true;
  }
  for (std::size_t period = 2; period <= n / 2; ++period) {
    if (n % period != 0) {
      continue;
    }
    bool repeats = true;
    for (std::size_t i = period; i < n && repeats; ++i) {
      repeats = word[i] == word[i - period];
    }
    if (!repeats) {
      continue;
    }
    const std::string_view unit = word.substr(0, period);
    // A two-key unit with a vowel is a name ("Sasa", "Lili"); three keys are a run ("asdasd").
    return n / period >= 3 || !has_vowel(unit) || (period >= 3 && is_key_run(unit));
  }
  return false;
}

bool has_same_row_consonants(std::string_view word) {
  std::size_t run = 0;
  std::size_t row = rows.size();
  for (const char c : word) {
    const key k = key_of(c);
    if (is_vowel(c)) {
      run = 0;
      continue;
    }
    run = (run > 0 && k.row == row) ? run + 1 : 1;
    row = k.row;
    if (run >= same_row_consonants) {
      return true;
    }
  }
  return false;
}

// Length of the digraph or trigraph at word[i] that reads as one consonant:
// sch; ch, sh, th, ph, gh, kh, zh; ck; cz, sz, rz, tz, dz; ts.
std::size_t sound_length(std::string_view word, std::size_t i) {
  if (i + 1 >= word.size()) {
    return 1;
  }
  const char a = word[i];
  const char b = word[i + 1];
  if (a == 's' && b == 'c' && i + 2 < word.size() && word[i + 2] == 'h') {
    return 3;
  }
  switch (b) {
    case 'h':
      return std::string_view("cstpgkz").find(a) != std::string_view::npos ? 2 : 1;
    case 'k':
      return a == 'c' ? 2 : 1;
    case 'z':
      return std::string_view("csrtd").find(a) != std::string_view::npos ? 2 : 1;
    case 's':
      return a == 't' ? 2 : 1;
    default:
      return 1;
  }
}

bool has_long_consonant_cluster(std::string_view word) {
  std::size_t sounds = 0;
  for (std::size_t i = 0; i < word.size();) {
    if (is_vowel(word[i])) {
      sounds = 0;
      ++i;
      continue;
    }
    if (i > 0 && word[i] == word[i - 1]) {
      ++i;  // a doubled letter is one sound: the "ll" of Llanfairpwllgwyngyll
      continue;
    }
    const std::size_t length = sound_length(word, i);
    bool all_consonants = true;
    for (std::size_t k = 1; k < length; ++k) {
      all_consonants = all_consonants && !is_vowel(word[i + k]);
    }
    i += all_consonants ? length : 1;
    if (++sounds > max_consonant_sounds) {
      return true;
    }
  }
  return false;
}

bool is_mash_word(std::string_view word) {
  return is_repetition(word) || has_long_key_run(word) || is_short_key_run(word) ||
         has_same_row_consonants(word) || has_long_consonant_cluster(word) ||
         (word.size() >= min_vowelless_letters && !has_vowel(word));
}

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_upper(std::string_view word) {
  for (const char c : word) {
    if (c < 'A' || c > 'Z') {
      return false;
    }
  }
  return true;
}

}  // namespace

bool looks_like_keyboard_mash(std::string_view text, field_kind kind) {
  std::size_t i = 0;
  while (i < text.size()) {
    // A word: ASCII letters and any non-ASCII bytes (letters of other scripts).
    const auto is_word_byte = [&](std::size_t k) {
      return is_ascii_letter(text[k]) || static_cast<unsigned char>(text[k]) >= 0x80U;
    };
    if (!is_word_byte(i)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    bool ascii = true;
    while (end < text.size() && is_word_byte(end)) {
      ascii = ascii && is_ascii_letter(text[end]);
      ++end;
    }
    const std::string_view word = text.substr(i, end - i);
    i = end;
    if (!ascii) {
      continue;  // another script or diacritics: a person typed this
    }
    if (kind == field_kind::company && word.size() <= max_acronym_letters && is_upper(word)) {
      continue;
    }
    if (is_mash_word(ascii_lower(word))) {
      return true;
    }
  }
  return false;
}

}  // namespace leadsync::core::junk
