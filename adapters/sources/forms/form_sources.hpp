#pragma once

// The form source formats: website and landing-page forms. Each maker builds
// the factory of one format; register_form_sources() adds them all. See the
// README.md in each format's folder.

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::forms {

std::unique_ptr<core::source_factory> make_typeform_factory();      // format = "typeform"
std::unique_ptr<core::source_factory> make_hubspot_form_factory();  // format = "hubspot-form"
std::unique_ptr<core::source_factory> make_webflow_factory();       // format = "webflow"
std::unique_ptr<core::source_factory> make_tally_factory();         // format = "tally"
std::unique_ptr<core::source_factory> make_form_factory();          // format = "form"

}  // namespace leadsync::adapters::forms
