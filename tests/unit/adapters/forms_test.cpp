// Form source formats: option validation and the edges the golden fixtures
// (tests/fixtures/sources/{typeform,hubspot-form,webflow,tally,form}-*) do not
// pin down.
#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/builtin.hpp"
#include "adapters/sources/contact_fields.hpp"
#include "adapters/sources/forms/form/urlencoded.hpp"

namespace leadsync::adapters {
namespace {

const core::timestamp now = core::from_millis(1'700'000'000'000);

core::inbound_request post(std::string body, std::string content_type = "application/json") {
  core::inbound_request r;
  r.method = "POST";
  r.target = "/hooks/forms";
  if (!content_type.empty()) {
    r.headers.emplace_back("content-type", std::move(content_type));
  }
  r.body = std::move(body);
  return r;
}

class FormSources : public ::testing::Test {
 protected:
  FormSources() { register_builtin(registry_); }

  core::build_result<core::source_adapter> build(std::string_view format, const core::option_values& v = {}) {
    const core::source_factory* f = registry_.source(format);
    EXPECT_NE(f, nullptr) << format;
    return f->create("forms", v);
  }
  std::unique_ptr<core::source_adapter> make(std::string_view format, const core::option_values& v = {}) {
    auto built = build(format, v);
    EXPECT_TRUE(built.errors.empty()) << built.errors.front().key << ": " << built.errors.front().message;
    return std::move(built.instance);
  }
  static std::vector<std::string> keys(const std::vector<core::option_error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) {
      out.push_back(e.key);
    }
    return out;
  }

