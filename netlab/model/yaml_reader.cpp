#include "netlab/model/yaml_reader.h"

#include <charconv>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "netlab/model/suggest.h"

namespace netlab::model {
namespace {

bool is_quoted(const YamlNode& node) { return node.Tag() == "!"; }

}  // namespace

Position YamlReader::position(const YamlNode& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return {file_, 0, 0};
  return {file_, mark.line + 1, mark.column + 1};
}

Position YamlReader::value_position(const Entry& entry) const {
  Position pos = position(entry.value);
  if (entry.value.IsNull() || pos.line == 0) return position(entry.key_node);
  return pos;
}

void YamlReader::error(const Position& pos, std::string message, std::string hint) {
  out_->push_back({pos, std::move(message), std::move(hint)});
}

std::string YamlReader::describe(const YamlNode& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return "'" + excerpt(node.Scalar()) + "'";
  return "nothing";
}

std::vector<Entry> YamlReader::mapping(const YamlNode& node, const std::string& what,
                                       const std::vector<std::string>& allowed, FieldPositions* pos) {
  std::vector<Entry> entries;
  if (!node.IsMap()) return entries;
  const auto pairs = node.pairs();
  entries.reserve(pairs.size());
  // Every key so far, known or not, with its line. The keys are the
  // document's own strings, which outlive this call. An object has a few
  // keys, scanned in turn; a map keyed by name (1000 guests) is hashed.
  std::vector<std::pair<std::string_view, int>> few;
  std::unordered_map<std::string_view, int> many;
  const bool hashed = pairs.size() > 16;
  if (hashed) many.reserve(pairs.size());
  for (const auto& [key, value] : pairs) {
    if (!key.IsScalar()) {
      error(position(key), "key in " + what + " must be a plain name, not " + describe(key));
      continue;
    }
    const std::string& text = key.Scalar();
    const Position key_pos = position(key);
    std::optional<int> first_line;
    if (hashed) {
      if (auto [at, fresh] = many.emplace(text, key_pos.line); !fresh) first_line = at->second;
    } else {
      for (const auto& [k, line] : few)
        if (k == text) first_line = line;
      if (!first_line) few.emplace_back(text, key_pos.line);
    }
    if (first_line) {
      error(key_pos, "duplicate key '" + excerpt(text) + "' in " + what,
            "first written at line " + std::to_string(*first_line));
      continue;
    }
    bool known = allowed.empty();
    for (const auto& a : allowed) known = known || a == text;
    if (!known) {
      std::string hint = did_you_mean(text, allowed);
      if (hint.empty()) hint = "known keys: " + join_choices(allowed);
      error(key_pos, "unknown key '" + excerpt(text) + "' in " + what, hint);
      continue;
    }
    entries.push_back({text, key, value});
    if (pos) pos->fields[text] = value_position(entries.back());
  }
  return entries;
}

bool YamlReader::expect_mapping(const Entry& entry, const std::string& what_it_holds) {
  if (entry.value.IsMap() || entry.value.IsNull()) return true;
  std::string kind = what_it_holds.empty() ? "a mapping" : "a mapping of " + what_it_holds;
  error(value_position(entry), "'" + entry.key + "' must be " + kind + ", not " + describe(entry.value));
  return false;
}

bool YamlReader::expect_list(const Entry& entry) {
  if (entry.value.IsSequence() || entry.value.IsNull()) return true;
  error(value_position(entry), "'" + entry.key + "' must be a list, not " + describe(entry.value));
  return false;
}

std::optional<std::string> YamlReader::string(const Entry& entry) {
  if (entry.value.IsScalar()) return entry.value.Scalar();
  error(value_position(entry), "'" + entry.key + "' must be a string, not " + describe(entry.value));
  return std::nullopt;
}

std::optional<int> YamlReader::integer(const Entry& entry) {
  const YamlNode& v = entry.value;
  if (v.IsScalar() && !is_quoted(v)) {
    const std::string& text = v.Scalar();
    long long value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (begin != end && *begin == '+') ++begin;
    auto [p, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && p == end && begin != end) {
      if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
        error(value_position(entry), "'" + entry.key + "' value " + excerpt(text) + " is out of range");
        return std::nullopt;
      }
      return static_cast<int>(value);
    }
    if (ec == std::errc::result_out_of_range) {
      error(value_position(entry), "'" + entry.key + "' value " + excerpt(text) + " is out of range");
      return std::nullopt;
    }
  }
  std::string hint = v.IsScalar() && is_quoted(v) ? "remove the quotes" : "";
  error(value_position(entry), "'" + entry.key + "' must be an integer, not " + describe(v), hint);
  return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const Entry& entry) {
  const YamlNode& v = entry.value;
  if (v.IsScalar() && !is_quoted(v)) {
    bool value = false;
    if (YAML::convert<bool>::decode(YAML::Node(v.Scalar()), value)) return value;  // yaml-cpp's spellings
  }
  std::string hint = v.IsScalar() && is_quoted(v) ? "remove the quotes" : "";
  error(value_position(entry), "'" + entry.key + "' must be true or false, not " + describe(v), hint);
  return std::nullopt;
}

void YamlReader::bad_choice(const Entry& entry, const std::string& text, const std::vector<std::string>& names) {
  error(value_position(entry), "invalid " + entry.key + " '" + excerpt(text) + "', expected " + join_choices(names),
        did_you_mean(text, names));
}

}  // namespace netlab::model
