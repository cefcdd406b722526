#include "netlab/model/shared_library.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

namespace netlab::model {
namespace {

// A function and a variable of libc, declared as the API headers declare theirs.
#define NETLAB_TEST_LIBC_SYMBOLS(X) X(strlen) X(environ)
struct LibcApi {
  static constexpr LibraryName kLibraries[] = {{"libc.so.6", "libc", "libc6"}};
  NETLAB_TEST_LIBC_SYMBOLS(NETLAB_SYMBOL_POINTER)
  void resolve(std::vector<SharedLibrary>& from) { NETLAB_TEST_LIBC_SYMBOLS(NETLAB_RESOLVE_IN_FIRST) }
};

TEST(SharedLibrary, ResolvesFunctionsAndVariablesOnce) {
  auto api = load_api<LibcApi>();
  ASSERT_TRUE(api) << api.error().message;
  EXPECT_EQ((*api)->strlen("netlab"), 6u);
  // libc's own `environ` (this executable has its copy: it names the variable itself).
  ASSERT_NE((*api)->environ, nullptr);
  EXPECT_EQ(*load_api<LibcApi>(), *api);  // loaded once
}

// The second library does not exist: nothing is resolved, the error names its package.
struct AbsentApi {
  static constexpr LibraryName kLibraries[] = {{"libc.so.6", "libc", "libc6"},
                                               {"libnetlab-absent.so.0", "the absent library", "netlab-absent0"}};
  static inline int resolved = 0;
  void resolve(std::vector<SharedLibrary>&) { ++resolved; }
};

TEST(SharedLibrary, AMissingLibraryIsOneLineNamingItsPackage) {
  auto api = load_api<AbsentApi>();
  ASSERT_FALSE(api);
  EXPECT_EQ(AbsentApi::resolved, 0);
  const std::string& m = api.error().message;
  EXPECT_EQ(m.rfind("cannot load the absent library (package netlab-absent0): ", 0), 0u) << m;
  EXPECT_NE(m.find("libnetlab-absent.so.0"), std::string::npos) << m;  // dlerror's reason
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_FALSE(api.error().bad_input);  // a failure of the system, not of the request (exit 1)
}

// Symbols the installed library lacks: all named.
struct LackingApi {
  static constexpr LibraryName kLibraries[] = {{"libc.so.6", "libc", "libc6"}};
  void* one = nullptr;
  void* two = nullptr;
  void resolve(std::vector<SharedLibrary>& from) {
    from[0].resolve(one, "netlab_no_such_function");
    from[0].resolve(two, "netlab_no_such_variable");
  }
};

TEST(SharedLibrary, MissingSymbolsAreAllNamed) {
  auto api = load_api<LackingApi>();
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().message,
            "the installed libc (package libc6) lacks netlab_no_such_function, netlab_no_such_variable");
}

}  // namespace
}  // namespace netlab::model
