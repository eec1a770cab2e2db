#include "config/interpolation.hpp"

#include <cstdlib>
#include <utility>

namespace leadsync::config {

namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// One pass over the text. A default (`${X:-...}`) is parsed by the same loop
// up to its closing brace, so it may hold ${...} and $$ too; it is parsed even
// when unused (syntax errors are errors either way) but only looked up when
// used, so an unset variable in an unused default is not an error.
class expander {
 public:
  expander(std::string_view text, const environment& env) : text_(text), env_(env) {}

  // Appends to out up to the end of the text or, in a default, up to the
  // closing brace (left unconsumed). False after an error.
  bool run(std::string& out, bool in_default, bool evaluate) {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (in_default && c == '}') {
        return true;
      }
      if (c != '$' || pos_ + 1 == text_.size() || (text_[pos_ + 1] != '$' && text_[pos_ + 1] != '{')) {
        out += c;
        ++pos_;
        continue;
      }
      if (text_[pos_ + 1] == '$') {
        out += '$';
        pos_ += 2;
        continue;
      }
      pos_ += 2;
      if (!variable(out, evaluate)) {
        return false;
      }
    }
    return true;
  }

  std::optional<std::string> error;

 private:
  // After "${": NAME then "}" or ":-default}".
  bool variable(std::string& out, bool evaluate) {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && name_start(text_[pos_])) {
      while (pos_ < text_.size() && name_char(text_[pos_])) {
        ++pos_;
      }
    }
    const std::string name{text_.substr(start, pos_ - start)};
    if (name.empty()) {
      return fail("`${` must be followed by an environment variable name (letters, digits and _, not starting "
                  "with a digit); write $$ for a literal $");
    }
    if (pos_ == text_.size()) {
      return fail("`${" + name + "` has no closing `}`");
    }
    if (text_[pos_] == '}') {
      ++pos_;
      if (!evaluate) {
        return true;
      }
      auto value = env_(name);
      if (!value) {
        return fail("environment variable " + name + " is not set");
      }
      out += *value;
      return true;
    }
    if (text_.substr(pos_, 2) != ":-") {
      return fail("`${" + name + "` must be followed by `}` or `:-default}`");
    }
    pos_ += 2;
    std::optional<std::string> value;
    if (evaluate) {
      value = env_(name);
    }
    const bool use_default = evaluate && (!value || value->empty());
    std::string fallback;
    if (!run(fallback, true, use_default)) {
      return false;
    }
    if (pos_ == text_.size()) {
      return fail("`${" + name + ":-` has no closing `}`");
    }
    ++pos_;
    if (evaluate) {
      out += use_default ? fallback : *value;
    }
    return true;
  }

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  std::string_view text_;
  const environment& env_;
  std::size_t pos_ = 0;
};

}  // namespace

environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string{name}.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string{value};
  };
}

expansion expand_variables(std::string_view text, const environment& env) {
  expander e{text, env};
  expansion out;
  if (!e.run(out.value, false, true)) {
    out.value.clear();
    out.error = std::move(e.error);
  }
  return out;
}

}  // namespace leadsync::config
