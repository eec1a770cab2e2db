#pragma once

// The live-chat source formats. Each maker builds the factory of one format;
// register_chat_sources() adds them all. See the README.md in each format's
// folder.

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::chat {

std::unique_ptr<core::source_factory> make_intercom_factory();  // format = "intercom"
std::unique_ptr<core::source_factory> make_drift_factory();     // format = "drift"
std::unique_ptr<core::source_factory> make_crisp_factory();     // format = "crisp"
std::unique_ptr<core::source_factory> make_chat_factory();      // format = "chat"

}  // namespace leadsync::adapters::chat
