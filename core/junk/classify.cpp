#include "core/junk/classify.hpp"

#include <utility>

#include "core/junk/email_syntax.hpp"
#include "core/junk/keyboard_mash.hpp"
#include "core/junk/placeholders.hpp"
#include "core/junk/text.hpp"

namespace leadsync::core::junk {
namespace {

void add(std::vector<reason>& out, std::string_view code, std::string message) {
  out.push_back({std::string(code), std::move(message)});
}

// "sub.example.com (a subdomain of example.com)" or just the domain.
std::string domain_phrase(std::string_view domain, std::string_view entry) {
  std::string out(domain);
  if (entry != domain) {
    out += " (a subdomain of ";
    out += entry;
    out += ")";
  }
  return out;
}

void check_domain(std::vector<reason>& out, const email_parts& email, const rules& r) {
  if (r.enabled(codes::disposable_domain)) {
    if (const auto entry = r.disposable_match(email.domain)) {
      add(out, codes::disposable_domain, domain_phrase(email.domain, *entry) + " is a disposable email domain");
    }
  }
  if (r.enabled(codes::blocked_domain)) {
    if (const auto entry = r.blocked_match(email.domain)) {
      add(out, codes::blocked_domain, domain_phrase(email.domain, *entry) + " is a blocked domain");
    }
  }
  if (r.enabled(codes::competitor)) {
    if (const auto entry = r.competitor_match(email.domain)) {
      add(out, codes::competitor, domain_phrase(email.domain, *entry) + " is a competitor's domain");
    }
  }
  if (r.enabled(codes::role_account) && r.is_role_account(email.local)) {
    add(out, codes::role_account,
        quoted_value(email.local.substr(0, email.local.find('+')) + "@") + " is a role account, not a person");
  }
}

void check_mash(std::vector<reason>& out, const person& p) {
  struct field {
    std::string_view label;
    std::string_view value;
    field_kind kind;
  };
  const field fields[] = {{"first name", p.first_name, field_kind::person_name},
                          {"last name", p.last_name, field_kind::person_name},
                          {"company", p.company, field_kind::company}};
  std::string found;
  std::size_t count = 0;
  for (const field& f : fields) {
    if (looks_like_keyboard_mash(f.value, f.kind)) {
      found += count++ == 0 ? "" : ", ";
      found += std::string(f.label) + " " + quoted_value(trim(f.value));
    }
  }
  if (count > 0) {
    add(out, codes::keyboard_mash, found + (count == 1 ? " looks like a keyboard mash" : " look like keyboard mashes"));
  }
}

void check_purchased(std::vector<reason>& out, const person& p, const rules& r) {
  if (r.is_purchased_source(p.source)) {
    add(out, codes::purchased_list, "source " + quoted_value(p.source) + " is a purchased list");
    return;
  }
  if (p.attributes != nullptr) {
    if (const attribute_match* m = r.purchased_attribute(*p.attributes)) {
      add(out, codes::purchased_list, "attribute " + m->key + " = " + quoted_value(m->value) + " marks a purchased list");
    }
  }
}

}  // namespace

person person_of(const event& e) {
  return person{e.email, e.first_name, e.last_name, e.company, e.phone, e.source, &e.attributes};
}

person person_of(const lead& l) {
  person p;
  p.email = l.email;
  p.first_name = l.first_name;
  p.last_name = l.last_name;
  p.company = l.company;
  return p;
}

std::vector<reason> classify(const person& p, const rules& r) {
  std::vector<reason> out;
  email_parts email;
  if (!trim(p.email).empty()) {
    email = check_email(p.email);
    if (!email.ok()) {
      if (r.enabled(codes::invalid_email)) {
        add(out, codes::invalid_email, "email address is not valid: " + std::string(email.problem));
      }
    } else {
      check_domain(out, email, r);
    }
  }
  if (r.enabled(codes::placeholder_name)) {
    if (std::string why = placeholder_name(p.first_name, p.last_name, email.local, r.placeholder_names());
        !why.empty()) {
      add(out, codes::placeholder_name, std::move(why));
    }
  }
  if (r.enabled(codes::keyboard_mash)) {
    check_mash(out, p);
  }
  if (r.enabled(codes::placeholder_phone) && is_placeholder_phone(p.phone)) {
    add(out, codes::placeholder_phone, "phone " + quoted_value(trim(p.phone)) + " is a placeholder number");
  }
  if (r.enabled(codes::purchased_list)) {
    check_purchased(out, p, r);
  }
  return out;
}

}  // namespace leadsync::core::junk
