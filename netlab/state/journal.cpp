#include "netlab/state/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "netlab/state/paths.h"

namespace netlab::state {
namespace {

constexpr const char* kKindNames[] = {"netns", "link", "nft_table", "process", "sysctl", "ovs", "uplink", "libvirtd", "domain", "file", "ovn"};

bool kind_from_string(const std::string& text, ObjectKind* kind) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (text == kKindNames[i]) {
      *kind = static_cast<ObjectKind>(i);
      return true;
    }
  }
  return false;
}

std::string journal_path(const std::string& lab) { return lab_dir(lab) + "/" + kJournalFile; }

}  // namespace

const char* to_string(ObjectKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

std::string describe(const OwnedObject& o) {
  std::string where = o.netns.empty() ? "" : o.netns + "/";
  std::string text = std::string(to_string(o.kind)) + " ";
  if (o.kind == ObjectKind::netns) return text + o.name;
  text += where + o.name;
  if (o.kind == ObjectKind::uplink) return text;  // its detail is the JSON of what it held
  if (!o.detail.empty()) text += " (" + o.detail + ")";
  return text;
}

Result<Journal> Journal::open(const std::string& lab) {
  if (auto named = check_lab_name(lab); !named) return named.error();
  if (auto made = make_lab_dir(lab); !made) return made.error();
  // O_NOFOLLOW and a fixed mode: `down` trusts this file, so nobody but root may change it.
  int fd = ::open(journal_path(lab).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, kRunFileMode);
  if (fd < 0) return Error{"cannot open " + journal_path(lab) + ": " + std::strerror(errno)};
  ::fchmod(fd, kRunFileMode);
  return Journal(fd);
}

Journal::Journal(Journal&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

/// One journal line, newline included.
std::string line_text(const OwnedObject& o, bool forget) {
  nlohmann::json line = {{"kind", to_string(o.kind)}, {"netns", o.netns}, {"name", o.name}, {"detail", o.detail}};
  if (forget) line["forget"] = true;
  return line.dump() + "\n";
}

Status append(int fd, const OwnedObject& o, bool forget) {
  const std::string text = line_text(o, forget);
  ssize_t n = ::write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()))
    return Error{std::string("cannot append to the lab journal: ") + std::strerror(errno)};
  return {};
}

}  // namespace

Status Journal::forget(const OwnedObject& o) { return append(fd_, o, true); }

Status Journal::record(const OwnedObject& o) { return append(fd_, o, false); }

namespace {

/// One journal line's fields.
struct Line {
  std::string kind, netns, name, detail;
  bool forget = false;
};

/// A line as append() writes it (a flat JSON object of strings, with "forget":
/// true or false), read without building a JSON value: a 1000-guest lab's journal
/// has some 3000 lines and `up` reads it each time. False for anything else
/// (an escape in a string, a number, spaces), which nlohmann then reads.
bool read_plain_line(std::string_view text, Line* out) {
  size_t i = 0;
  auto quoted = [&](std::string_view* value) {
    if (i >= text.size() || text[i] != '"') return false;
    const size_t end = text.find_first_of("\"\\", i + 1);
    if (end == std::string_view::npos || text[end] != '"') return false;
    *value = text.substr(i + 1, end - i - 1);
    i = end + 1;
    return true;
  };
  if (text.empty() || text[i++] != '{') return false;
  for (;;) {
    std::string_view key, value;
    if (!quoted(&key) || i >= text.size() || text[i++] != ':') return false;
    if (key == "forget") {
      if (text.substr(i, 4) == "true") {
        out->forget = true;
        i += 4;
      } else if (text.substr(i, 5) == "false") {
        out->forget = false;
        i += 5;
      } else {
        return false;
      }
    } else {
      if (!quoted(&value)) return false;
      for (unsigned char c : value)
        if (c < 0x20 || c >= 0x80) return false;  // nlohmann refuses control bytes and checks UTF-8
      if (key == "kind") out->kind = value;
      else if (key == "netns") out->netns = value;
      else if (key == "name") out->name = value;
      else if (key == "detail") out->detail = value;
    }
    if (i >= text.size()) return false;
    const char c = text[i++];
    if (c == '}') return i == text.size();
    if (c != ',') return false;
  }
}

/// Any other line, through nlohmann; false when it is not a JSON object (a line
/// cut short by a crash mid-write).
bool read_json_line(const std::string& text, Line* out) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  out->kind = j.value("kind", "");
  out->netns = j.value("netns", "");
  out->name = j.value("name", "");
  out->detail = j.value("detail", "");
  out->forget = j.value("forget", false);
  return true;
}

}  // namespace

std::vector<OwnedObject> read_journal(const std::string& lab, size_t* lines_read) {
  std::vector<std::optional<OwnedObject>> objects;  // nullopt: forgotten
  // By kind, namespace and name (no name holds a newline); a 1000-guest lab has thousands.
  std::unordered_map<std::string, size_t> index;
  std::ifstream in(journal_path(lab));
  std::string text;
  size_t lines = 0;
  while (std::getline(in, text)) {
    ++lines;
    // A line cut short by a crash mid-write is skipped; the objects before it count.
    Line line;
    if (!read_plain_line(text, &line) && !read_json_line(text, &(line = Line{}))) continue;
    OwnedObject o;
    if (!kind_from_string(line.kind, &o.kind)) continue;
    o.netns = std::move(line.netns);
    o.name = std::move(line.name);
    o.detail = std::move(line.detail);
    std::string key = std::to_string(static_cast<int>(o.kind));
    key += '\n';
    key += o.netns;
    key += '\n';
    key += o.name;
    auto it = index.find(key);
    if (line.forget) {
      if (it != index.end()) objects[it->second].reset();
      index.erase(key);
    } else if (it == index.end()) {
      index.emplace(std::move(key), objects.size());
      objects.push_back(std::move(o));
    } else if (o.kind == ObjectKind::netns && !o.detail.empty()) {
      objects[it->second]->detail = std::move(o.detail);
    } else if (o.kind == ObjectKind::uplink) {
      objects[it->second]->detail = std::move(o.detail);
    }
  }
  std::vector<OwnedObject> owned;
  for (auto& o : objects)
    if (o) owned.push_back(std::move(*o));
  if (lines_read) *lines_read = lines;
  return owned;
}

Status compact_journal(const std::string& lab) {
  if (auto named = check_lab_name(lab); !named) return named.error();
  std::string text;
  for (const auto& o : read_journal(lab)) text += line_text(o, false);
  const std::string path = journal_path(lab), fresh = path + ".compact";
  int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, kRunFileMode);
  if (fd < 0) return Error{"cannot write " + fresh + ": " + std::strerror(errno)};
  ::fchmod(fd, kRunFileMode);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(fresh.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(fresh.c_str());
    return Error{"cannot compact " + path + ": " + why};
  }
  return {};
}

}  // namespace netlab::state
