#include "core/expression/tokenizer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <utility>

namespace leadsync::core::expr::detail {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_letter(c) || is_digit(c); }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

struct unit_spec {
  std::string_view suffix;
  std::int64_t millis;
};

constexpr std::array<unit_spec, 6> units{{
    {"ms", 1},
    {"s", 1'000},
    {"m", 60'000},
    {"h", 3'600'000},
    {"d", 86'400'000},
    {"w", 604'800'000},
}};

struct keyword_spec {
  std::string_view word;
  token_kind kind;
};

constexpr std::array<keyword_spec, 7> keyword_tokens{{
    {"true", token_kind::kw_true},
    {"false", token_kind::kw_false},
    {"null", token_kind::kw_null},
    {"and", token_kind::kw_and},
    {"or", token_kind::kw_or},
    {"not", token_kind::kw_not},
    {"in", token_kind::kw_in},
}};

// Walks the source byte by byte while counting columns in code points.
class scanner {
 public:
  explicit scanner(std::string_view source) : source_(source) {}

  std::vector<token> run() {
    std::vector<token> tokens;
    while (true) {
      skip_space();
      token t = next();
      const bool last = t.kind == token_kind::end || t.kind == token_kind::error;
      tokens.push_back(std::move(t));
      if (last) {
        return tokens;
      }
    }
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < source_.size() ? source_[pos_ + ahead] : '\0';
  }
  bool at_end() const { return pos_ >= source_.size(); }

  void advance(std::size_t bytes = 1) {
    for (std::size_t i = 0; i < bytes && pos_ < source_.size(); ++i, ++pos_) {
      if (!is_continuation(source_[pos_])) {
        ++column_;
      }
    }
  }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      advance();
    }
  }

  token make(token_kind kind, std::size_t start, std::uint32_t column) const {
    token t;
    t.kind = kind;
    t.column = column;
    t.text = source_.substr(start, pos_ - start);
    return t;
  }

  static token fail(std::uint32_t column, std::string message) {
    token t;
    t.kind = token_kind::error;
    t.column = column;
    t.message = std::move(message);
    return t;
  }

  token next() {
    const std::size_t start = pos_;
    const std::uint32_t column = column_;
    if (at_end()) {
      return make(token_kind::end, start, column);
    }
    const char c = peek();
    if (is_letter(c)) {
      return word(start, column);
    }
    if (is_digit(c)) {
      return number(start, column);
    }
    if (c == '"') {
      return string(start, column);
    }
    return punctuation(start, column);
  }

  token word(std::size_t start, std::uint32_t column) {
    while (is_word(peek())) {
      advance();
    }
    const std::string_view first = source_.substr(start, pos_ - start);
    for (const keyword_spec& k : keyword_tokens) {
      if (first == k.word) {
        return make(k.kind, start, column);
      }
    }
    while (peek() == '.') {
      advance();
      if (!is_letter(peek())) {
        return fail(column_, "expected a name after '.'");
      }
      while (is_word(peek())) {
        advance();
      }
    }
    return make(token_kind::name, start, column);
  }

  token number(std::size_t start, std::uint32_t column) {
    while (is_digit(peek())) {
      advance();
    }
    bool fraction = false;
    if (peek() == '.') {
      advance();
      if (!is_digit(peek())) {
        return fail(column_, "expected a digit after '.' in a number");
      }
      fraction = true;
      while (is_digit(peek())) {
        advance();
      }
    }
    const std::string_view digits = source_.substr(start, pos_ - start);
    if (is_letter(peek())) {
      return duration(start, column, digits, fraction);
    }
    token t = make(token_kind::number, start, column);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t.number);
    if (ec != std::errc{} || end != digits.data() + digits.size()) {
      return fail(column, "number out of range");
    }
    return t;
  }

  token duration(std::size_t start, std::uint32_t column, std::string_view digits, bool fraction) {
    const std::size_t unit_start = pos_;
    const std::uint32_t unit_column = column_;
    while (is_word(peek())) {
      advance();
    }
    const std::string_view unit = source_.substr(unit_start, pos_ - unit_start);
    const unit_spec* spec = nullptr;
    for (const unit_spec& u : units) {
      if (unit == u.suffix) {
        spec = &u;
      }
    }
    if (spec == nullptr) {
      return fail(unit_column, "unknown duration unit " + quote(echo(unit)) + "; use ms, s, m, h, d or w");
    }
    if (fraction) {
      return fail(column, "a duration needs a whole number: write 90m, not 1.5h");
    }
    std::int64_t amount = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), amount);
    if (ec != std::errc{} || end != digits.data() + digits.size() ||
        amount > std::numeric_limits<std::int64_t>::max() / spec->millis) {
      return fail(column, "duration out of range");
    }
    token t = make(token_kind::duration, start, column);
    t.millis = amount * spec->millis;
    t.unit = spec->suffix;
    return t;
  }

  token string(std::size_t start, std::uint32_t column) {
    advance();  // the opening quote
    while (!at_end()) {
      const char c = peek();
      if (c == '"') {
        advance();
        return make(token_kind::string, start, column);
      }
      if (c == '\\') {
        const char escaped = peek(1);
        if (escaped == '"' || escaped == '\\') {
          advance(2);
          continue;
        }
        if (escaped == '\0' && pos_ + 1 >= source_.size()) {
          break;  // a backslash at the very end: unterminated
        }
        const std::uint32_t at = column_;
        return fail(at, "unknown escape '\\" + echo(source_.substr(pos_ + 1, 1)) +
                            "' in a string; only \\\" and \\\\ are allowed");
      }
      if (is_control(c)) {
        return fail(column_, "control character " + quote(echo(source_.substr(pos_, 1))) + " in a string");
      }
      advance();
    }
    return fail(column, "unterminated string");
  }

  token punctuation(std::size_t start, std::uint32_t column) {
    const char c = peek();
    const char n = peek(1);
    auto take = [&](token_kind kind, std::size_t bytes) {
      advance(bytes);
      return make(kind, start, column);
    };
    switch (c) {
      case '&':
        return n == '&' ? take(token_kind::and_and, 2) : fail(column, "'&' is not an operator; use '&&' or 'and'");
      case '|':
        return n == '|' ? take(token_kind::or_or, 2) : fail(column, "'|' is not an operator; use '||' or 'or'");
      case '=':
        return n == '=' ? take(token_kind::equal, 2) : fail(column, "'=' is not an operator; use '==' to compare");
      case '!':
        return n == '=' ? take(token_kind::not_equal, 2) : take(token_kind::bang, 1);
      case '<':
        return n == '=' ? take(token_kind::less_equal, 2) : take(token_kind::less, 1);
      case '>':
        return n == '=' ? take(token_kind::greater_equal, 2) : take(token_kind::greater, 1);
      case '+':
        return take(token_kind::plus, 1);
      case '-':
        return take(token_kind::minus, 1);
      case '*':
        return take(token_kind::star, 1);
      case '/':
        return take(token_kind::slash, 1);
      case '(':
        return take(token_kind::left_paren, 1);
      case ')':
        return take(token_kind::right_paren, 1);
      case '[':
        return take(token_kind::left_bracket, 1);
      case ']':
        return take(token_kind::right_bracket, 1);
      case ',':
        return take(token_kind::comma, 1);
      case '\'':
        return fail(column, "strings use double quotes: \"...\"");
      case '.':
        if (is_digit(n)) {
          return fail(column, "a number needs a digit before '.': write 0.5, not .5");
        }
        break;
      default:
        break;
    }
    return unexpected(column);
  }

  token unexpected(std::uint32_t column) const {
    // Echo one whole UTF-8 character when it is well formed, else the byte.
    const auto lead = static_cast<unsigned char>(peek());
    std::size_t length = 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
    }
    bool well_formed = pos_ + length <= source_.size() && (lead < 0x80 || length > 1);
    for (std::size_t i = 1; well_formed && i < length; ++i) {
      well_formed = is_continuation(source_[pos_ + i]);
    }
    std::string shown;
    if (lead >= 0x80 && !well_formed) {
      std::array<char, 8> buffer{};
      std::snprintf(buffer.data(), buffer.size(), "\\x%02x", static_cast<unsigned>(lead));
      shown = buffer.data();
    } else {
      shown = echo(source_.substr(pos_, length));
    }
    std::string message = "unexpected character " + quote(shown);
    if (shown == "\xE2\x80\x9C" || shown == "\xE2\x80\x9D" || shown == "\xE2\x80\x98" || shown == "\xE2\x80\x99") {
      message += "; strings use plain double quotes: \"...\"";
    }
    return fail(column, std::move(message));
  }

  std::string_view source_;
  std::size_t pos_ = 0;
  std::uint32_t column_ = 1;
};

}  // namespace

