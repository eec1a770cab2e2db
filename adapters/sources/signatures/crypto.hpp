#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace leadsync::adapters::signatures {

// The digests the schemes use, through OpenSSL's libcrypto (EVP_MAC for HMAC).
// Thread-safe: every call builds and frees its own OpenSSL context. OpenSSL
// failing to compute a digest is a broken invariant and throws
// std::runtime_error; nothing here fails on hostile input.

enum class digest_algorithm { sha1, sha256, sha512 };

// "sha1" | "sha256" | "sha512".
std::optional<digest_algorithm> parse_digest_algorithm(std::string_view name);

// Raw HMAC of the concatenation of `parts` (so the body is never copied).
std::string hmac(digest_algorithm algorithm, std::string_view key,
                 std::initializer_list<std::string_view> parts);

// Raw SHA-256 of `data`.
std::string sha256(std::string_view data);

// True when both byte strings are equal. The lengths are compared first (they
// are public: a digest's length is known), then the contents with
// CRYPTO_memcmp, which takes the same time wherever the first difference is.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace leadsync::adapters::signatures
