#include "adapters/sources/chat/chat_sources.hpp"
#include "adapters/sources/families.hpp"

namespace leadsync::adapters {

void register_chat_sources(core::registry& r) {
  r.add(chat::make_intercom_factory());
  r.add(chat::make_drift_factory());
  r.add(chat::make_crisp_factory());
  r.add(chat::make_chat_factory());
}

}  // namespace leadsync::adapters
