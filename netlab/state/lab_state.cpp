#include "netlab/state/lab_state.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "netlab/model/file_io.h"
#include "netlab/state/paths.h"

namespace netlab::state {
namespace fs = std::filesystem;
namespace {

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Phase phase_from_string(const std::string& s) {
  if (s == "ready") return Phase::ready;
  if (s == "failed") return Phase::failed;
  if (s == "removing") return Phase::removing;
  return Phase::building;
}

}  // namespace

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::building: return "building";
    case Phase::ready: return "ready";
    case Phase::failed: return "failed";
    case Phase::removing: return "removing";
  }
  return "?";
}

Status write_lab_file(const std::string& lab, const std::string& name, const std::string& content) {
  if (auto named = check_lab_name(lab); !named) return named;
  if (auto made = make_lab_dir(lab); !made) return made;
  return model::write_file(lab_dir(lab) + "/" + name, content, kRunFileMode);
}

std::optional<std::string> read_lab_file(const std::string& lab, const std::string& name) {
  // The lab's own files: no bound but the size of a string.
  auto text = model::read_file_bounded(lab_dir(lab) + "/" + name, std::string().max_size());
  if (!text) return std::nullopt;
  return std::move(*text);
}

Status write_state(LabState s) {
  s.updated = now_iso8601();
  nlohmann::json j = {{"lab", s.lab},          {"topology_file", s.topology_file},
                      {"sandbox", s.sandbox},  {"host_netns", s.host_netns},
                      {"phase", to_string(s.phase)}, {"pid", s.pid},
                      {"updated", s.updated},  {"message", s.message},
                      {"host_netns_id", s.host_netns_id}};
  return write_lab_file(s.lab, kStateFile, j.dump(2) + "\n");
}

std::optional<LabState> read_state(const std::string& lab) {
  auto text = read_lab_file(lab, kStateFile);
  if (!text) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  LabState s;
  s.lab = j.value("lab", lab);
  s.topology_file = j.value("topology_file", "");
  s.sandbox = j.value("sandbox", false);
  s.host_netns = j.value("host_netns", "");
  s.phase = phase_from_string(j.value("phase", "building"));
  s.pid = j.value("pid", 0);
  s.updated = j.value("updated", "");
  s.message = j.value("message", "");
  s.host_netns_id = j.value("host_netns_id", "");
  return s;
}

std::vector<std::string> list_labs() {
  std::vector<std::string> labs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(run_root(), ec))
    if (entry.is_directory() && check_lab_name(entry.path().filename().string()))
      labs.push_back(entry.path().filename().string());
  std::sort(labs.begin(), labs.end());
  return labs;
}

Status remove_lab_dir(const std::string& lab) {
  if (auto named = check_lab_name(lab); !named) return named;
  std::error_code ec;
  fs::remove_all(lab_dir(lab), ec);
  if (ec) return Error{"cannot remove " + lab_dir(lab) + ": " + ec.message()};
  if (fs::is_empty(run_root(), ec)) fs::remove(run_root(), ec);
  return {};
}

}  // namespace netlab::state
