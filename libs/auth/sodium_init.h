// libsodium must be initialized before use; sodium_init() is idempotent but not free.
#pragma once

namespace meltingdoc::auth {

// Initializes libsodium once per process (thread-safe). Aborts if it cannot: signing or
// verifying tokens without a working crypto library must never degrade silently.
void EnsureSodiumInitialized();

}  // namespace meltingdoc::auth
