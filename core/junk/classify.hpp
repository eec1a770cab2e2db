#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/junk/rules.hpp"
#include "core/lead.hpp"
#include "core/options.hpp"

// The junk classifier: is this person someone sales should ever see? Junk
// leads never advance past "identified" and carry the reasons below.
namespace leadsync::core::junk {

// What the classifier looks at. Views, not copies: the person must not
// outlive the strings it points into. Empty means "not given"; nothing is
// junk for being absent (a lead without an email is anonymous, not junk).
struct person {
  std::string_view email;  // as sent
  std::string_view first_name;
  std::string_view last_name;
  std::string_view company;
  std::string_view phone;
  std::string_view source;                // configured source name
  const string_map* attributes = nullptr;  // source attributes; may be null
};

// The person an event or a lead describes (views into it). A lead has no
// phone, source or attributes.
person person_of(const event& e);
person person_of(const lead& l);

// One reason a person is junk: a stable code from codes:: and a message for
// the people reading the audit trail. Messages may quote names, domains and
// source values (bounded and sanitised by quoted_value()), never the whole email.
struct reason {
  std::string code;
  std::string message;

  bool operator==(const reason&) const = default;
};

// Every reason `p` is junk under `r`, at most one per code, in the order of
// all_codes; empty when it is not junk. When the email is not valid only
// invalid_email is reported for it (its domain and local part are not looked
// at); the name, phone and source checks still run.
//
// Pure and allocation-light: no I/O, no clock, no shared mutable state, so it
// may run on any thread and can be replayed over history. Cost is linear in
// the input plus one hash lookup per domain label per domain list.
std::vector<reason> classify(const person& p, const rules& r);

}  // namespace leadsync::core::junk
