#include "netlab/model/shared_library.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

namespace netlab::model {
namespace {

// A function and a variable of libc, resolved as the API files resolve theirs.
struct LibcApi {
  decltype(&::strlen) strlen = nullptr;
  decltype(&::environ) environ_ = nullptr;
};

TEST(SharedLibrary, ResolvesFunctionsAndVariables) {
  auto api = load_api<LibcApi>({{"libc.so.6", "libc", "libc6"}}, [](LibcApi& to, std::vector<SharedLibrary>& from) {
    ASSERT_EQ(from.size(), 1u);
    from[0].resolve(to.strlen, "strlen");
    from[0].resolve(to.environ_, "environ");
  });
  ASSERT_TRUE(api) << api.error().message;
  EXPECT_EQ((*api)->strlen("netlab"), 6u);
  EXPECT_EQ((*api)->environ_, &environ);  // the very variable the executable sees
}

TEST(SharedLibrary, AMissingLibraryIsOneLineNamingItsPackage) {
  bool resolved = false;
  auto api = load_api<LibcApi>(
      {{"libc.so.6", "libc", "libc6"}, {"libnetlab-absent.so.0", "the absent library", "netlab-absent0"}},
      [&](LibcApi&, std::vector<SharedLibrary>&) { resolved = true; });
  ASSERT_FALSE(api);
  EXPECT_FALSE(resolved);
  const std::string& m = api.error().message;
  EXPECT_EQ(m.rfind("cannot load the absent library (package netlab-absent0): ", 0), 0u) << m;
  EXPECT_NE(m.find("libnetlab-absent.so.0"), std::string::npos) << m;  // dlerror's reason
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_FALSE(api.error().bad_input);
}

TEST(SharedLibrary, MissingSymbolsAreAllNamed) {
  auto api = load_api<LibcApi>({{"libc.so.6", "libc", "libc6"}}, [](LibcApi& to, std::vector<SharedLibrary>& from) {
    from[0].resolve(to.strlen, "netlab_no_such_function");
    from[0].resolve(to.environ_, "netlab_no_such_variable");
  });
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().message,
            "the installed libc (package libc6) lacks netlab_no_such_function, netlab_no_such_variable");
}

}  // namespace
}  // namespace netlab::model
