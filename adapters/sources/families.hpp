#pragma once

#include "core/registry.hpp"

namespace leadsync::adapters {

// Each family of inbound adapters registers its factories here; called from
// builtin.cpp only. One function per folder under adapters/sources/.
void register_signature_schemes(core::registry& r);     // signatures/
void register_form_sources(core::registry& r);          // forms/
void register_chat_sources(core::registry& r);          // chat/
void register_product_sources(core::registry& r);       // product/
void register_crm_feedback_sources(core::registry& r);  // crm_feedback/

}  // namespace leadsync::adapters