std::vector<token> tokenize(std::string_view source) { return scanner(source).run(); }

std::string unescape(std::string_view quoted) {
  const std::string_view inner = quoted.substr(1, quoted.size() - 2);
  std::string out;
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) {
      ++i;
    }
    out += inner[i];
  }
  return out;
}

std::string quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

std::string echo(std::string_view text, std::size_t limit) {
  std::size_t cut = std::min(text.size(), limit);
  while (cut > 0 && cut < text.size() && is_continuation(text[cut])) {
    --cut;  // do not split a UTF-8 character
  }
  std::string out;
  for (std::size_t i = 0; i < cut; ++i) {
    const char c = text[i];
    if (is_control(c)) {
      std::array<char, 8> buffer{};
      std::snprintf(buffer.data(), buffer.size(), "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buffer.data();
    } else {
      out += c;
    }
  }
  if (cut < text.size()) {
    out += "...";
  }
  return out;
}

std::string describe(const token& t) {
  switch (t.kind) {
    case token_kind::end:
      return "end of input";
    case token_kind::error:
      return t.message;
    case token_kind::number:
      return "number " + echo(t.text);
    case token_kind::duration:
      return "duration " + echo(t.text);
    case token_kind::string:
      return "string " + echo(t.text);
    case token_kind::name:
      return "name " + quote(echo(t.text));
    default:
      return quote(t.text);
  }
}

}  // namespace leadsync::core::expr::detail
