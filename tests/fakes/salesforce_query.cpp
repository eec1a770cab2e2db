// The fake Salesforce org's SOQL subset: what a connector needs to find leads
// by email or key before writing. Grammar (keywords in any case):
//   SELECT f [, f]* FROM <type> [WHERE f = 'v' | WHERE f IN ('v' [, 'v']*)]
//   [ORDER BY LastModifiedDate [ASC|DESC]] [LIMIT n]
// String literals take the SOQL escapes \' \" \\ \n \r \t \b \f. Text
// comparisons ignore case, as SOQL does. Anything else is MALFORMED_QUERY.
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "tests/fakes/salesforce_state.hpp"

namespace leadsync::tests::fakes {

namespace {

namespace json = boost::json;

enum class tok { word, string, number, comma, lparen, rparen, equals, end };

struct token {
  tok kind = tok::end;
  std::string text;
};

struct malformed {
  std::string message;
};

class lexer {
 public:
  explicit lexer(std::string_view s) : s_(s) {}

  token next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])) != 0) {
      ++pos_;
    }
    if (pos_ == s_.size()) {
      return {tok::end, {}};
    }
    const char c = s_[pos_];
    switch (c) {
      case ',': ++pos_; return {tok::comma, ","};
      case '(': ++pos_; return {tok::lparen, "("};
      case ')': ++pos_; return {tok::rparen, ")"};
      case '=': ++pos_; return {tok::equals, "="};
      case '\'': return string_literal();
      default: break;
    }
    const auto is_word = [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '.';
    };
    if (!is_word(c)) {
      throw malformed{"unexpected token: '" + std::string(1, c) + "'"};
    }
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_word(s_[pos_])) {
      ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    const bool digits = std::all_of(text.begin(), text.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
    return {digits ? tok::number : tok::word, std::move(text)};
  }

 private:
  token string_literal() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\'') {
        return {tok::string, std::move(out)};
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ == s_.size()) {
        break;
      }
      switch (const char e = s_[pos_++]) {
        case '\'': case '"': case '\\': out += e; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        default: throw malformed{std::string("invalid escape sequence: \\") + e};
      }
    }
    throw malformed{"unterminated string literal"};
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

struct soql {
  std::vector<std::string> fields;
  std::string type;
  std::string where_field;
  std::vector<std::string> where_values;  // empty with no WHERE
  bool has_where = false;
  bool order_by_modified = false;
  bool descending = false;
  std::optional<std::size_t> limit;
};

class parser {
 public:
  explicit parser(std::string_view text) : lex_(text) { advance(); }

  soql parse() {
    soql q;
    keyword("SELECT");
    q.fields.push_back(word("a field name"));
    while (cur_.kind == tok::comma) {
      advance();
      q.fields.push_back(word("a field name"));
    }
    keyword("FROM");
    q.type = word("an sObject type");
    if (is_keyword("WHERE")) {
      advance();
      q.has_where = true;
      q.where_field = word("a field name");
      if (cur_.kind == tok::equals) {
        advance();
        q.where_values.push_back(literal());
      } else {
        keyword("IN");
        expect(tok::lparen, "'('");
        q.where_values.push_back(literal());
        while (cur_.kind == tok::comma) {
          advance();
          q.where_values.push_back(literal());
        }
        expect(tok::rparen, "')'");
      }
    }
    if (is_keyword("ORDER")) {
      advance();
      keyword("BY");
      const std::string field = word("a field name");
      if (!iequals(field, "LastModifiedDate")) {
        throw malformed{"ORDER BY supports LastModifiedDate only in this fake, not " + field};
      }
      q.order_by_modified = true;
      if (is_keyword("DESC") || is_keyword("ASC")) {
        q.descending = is_keyword("DESC");
        advance();
      }
    }
    if (is_keyword("LIMIT")) {
      advance();
      if (cur_.kind != tok::number) {
        throw malformed{"LIMIT needs a number"};
      }
      q.limit = std::stoul(cur_.text);
      advance();
    }
    if (cur_.kind != tok::end) {
      throw malformed{"unexpected token: " + cur_.text};
    }
    return q;
  }

