#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace leadsync::adapters::signatures {

// Text encodings of digests and keys. Bytes travel in std::string. Decoders
// are strict, never throw, and return nullopt on any input they do not accept;
// base64 goes through OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock.

enum class signature_encoding { hex, base64 };

// Whether base64 input must carry its `=` padding. Signature headers must;
// whsec_ secrets need not (the Standard Webhooks libraries restore it).
enum class base64_padding { required, optional };

std::string hex_encode(std::string_view bytes);                  // lowercase
std::optional<std::string> hex_decode(std::string_view text);    // either case
std::string base64_encode(std::string_view bytes);               // standard, padded
std::optional<std::string> base64_decode(std::string_view text,
                                         base64_padding padding = base64_padding::required);

// A signature as sent, decoded; nullopt when it is not valid in `encoding` or
// longer than any digest we use could be (bounds the work per candidate).
std::optional<std::string> decode_signature(std::string_view text, signature_encoding encoding);

// "hex" | "base64".
std::optional<signature_encoding> parse_signature_encoding(std::string_view name);

}  // namespace leadsync::adapters::signatures
