#include "host_fixture.h"

#include <unistd.h>

#include "netlab/host/netns.h"
#include "netlab/host/process.h"

namespace netlab::host::testing {

std::vector<std::string> leftover_namespaces() {
  std::vector<std::string> out;
  for (const auto& n : list_netns())
    if (n.rfind(kPrefix, 0) == 0) out.push_back(n);
  return out;
}

nlohmann::json ip_json(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv, {}, std::chrono::seconds(10));
  if (!r) {
    ADD_FAILURE() << r.error().message;
    return nlohmann::json::array();
  }
  if (r->exit_code != 0) {
    ADD_FAILURE() << format_argv(argv) << " failed: " << r->err;
    return nlohmann::json::array();
  }
  return nlohmann::json::parse(r->out);
}

int run_quiet(const std::vector<std::string>& argv) {
  auto r = run(argv, {}, std::chrono::seconds(20));
  if (!r) {
    ADD_FAILURE() << r.error().message;
    return -1;
  }
  return r->exit_code;
}

void HostTest::SetUp() {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  ASSERT_TRUE(leftover_namespaces().empty()) << "a previous run left nlt-hc-* namespaces";
}

void HostTest::TearDown() {
  for (auto it = made_.rbegin(); it != made_.rend(); ++it)
    if (netns_exists(*it)) (void)delete_netns(*it);
  made_.clear();
  EXPECT_TRUE(leftover_namespaces().empty());
}

std::string HostTest::make(const std::string& suffix) {
  std::string name = adopt(suffix);
  Status s = create_netns(name);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return name;
}

std::string HostTest::adopt(const std::string& suffix) {
  std::string name = kPrefix + suffix;
  made_.push_back(name);
  return name;
}

}  // namespace netlab::host::testing