 private:
  void advance() { cur_ = lex_.next(); }
  bool is_keyword(std::string_view k) const { return cur_.kind == tok::word && iequals(cur_.text, k); }
  void keyword(std::string_view k) {
    if (!is_keyword(k)) {
      throw malformed{"expected " + std::string(k) + ", found '" + cur_.text + "'"};
    }
    advance();
  }
  std::string word(std::string_view what) {
    if (cur_.kind != tok::word) {
      throw malformed{"expected " + std::string(what) + ", found '" + cur_.text + "'"};
    }
    std::string out = std::move(cur_.text);
    advance();
    return out;
  }
  std::string literal() {
    if (cur_.kind != tok::string) {
      throw malformed{"expected a string literal, found '" + cur_.text + "'"};
    }
    std::string out = std::move(cur_.text);
    advance();
    return out;
  }
  void expect(tok kind, std::string_view what) {
    if (cur_.kind != kind) {
      throw malformed{"expected " + std::string(what) + ", found '" + cur_.text + "'"};
    }
    advance();
  }

  lexer lex_;
  token cur_;
};

json::value selected_value(const sf_stored& s, std::string_view field) {
  if (iequals(field, "Id")) {
    return json::value(s.record.id);
  }
  if (iequals(field, "LastModifiedDate")) {
    return json::value(iso8601_utc(s.record.last_modified, false));
  }
  const auto* v = sf_field(s.record, field);
  return v != nullptr ? *v : json::value(nullptr);
}

std::string text_of(const sf_stored& s, std::string_view field) { return sf_text(selected_value(s, field)); }

}  // namespace

sf_answer sf_query(const sf_state& state, std::string_view text, std::string_view version_segment) {
  soql q;
  try {
    q = parser(text).parse();
  } catch (const malformed& m) {
    return sf_request_error(400, "MALFORMED_QUERY", m.message);
  } catch (const std::out_of_range&) {
    return sf_request_error(400, "MALFORMED_QUERY", "LIMIT out of range");
  }
  if (!(state.options.any_sobject_type || q.type == state.options.sobject_type)) {
    return sf_request_error(400, "INVALID_TYPE", "sObject type '" + q.type + "' is not supported.");
  }
  std::vector<std::string> named = q.fields;
  if (q.has_where) {
    named.push_back(q.where_field);
  }
  for (const auto& f : named) {
    if (!sf_selectable_field(state.options, f)) {
      return sf_request_error(400, "INVALID_FIELD", "No such column '" + f + "' on entity '" + q.type + "'.");
    }
  }

  std::vector<const sf_stored*> hits;
  for (const auto& s : state.data.records) {
    if (s.deleted || s.record.type != q.type) {
      continue;
    }
    const bool match = !q.has_where || std::any_of(q.where_values.begin(), q.where_values.end(), [&](const auto& v) {
                         return iequals(text_of(s, q.where_field), v);
                       });
    if (match) {
      hits.push_back(&s);
    }
  }
  if (q.order_by_modified) {
    std::stable_sort(hits.begin(), hits.end(), [&](const sf_stored* a, const sf_stored* b) {
      const auto ka = std::make_pair(a->record.last_modified, a->seq);
      const auto kb = std::make_pair(b->record.last_modified, b->seq);
      return q.descending ? kb < ka : ka < kb;
    });
  }
  if (q.limit && hits.size() > *q.limit) {
    hits.resize(*q.limit);
  }

  json::array records;
  for (const auto* s : hits) {
    json::object r{{"attributes", json::object{{"type", s->record.type},
                                                {"url", "/services/data/" + std::string(version_segment) +
                                                            "/sobjects/" + s->record.type + "/" + s->record.id}}}};
    for (const auto& f : q.fields) {
      r[f] = selected_value(*s, f);
    }
    records.push_back(std::move(r));
  }
  const json::object body{{"totalSize", records.size()}, {"done", true}, {"records", std::move(records)}};
  return {200, json::serialize(body)};
}

}  // namespace leadsync::tests::fakes
