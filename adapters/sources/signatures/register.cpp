#include "adapters/sources/families.hpp"

namespace leadsync::adapters {

void register_signature_schemes(core::registry& /*r*/) {}

}  // namespace leadsync::adapters
