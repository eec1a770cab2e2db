#pragma once

#include <memory>

#include "core/adapter.hpp"

namespace leadsync::adapters::product {

// format = "auth-user": a new user in the auth provider -> "product_signup".
// Understands Clerk's user.created (Svix-delivered) and Auth0 Event Streams'
// user.created (CloudEvents envelope, data.object = the user); an Auth0
// post-user-registration Action can post the same envelope. Other event
// types are ignored (no events, 2xx).
std::unique_ptr<core::source_factory> make_auth_user_source_factory();

}  // namespace leadsync::adapters::product