  core::registry registry_;
};

// ---- options ------------------------------------------------------------------

TEST_F(FormSources, EveryFormFormatIsRegisteredWithTheCommonOptions) {
  for (const char* format : {"typeform", "hubspot-form", "webflow", "tally", "form"}) {
    const core::source_factory* f = registry_.source(format);
    ASSERT_NE(f, nullptr) << format;
    std::vector<std::string> names;
    for (const auto& spec : f->options()) {
      names.push_back(spec.name);
      EXPECT_FALSE(spec.required) << format << "." << spec.name << ": forms work without options";
      EXPECT_FALSE(spec.help.empty());
    }
    for (const char* common : {"fields", "attributes", "kind"}) {
      EXPECT_NE(std::find(names.begin(), names.end(), common), names.end()) << format << " lacks " << common;
    }
    EXPECT_TRUE(build(format).errors.empty()) << format;
  }
}

TEST_F(FormSources, RejectsUnknownContactFieldsBadKindsAndEmptyReferences) {
  core::option_values v;
  v.set("fields", core::string_map{{"shoe_size", "q1"}, {"email", ""}, {"company", "q2"}});
  v.set("attributes", core::string_map{{"plan", ""}});
  v.set("kind", std::string{"Demo Request"});
  auto built = build("typeform", v);
  EXPECT_EQ(built.instance, nullptr);
  EXPECT_EQ(keys(built.errors),
            (std::vector<std::string>{"fields.email", "fields.shoe_size", "attributes.plan", "kind"}));
  EXPECT_NE(built.errors[1].message.find("expected one of email, first_name"), std::string::npos);
  EXPECT_NE(built.errors[3].message.find("a-z, 0-9 and _"), std::string::npos);
}

TEST_F(FormSources, FormRejectsAnEmptyEventIdField) {
  core::option_values v;
  v.set("event_id_field", std::string{});
  EXPECT_EQ(keys(build("form", v).errors), (std::vector<std::string>{"event_id_field"}));
}

// ---- shared helpers ---------------------------------------------------------------

TEST(ContactFields, NormalisesSpellingsAndSplitsNames) {
  EXPECT_EQ(normalise_key("First Name"), "firstname");
  EXPECT_EQ(normalise_key("first_name"), "firstname");
  EXPECT_EQ(normalise_key("firstName"), "firstname");
  EXPECT_EQ(normalise_key("e-mail"), "email");
  EXPECT_EQ(split_name("  Ada King Lovelace "), (std::pair<std::string, std::string>{"Ada", "King Lovelace"}));
  EXPECT_EQ(split_name("Cher"), (std::pair<std::string, std::string>{"Cher", ""}));
  EXPECT_EQ(split_name(""), (std::pair<std::string, std::string>{"", ""}));
}

TEST(ContactFields, ExactKeysWinOverLabelsAndSpellings) {
  const named_values values{{"Email", "", "", "label-ish@example.com"},
                            {"q1", "email", "", "by-label@example.com"},
                            {"email", "", "", "exact@example.com"},
                            {"empty", "", "", ""}};
  EXPECT_EQ(find_value(values, "email")->value, "exact@example.com");
  EXPECT_EQ(find_value(values, "EMAIL")->value, "label-ish@example.com");
  EXPECT_EQ(find_value(values, "empty"), nullptr);
  EXPECT_EQ(find_value(values, "nope"), nullptr);
}

TEST(ContactFields, DefaultEmailNeedsAnAtSignButANamedFieldIsTakenAsItIs) {
  std::vector<core::option_error> errors;
  const named_values values{{"email", "", "", "not given"}, {"q9", "", "email", "typed@example.com"}};
  core::event by_default;
  contact_mapping::from_options({}, {}, {}, errors).apply(values, by_default, {{"email", "email"}});
  EXPECT_EQ(by_default.email, "typed@example.com");

  core::event named;
  contact_mapping::from_options({{"email", "email"}}, {}, {}, errors).apply(values, named, {{"email", "email"}});
  EXPECT_EQ(named.email, "not given");
  EXPECT_TRUE(errors.empty());
}

TEST(Urlencoded, DecodesPlusPercentAndRawBytes) {
  auto pairs = forms::parse_urlencoded("a=b+c&d=%41%2B&=dropped&flag&e=caf\xc3\xa9 ok&a=second");
  ASSERT_TRUE(pairs.ok()) << pairs.failure().message;
  EXPECT_EQ(*pairs,
            (forms::form_pairs{{"a", "b c"}, {"d", "A+"}, {"flag", ""}, {"e", "caf\xc3\xa9 ok"}, {"a", "second"}}));
  EXPECT_TRUE(forms::parse_urlencoded("").ok());
}

TEST(Urlencoded, ABrokenEscapeSaysWhere) {
  for (const char* body : {"email=ada%ZZx", "email=ada%4", "email=ada%"}) {
    auto pairs = forms::parse_urlencoded(body);
    ASSERT_FALSE(pairs.ok()) << body;
    EXPECT_EQ(pairs.failure().kind, core::error_kind::malformed);
    EXPECT_EQ(pairs.failure().code, "malformed_form");
    EXPECT_NE(pairs.failure().message.find("at byte 9"), std::string::npos) << pairs.failure().message;
  }
}

// ---- typeform ------------------------------------------------------------------

TEST_F(FormSources, TypeformReadsAnEmailTypedIntoATextFieldByItsRef) {
  core::option_values v;
  v.set("fields", core::string_map{{"email", "contact_email"}});
  auto src = make("typeform", v);
  auto events = src->parse(post(R"({"event_id": "e1", "form_response": {"token": "t1", "answers": [
      {"type": "email", "email": "other@example.com", "field": {"id": "a", "ref": "referrer_email"}},
      {"type": "text", "text": "ada@example.com", "field": {"id": "b", "ref": "contact_email"}},
      {"type": "choices", "choices": {"labels": ["CRM", "Chat"]}, "field": {"id": "c", "ref": "interests"}}]}})"),
                           now);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  EXPECT_EQ(events->front().email, "ada@example.com");
  EXPECT_EQ(events->front().source_event_id, "t1");
  EXPECT_EQ(core::to_millis(events->front().occurred_at), core::to_millis(now)) << "no submitted_at: now";
}

