#include "adapters/sources/families.hpp"
#include "adapters/sources/product/auth_user_source.hpp"
#include "adapters/sources/product/product_source.hpp"
#include "adapters/sources/product/segment_source.hpp"
#include "adapters/sources/product/stripe_source.hpp"

namespace leadsync::adapters {

void register_product_sources(core::registry& r) {
  r.add(product::make_segment_source_factory());
  r.add(product::make_stripe_source_factory());
  r.add(product::make_auth_user_source_factory());
  r.add(product::make_product_source_factory());
}

}  // namespace leadsync::adapters
