#include "lab_fixture.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "netlab/host/netns.h"

namespace netlab::testing {
namespace fs = std::filesystem;

Outcome run_command(const std::vector<std::string>& argv, int timeout_s) {
  auto r = host::run(argv, {}, std::chrono::seconds(timeout_s));
  if (!r) {
    ADD_FAILURE() << host::format_argv(argv) << ": " << r.error().message;
    return {};
  }
  return {r->exit_code, r->out, r->err};
}

Outcome netlab(const std::vector<std::string>& args, int timeout_s) {
  std::vector<std::string> argv{NETLAB_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout_s);
}

Outcome in_netns(const std::string& netns, const std::vector<std::string>& argv, int timeout_s) {
  std::vector<std::string> full{"ip", "netns", "exec", netns};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_command(full, timeout_s);
}

std::string mac_of(const std::string& netns, const std::string& device) {
  std::string out = in_netns(netns, {"ip", "-o", "link", "show", "dev", device}).out;
  size_t at = out.find("link/ether ");
  return at == std::string::npos ? "" : out.substr(at + 11, 17);
}

bool ping(const std::string& netns, const std::string& address) {
  return in_netns(netns, {"ping", "-c", "1", "-W", "1", address}).exit_code == 0;
}

std::vector<std::string> leftovers(const std::string& lab) {
  std::vector<std::string> found;
  for (const auto& ns : host::list_netns())
    if (ns.rfind(lab + "-", 0) == 0) found.push_back("namespace " + ns);
  if (fs::exists("/run/netlab/" + lab)) found.push_back("run directory /run/netlab/" + lab);
  if (fs::exists("/run/netlab/" + lab + ".lock")) found.push_back("lock /run/netlab/" + lab + ".lock");
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    if (host::cmdline(pid).find("/run/netlab/" + lab + "/") != std::string::npos)
      found.push_back("process " + name + " " + host::cmdline(pid));
  }
  return found;
}

void LabTest::SetUp() {
  if (::geteuid() != 0) GTEST_SKIP() << "integration tests need root (they build sandbox namespaces)";
  dir_ = fs::temp_directory_path() / ("netlab-it-" + std::to_string(::getpid()));
  fs::create_directories(dir_);
}

void LabTest::TearDown() {
  if (::geteuid() != 0) return;
  if (!lab_.empty()) {
    netlab({"down", lab_});
    EXPECT_EQ(leftovers(lab_), std::vector<std::string>{}) << "lab " << lab_ << " left things behind";
    // Clean up anyway, so one failure does not cascade into the next test.
    for (const auto& ns : host::list_netns())
      if (ns.rfind(lab_ + "-", 0) == 0) host::delete_netns(ns);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string LabTest::write_topology(const std::string& lab, const std::string& yaml) {
  lab_ = lab;
  const std::string path = dir_ + "/" + lab + ".yaml";
  std::ofstream(path) << yaml;
  return path;
}

Outcome LabTest::up_ok(const std::string& file) {
  Outcome o = netlab({"up", file, "--sandbox"});
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  return o;
}

}  // namespace netlab::testing
