// The record of what a lab's last completed `up` built (see built.h).
#include "netlab/plan/built.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>
#include <vector>

#include "netlab/state/lab_state.h"
#include "netlab/state/paths.h"

namespace netlab::plan {
namespace {

constexpr std::string_view kHeader = "netlab built 2";

/// The record's text, a line at a time. A field holding a tab or a newline
/// would cut its line wrongly: the whole text is checked once at the end
/// (counting both), not each of a 1000-guest record's 10000 lines.
class RecordText {
 public:
  explicit RecordText(size_t lines) { out_.reserve(64 * lines); }
  void line(std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view f : fields) {
      if (!first) {
        out_ += '\t';
        ++tabs_;
      }
      out_ += f;
      first = false;
    }
    out_ += '\n';
    ++newlines_;
  }
  /// The text, or nullopt when a field held a tab or a newline.
  std::optional<std::string> take() {
    if (static_cast<size_t>(std::count(out_.begin(), out_.end(), '\t')) != tabs_ ||
        static_cast<size_t>(std::count(out_.begin(), out_.end(), '\n')) != newlines_)
      return std::nullopt;
    return std::move(out_);
  }

 private:
  std::string out_;
  size_t tabs_ = 0, newlines_ = 0;
};

/// The tab-separated fields of `row`; false when it has more than `out` holds.
/// Views into the record's text: a 1000-guest record has some 10000 rows.
template <size_t N>
bool split(std::string_view row, std::array<std::string_view, N>& out, size_t* count) {
  *count = 0;
  for (;;) {
    if (*count == N) return false;
    const size_t tab = row.find('\t');
    out[(*count)++] = row.substr(0, tab);
    if (tab == std::string_view::npos) return true;
    row.remove_prefix(tab + 1);
  }
}

/// Adds `value` under `key` to a map filled in key order (the record is written
/// from ordered maps), so each insertion is at the end.
template <typename Map, typename Value>
void put_last(Map& map, std::string_view key, Value&& value) {
  map.emplace_hint(map.end(), std::string(key), std::forward<Value>(value));
}

}  // namespace

Built built_record(const model::Topology& topology, const Target& target, StepDigests digests, GuestKeys keys,
                   std::map<std::string, std::vector<std::string>> objects) {
  Built built{std::move(digests), described_by(topology, target), {}, {}};
  for (auto& [guest, key] : keys) {
    auto made = objects.find(guest);
    if (made == objects.end() || !built.digests.count(guest)) continue;
    built.objects[guest] = std::move(made->second);
    built.keys[guest] = std::move(key);
  }
  return built;
}

std::optional<std::string> built_to_text(const Built& built) {
  const Owned& d = built.described;
  size_t objects = 0;
  for (const auto& [guest, made] : built.objects) objects += made.size();
  RecordText out(built.digests.size() + built.keys.size() + objects + d.labels.size() + d.leased_nics.size() +
                 d.lease_files.size() + d.lease_file_of_pid.size() + 2);
  out.line({kHeader});
  for (const auto& [owner, digest] : built.digests) out.line({"digest", owner, digest});
  for (const auto& [guest, key] : built.keys) out.line({"key", guest, key});
  for (const auto& [guest, made] : built.objects)
    for (const auto& object : made) out.line({"object", guest, object});
  for (const auto& [key, label] : d.labels) out.line({"label", key, label});
  for (const auto& [ns, nics] : d.leased_nics)
    for (const auto& nic : nics) out.line({"leased", ns, nic.device, nic.network});
  for (const auto& [network, file] : d.lease_files) out.line({"lease_file", network, file});
  for (const auto& [pid, file] : d.lease_file_of_pid) out.line({"pid_lease", pid, file});
  out.line({"end"});  // a record cut short has none
  return out.take();
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
    std::array<std::string_view, 4> f;
    size_t n = 0;
    if (!split(row, f, &n)) return std::nullopt;
    if (f[0] == "digest" && n == 3) put_last(built.digests, f[1], std::string(f[2]));
    else if (f[0] == "label" && n == 3) put_last(d.labels, f[1], std::string(f[2]));
    else if (f[0] == "leased" && n == 4) d.leased_nics[std::string(f[1])].push_back({std::string(f[2]), std::string(f[3])});
    else if (f[0] == "lease_file" && n == 3) put_last(d.lease_files, f[1], std::string(f[2]));
    else if (f[0] == "pid_lease" && n == 3) put_last(d.lease_file_of_pid, f[1], std::string(f[2]));
    else if (f[0] == "key" && n == 3) put_last(built.keys, f[1], std::string(f[2]));
    else if (f[0] == "object" && n == 3) {
      auto& objects = built.objects.empty() || built.objects.rbegin()->first != f[1]
                          ? built.objects.emplace_hint(built.objects.end(), std::string(f[1]), std::vector<std::string>{})->second
                          : built.objects.rbegin()->second;
      objects.emplace_back(f[2]);
    } else {
      return std::nullopt;
    }
  }
  if (!ended || !rest.empty()) return std::nullopt;
  for (auto it = built.keys.begin(); it != built.keys.end();)  // a guest's key counts with its steps and objects
    it = built.objects.count(it->first) && built.digests.count(it->first) ? std::next(it) : built.keys.erase(it);
  return built;
}

Status write_built(const std::string& lab, const std::optional<std::string>& text) {
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
