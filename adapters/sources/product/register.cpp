#include "adapters/sources/families.hpp"

namespace leadsync::adapters {

void register_product_sources(core::registry& /*r*/) {}

}  // namespace leadsync::adapters
