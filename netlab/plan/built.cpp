// The record of what a lab's last completed `up` built (see built.h).
#include "netlab/plan/built.h"

#include <unistd.h>

#include <string_view>
#include <vector>

#include "netlab/state/lab_state.h"
#include "netlab/state/paths.h"

namespace netlab::plan {
namespace {

constexpr std::string_view kHeader = "netlab built 1";

bool clean(const std::string& field) { return field.find_first_of("\t\n") == std::string::npos; }

/// Appends one line of `fields`; false when a field cannot be written.
bool line(std::string& out, std::initializer_list<const std::string*> fields) {
  bool first = true;
  for (const std::string* f : fields) {
    if (!clean(*f)) return false;
    if (!first) out += '\t';
    out += *f;
    first = false;
  }
  out += '\n';
  return true;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t tab = text.find('\t'); tab != std::string_view::npos; tab = text.find('\t', start)) {
    fields.emplace_back(text.substr(start, tab - start));
    start = tab + 1;
  }
  fields.emplace_back(text.substr(start));
  return fields;
}

}  // namespace

Built built_record(const model::Topology& topology, const Target& target, StepDigests digests) {
  return Built{std::move(digests), described_by(topology, target)};
}

std::optional<std::string> built_to_text(const Built& built) {
  std::string out(kHeader);
  out += '\n';
  static const std::string kDigest = "digest", kLabel = "label", kLeased = "leased", kLeaseFile = "lease_file",
                           kPidLease = "pid_lease";
  bool ok = true;
  for (const auto& [owner, digest] : built.digests) ok &= line(out, {&kDigest, &owner, &digest});
  const Owned& d = built.described;
  for (const auto& [key, label] : d.labels) ok &= line(out, {&kLabel, &key, &label});
  for (const auto& [ns, nics] : d.leased_nics)
    for (const auto& nic : nics) ok &= line(out, {&kLeased, &ns, &nic.device, &nic.network});
  for (const auto& [network, file] : d.lease_files) ok &= line(out, {&kLeaseFile, &network, &file});
  for (const auto& [pid, file] : d.lease_file_of_pid) ok &= line(out, {&kPidLease, &pid, &file});
  out += "end\n";  // a record cut short has none
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Built> built_from_text(const std::string& text) {
  Built built;
  Owned& d = built.described;
  std::string_view rest(text);
  bool header = false, ended = false;
  while (!rest.empty() && !ended) {
    const size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    const std::string_view row = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    if (!header) {
      if (row != kHeader) return std::nullopt;
      header = true;
      continue;
    }
    if (row == "end") {
      ended = true;
      continue;
    }
    auto f = split(row);
    if (f[0] == "digest" && f.size() == 3) built.digests[f[1]] = f[2];
    else if (f[0] == "label" && f.size() == 3) d.labels[f[1]] = f[2];
    else if (f[0] == "leased" && f.size() == 4) d.leased_nics[f[1]].push_back({f[2], f[3]});
    else if (f[0] == "lease_file" && f.size() == 3) d.lease_files[f[1]] = f[2];
    else if (f[0] == "pid_lease" && f.size() == 3) d.lease_file_of_pid[f[1]] = f[2];
    else return std::nullopt;
  }
  if (!ended || !rest.empty()) return std::nullopt;
  return built;
}

std::optional<Built> read_built(const std::string& lab) {
  auto text = state::read_lab_file(lab, state::kBuiltRecord);
  if (!text) return std::nullopt;
  return built_from_text(*text);
}

Status write_built(const std::string& lab, const Built& built) {
  auto text = built_to_text(built);
  if (!text) {
    forget_built(lab);
    return {};
  }
  return state::write_lab_file(lab, state::kBuiltRecord, *text);
}

void forget_built(const std::string& lab) {
  if (!state::check_lab_name(lab)) return;
  ::unlink((state::lab_dir(lab) + "/" + state::kBuiltRecord).c_str());
}

}  // namespace netlab::plan
