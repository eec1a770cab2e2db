#pragma once

#include <string>
#include <string_view>

// The pragmatic email syntax check behind "invalid_email", and the host-name
// rule that list entries (disposable, blocked, competitor) share with it.
// Pure functions; safe from any thread.
namespace leadsync::core::junk {

// An address split into its parts. When `problem` is empty the address is
// usable and `local` / `domain` hold its parts, ASCII lower-cased; otherwise
// `problem` says what is wrong, written to finish "email address is not
// valid: ..." and never quoting the address itself.
struct email_parts {
  std::string local;
  std::string domain;
  std::string_view problem;

  bool ok() const { return problem.empty(); }
};

// Checks an address as a form would send it. Leading and trailing whitespace
// is ignored (normalise_email() drops it too); otherwise the rules are: one
// '@'; a local part of 1..64 bytes of RFC 5322 atext, dots (not first, last
// or doubled) or UTF-8 (RFC 6531); a domain of at least two labels, each
// 1..63 letters, digits or hyphens, not starting or ending with a hyphen
// (IDN must be punycode); a top-level domain of two or more letters or an
// "xn--" label; at most 254 bytes in all. Quoted local parts and address
// literals ("[192.0.2.1]") are not accepted: forms do not send them.
email_parts check_email(std::string_view address);

// What is wrong with a host name that is already lower-case, or "" when it
// is fine: labels as above, at most 253 bytes. A single label ("ru") is a
// valid list entry; an email domain additionally needs a dot and a TLD of
// letters, which check_email() adds.
std::string_view host_name_problem(std::string_view lower_host);

}  // namespace leadsync::core::junk
