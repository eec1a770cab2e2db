#pragma once

#include <string>
#include <string_view>

#include "core/junk/text.hpp"

// The "placeholder_name" and "placeholder_phone" checks: values typed to get
// past a form rather than to identify a person. Pure, thread-safe.
namespace leadsync::core::junk {

// Why the name is a placeholder, as a reason message, or "" when it is not.
//  - the full name ("first last"), or either field alone, is in `names`
//    (entries compared after normalise_phrase: "Mickey  MOUSE" is
//    "mickey mouse");
//  - first and last name are the same generic word ("test test", "a a",
//    "user user"; but "Aye Aye" and "Ali Ali" are real names);
//  - first and last name both repeat the email's local part ("bob" "bob"
//    for bob@example.com; the "+tag" of the local part is ignored).
// `email_local` is the lower-case local part, or "" when there is no usable
// email.
std::string placeholder_name(std::string_view first, std::string_view last, std::string_view email_local,
                             const string_set& names);

// Whether a phone number is a placeholder: six or more digits that are all the
// same ("0000000", "+1 555 555 5555": a +1 country code is looked past),
// count up or down ("123456", "1234567890",
// "01234 567890", "987654321"), or a North American 555-01XX number, which
// are reserved for fiction. Punctuation and a leading + are ignored; a value
// with letters is not a number and is left alone.
bool is_placeholder_phone(std::string_view phone);

}  // namespace leadsync::core::junk
