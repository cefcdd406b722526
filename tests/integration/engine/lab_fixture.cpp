#include "lab_fixture.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

std::optional<host::ChildProcess> serve(const std::string& netns, int port, std::vector<std::string> args) {
  host::SpawnOptions so;
  so.netns = netns;
  so.stdout_path = "/dev/null";
  so.stderr_path = "/dev/null";
  std::vector<std::string> argv{"busybox", "nc", "-l", "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto server = host::ChildProcess::start(argv, so);
  EXPECT_TRUE(server) << server.error().message;
  if (!server) return std::nullopt;
  // Up to 10 s: busybox starting under load (a CPU hog beside the test) may take a while.
  for (int i = 0; i < 500; ++i) {
    if (in_netns(netns, {"ss", "-ltn", "sport", "=", ":" + std::to_string(port)}).out.find("LISTEN") != std::string::npos)
      return std::move(*server);
    usleep(20000);
  }
  ADD_FAILURE() << "nothing listens on tcp/" << port << " in " << netns << " 10 s after busybox nc started";
  return std::nullopt;
}

std::optional<host::ChildProcess> start_netlab(const std::vector<std::string>& args, host::SpawnOptions options) {
  std::vector<std::string> argv{NETLAB_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = host::ChildProcess::start(argv, options);
  EXPECT_TRUE(child) << child.error().message;
  if (!child) return std::nullopt;
  return std::move(*child);
}

nlohmann::json json_when_done(host::ChildProcess& process, const std::string& out_path, const std::string& err_path,
                              int timeout_s) {
  auto code = process.wait(std::chrono::seconds(timeout_s));
  EXPECT_TRUE(code) << code.error().message;
  if (!code) return nullptr;
  EXPECT_EQ(*code, 0) << read_text(err_path);
  auto doc = nlohmann::json::parse(read_text(out_path), nullptr, false);
  EXPECT_TRUE(doc.is_object()) << read_text(out_path) << read_text(err_path);
  return doc.is_object() ? doc : nullptr;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool wait_for_text(const std::string& path, const std::string& text, const host::ChildProcess& process) {
  for (int i = 0; i < 1500; ++i) {
    if (read_text(path).find(text) != std::string::npos) return true;
    if (!process.running()) return read_text(path).find(text) != std::string::npos;
    usleep(20000);
  }
  return false;
}

std::string forward_topology(const std::string& lab) {
  return "name: " + lab + R"(
networks:
  default:
    mode: nat
    subnet: 192.168.122.0/24
    forward: [{port: 8080, to: web:80, proto: tcp}]
guests:
  web:
    nics:
      - {network: default, address: 192.168.122.10/24}
)";
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
