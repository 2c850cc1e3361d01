#pragma once
// What the fuzz targets share: stopping on a broken invariant with its name. (Keys for targets
// that sign tokens come from tests/security/test_keys.hpp, as in the security tests.)

#include <cstdio>
#include <cstdlib>

/// Stops the run, naming the invariant that broke.
#define CHECK(condition)                                                                       \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)
