#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Internal to core/expression: the tokenizer feeding the parser.
namespace leadsync::core::expr::detail {

enum class token_kind : std::uint8_t {
  end,    // end of input; always the last token unless an error token is
  error,  // the text could not be tokenized here; message says why; always last
  number,
  duration,
  string,
  name,  // identifiers joined by dots, first segment not a keyword
  kw_true,
  kw_false,
  kw_null,
  kw_and,
  kw_or,
  kw_not,
  kw_in,
  and_and,
  or_or,
  bang,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  plus,
  minus,
  star,
  slash,
  left_paren,
  right_paren,
  left_bracket,
  right_bracket,
  comma,
};

struct token {
  token_kind kind = token_kind::end;
  std::uint32_t column = 0;  // 1-based, in code points
  std::string_view text;     // as written; a string keeps its quotes
  double number = 0;         // number
  std::int64_t millis = 0;   // duration, converted
  std::string_view unit;     // duration, as written: "ms", "s", "m", "h", "d", "w"
  std::string message;       // error
};

// The tokens of `source`, ending with an end or an error token. Strings are
// checked (escapes, termination) but kept escaped: see unescape().
std::vector<token> tokenize(std::string_view source);

// The contents of a string token's text (quotes removed, \" and \\ undone).
// Only called on texts that tokenize() accepted.
std::string unescape(std::string_view quoted);

// How messages quote a token: "end of input", "'&&'", "name 'scroe'",
// "number 12", "string \"abc\"", "duration 14d". Long texts are cut.
std::string describe(const token& t);

// "'text'". (Built by appending: GCC 12 misreports "'" + std::string&& at -O3.)
std::string quote(std::string_view text);

// Input echoed in a message: control bytes escaped as \xNN, cut after `limit` bytes.
std::string echo(std::string_view text, std::size_t limit = 40);

}  // namespace leadsync::core::expr::detail