TEST_F(FormSources, TypeformFallsBackToTheEventIdAndJoinsChoices) {
  core::option_values v;
  v.set("attributes", core::string_map{{"interests", "c"}});  // a field id works as a reference too
  auto events = make("typeform", v)
                    ->parse(post(R"({"event_id": "e2", "form_response": {"answers": [
      {"type": "choices", "choices": {"labels": ["CRM", "Chat"]}, "field": {"id": "c", "ref": "interests"}}]}})"),
                            now);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  EXPECT_EQ(events->front().source_event_id, "e2");
  EXPECT_EQ(events->front().attributes.at("interests"), "CRM, Chat");
}

TEST_F(FormSources, TypeformWithoutAFormResponseNamesWhatIsMissing) {
  auto events = make("typeform")->parse(post(R"({"event_id": "e3", "event_type": "form_response"})"), now);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().kind, core::error_kind::unmappable);
  EXPECT_EQ(events.failure().message.rfind("form_response:", 0), 0u) << events.failure().message;
}

// ---- hubspot-form --------------------------------------------------------------

constexpr const char* hubspot_contact = R"({"vid": 7, "properties": {"firstname": {"value": "Ada"}},
  "form-submissions": [
    {"conversion-id": "c-new", "timestamp": 1700000000000, "form-id": "f-news", "title": "Newsletter"},
    {"conversion-id": "c-old", "timestamp": 1600000000000, "form-id": "f-demo", "title": "Demo"}],
  "identity-profiles": [{"identities": [{"type": "LEAD_GUID", "value": "x"}, {"type": "EMAIL", "value": "ada@example.com"}]}]})";

TEST_F(FormSources, HubspotFormIdPicksThatFormsSubmission) {
  core::option_values v;
  v.set("form_id", std::string{"f-demo"});
  auto events = make("hubspot-form", v)->parse(post(hubspot_contact), now);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  const core::event& e = events->front();
  EXPECT_EQ(e.source_event_id, "c-old");
  EXPECT_EQ(e.attributes.at("form_title"), "Demo");
  EXPECT_EQ(e.email, "ada@example.com") << "from identity-profiles when properties lack it";
  EXPECT_EQ(e.external_ids.at("hubspot_contact_id"), "7");
}

TEST_F(FormSources, HubspotFormIdWithoutSuchASubmissionIsUnmappable) {
  core::option_values v;
  v.set("form_id", std::string{"f-other"});
  auto events = make("hubspot-form", v)->parse(post(hubspot_contact), now);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().code, "missing_field");
  EXPECT_NE(events.failure().message.find("f-other"), std::string::npos);
}

TEST_F(FormSources, HubspotContactWithoutAnySubmissionIsUnmappable) {
  auto events = make("hubspot-form")->parse(post(R"({"vid": 7, "properties": {"email": {"value": "a@b.c"}}})"), now);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().code, "missing_field");
}

// ---- webflow and tally ------------------------------------------------------------

TEST_F(FormSources, WebflowNeedsTheSubmissionId) {
  auto events = make("webflow")->parse(
      post(R"({"triggerType": "form_submission", "payload": {"data": {"email": "a@b.c"}}})"), now);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().code, "missing_field");
  EXPECT_NE(events.failure().message.find("payload.id"), std::string::npos);
}

TEST_F(FormSources, WebflowFieldsByConfiguredLabel) {
  core::option_values v;
  v.set("fields", core::string_map{{"company", "Where do you work?"}});
  auto events = make("webflow", v)
                    ->parse(post(R"({"triggerType": "form_submission", "payload": {"id": "s1",
      "data": {"Where do you work?": "Acme", "Work Email": "ada@acme.example"}}})"),
                            now);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  EXPECT_EQ(events->front().company, "Acme");
  EXPECT_EQ(events->front().email, "ada@acme.example");
}

