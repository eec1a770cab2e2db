#include "adapters/sources/signatures/codec.hpp"

#include <openssl/evp.h>

namespace leadsync::adapters::signatures {
namespace {

// SHA-512 is the longest digest (64 bytes): 128 hex or 88 base64 characters.
constexpr std::size_t max_signature_text = 128;

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4U];
    out += digits[b & 0x0fU];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out += static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, base64_padding padding) {
  // EVP_DecodeBlock skips surrounding whitespace, accepts `=` anywhere it
  // ends a quantum and counts padding as zero bytes; check the shape first so
  // only canonical standard base64 gets through, then drop the padding bytes.
  std::size_t data = text.size();
  while (data > 0 && text[data - 1] == '=') {
    --data;
  }
  const std::size_t pad = text.size() - data;
  if (pad > 2 || data % 4 == 1) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < data; ++i) {
    if (!is_base64_char(text[i])) {
      return std::nullopt;
    }
  }
  const std::size_t needed = (4 - data % 4) % 4;
  if (pad != needed && !(padding == base64_padding::optional && pad == 0)) {
    return std::nullopt;
  }
  std::string padded{text.substr(0, data)};
  padded.append(needed, '=');
  if (padded.empty()) {
    return std::string{};
  }
  std::string out(padded.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()),
                                static_cast<int>(padded.size()));
  if (n < 0 || static_cast<std::size_t>(n) != out.size()) {
    return std::nullopt;
  }
  out.resize(out.size() - needed);
  return out;
}

std::optional<std::string> decode_signature(std::string_view text, signature_encoding encoding) {
  if (text.empty() || text.size() > max_signature_text) {
    return std::nullopt;
  }
  return encoding == signature_encoding::hex ? hex_decode(text) : base64_decode(text);
}

std::optional<signature_encoding> parse_signature_encoding(std::string_view name) {
  if (name == "hex") {
    return signature_encoding::hex;
  }
  if (name == "base64") {
    return signature_encoding::base64;
  }
  return std::nullopt;
}

}  // namespace leadsync::adapters::signatures
