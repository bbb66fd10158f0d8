#include "libs/auth/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace meltingdoc::auth {

void EnsureSodiumInitialized() {
  // A function-local static runs sodium_init() exactly once, even with concurrent callers.
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "libsodium initialization failed\n");
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace meltingdoc::auth