TEST_F(FormSources, TallyFindsTheEmailByFieldTypeWhateverItsLabel) {
  auto events = make("tally")->parse(post(R"({"eventId": "ev1", "eventType": "FORM_RESPONSE", "data": {
      "fields": [{"key": "q1", "label": "Where can we reach you?", "type": "INPUT_EMAIL", "value": "ada@example.com"},
                 {"key": "q2", "label": "Interests", "type": "CHECKBOXES", "value": ["o1", "o3"],
                  "options": [{"id": "o1", "text": "CRM"}, {"id": "o3", "text": "Chat"}]}]}})"),
                                     now);
  ASSERT_TRUE(events.ok()) << events.failure().message;
  EXPECT_EQ(events->front().email, "ada@example.com");
  EXPECT_TRUE(events->front().anonymous_id.empty());
}

TEST_F(FormSources, TallyOtherEventTypesAreIgnored) {
  auto events = make("tally")->parse(post(R"({"eventId": "ev2", "eventType": "SOMETHING_ELSE", "data": {}})"), now);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
}

// ---- form ------------------------------------------------------------------------

TEST_F(FormSources, FormSniffsJsonWithoutAContentTypeAndAcceptsPlusJson) {
  auto src = make("form");
  auto sniffed = src->parse(post(R"(  {"email": "ada@example.com"})", ""), now);
  ASSERT_TRUE(sniffed.ok()) << sniffed.failure().message;
  EXPECT_EQ(sniffed->front().email, "ada@example.com");
  auto plus = src->parse(post(R"({"email": "ada@example.com"})", "application/vnd.form+json"), now);
  ASSERT_TRUE(plus.ok());
  auto form = src->parse(post("email=ada%40example.com", "Application/X-WWW-Form-Urlencoded; charset=UTF-8"), now);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->front().email, "ada@example.com");
}

TEST_F(FormSources, FormRefusesOtherMediaAndNonObjects) {
  auto src = make("form");
  auto text = src->parse(post("email=a@b.c", "text/plain"), now);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.failure().kind, core::error_kind::unsupported_media);
  auto array = src->parse(post(R"([{"email": "a@b.c"}])"), now);
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.failure().code, "not_an_object");
  auto broken = src->parse(post("{\n\"email\": }"), now);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.failure().message.find("line 2, column 10"), std::string::npos) << broken.failure().message;
}

TEST_F(FormSources, FormIdsAreTheBodyHashUnlessAFieldNamesThem) {
  auto hashed = make("form");
  auto a = hashed->parse(post("email=ada%40example.com", "application/x-www-form-urlencoded"), now);
  auto b = hashed->parse(post("email=ada%40example.com", "application/x-www-form-urlencoded"), now);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->front().source_event_id, b->front().source_event_id);
  EXPECT_EQ(a->front().source_event_id.rfind("sha256:", 0), 0u);

  core::option_values v;
  v.set("event_id_field", std::string{"submission_id"});
  v.set("kind", std::string{"content_download"});
  auto named =
      make("form", v)->parse(post("submission_id=s-9&email=a%40b.c", "application/x-www-form-urlencoded"), now);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->front().source_event_id, "s-9");
  EXPECT_EQ(named->front().kind, "content_download");
}

TEST_F(FormSources, NoEmailIsStillAnEvent) {
  for (const char* format : {"form", "webflow", "tally", "typeform"}) {
    auto events = make(format)->parse(
        post(R"({"id": "x", "eventId": "x", "form_response": {"token": "x"}, "data": {}, "name": "n"})"), now);
    ASSERT_TRUE(events.ok()) << format << ": " << events.failure().message;
    ASSERT_EQ(events->size(), 1u) << format;
    EXPECT_TRUE(events->front().email.empty()) << format;
  }
}

}  // namespace
}  // namespace leadsync::adapters
