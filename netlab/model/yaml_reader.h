#pragma once
// Typed, position-keeping access to a parsed YAML document. Every problem
// (wrong type, unknown or duplicate key, bad enum value) becomes a Diagnostic at
// the offending node; nothing here throws. Used by loader.cpp only.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netlab/model/diagnostic.h"
#include "netlab/model/topology.h"
#include "netlab/model/yaml_tree.h"

namespace netlab::model {

/// One pair of a YAML mapping, with its key as text.
struct Entry {
  std::string key;
  YamlNode key_node;
  YamlNode value;
};

class YamlReader {
 public:
  /// Positions name `file`; diagnostics are appended to `*out`.
  YamlReader(std::string file, std::vector<Diagnostic>* out) : file_(std::move(file)), out_(out) {}

  /// The node's 1-based position, or line/column 0 when the parser gave none.
  Position position(const YamlNode& node) const;
  /// Where an entry's value is; the key's position when the value is empty (`key:`).
  Position value_position(const Entry& entry) const;
  /// Appends an error at `pos`.
  void error(const Position& pos, std::string message, std::string hint = {});

  /// Describes a node for "must be X, not Y" messages: "a list", "a mapping", "nothing", "'abc'".
  static std::string describe(const YamlNode& node);

  /// Reads the pairs of mapping `node` (`what` names it in messages, e.g. "network 'default'").
  /// Reports keys that are not scalars, duplicates, and keys not in `allowed` (with a
  /// did-you-mean hint); those are left out of the result. An empty `allowed` accepts
  /// every key (maps keyed by name). Records each kept key's value position in `pos`.
  std::vector<Entry> mapping(const YamlNode& node, const std::string& what,
                             const std::vector<std::string>& allowed, FieldPositions* pos);

  /// True when `entry`'s value is a mapping (or empty, which reads as an empty mapping);
  /// otherwise reports "'key' must be a mapping ..." and returns false.
  bool expect_mapping(const Entry& entry, const std::string& what_it_holds = {});
  /// True when `entry`'s value is a list (or empty); otherwise reports and returns false.
  bool expect_list(const Entry& entry);

  /// The value as text; reports and returns nullopt unless it is a scalar.
  std::optional<std::string> string(const Entry& entry);
  /// A plain (unquoted) decimal integer that fits in int.
  std::optional<int> integer(const Entry& entry);
  /// true/false (also yes/no/on/off, as YAML 1.1 reads them), unquoted.
  std::optional<bool> boolean(const Entry& entry);

  /// One of `choices` (text -> value); otherwise reports "invalid <key> 'x', expected one
  /// of: a, b" with a did-you-mean hint.
  template <typename E>
  std::optional<E> choice(const Entry& entry, const std::vector<std::pair<std::string, E>>& choices) {
    auto text = string(entry);
    if (!text) return std::nullopt;
    for (const auto& [name, value] : choices)
      if (name == *text) return value;
    std::vector<std::string> names;
    for (const auto& choice : choices) names.push_back(choice.first);
    bad_choice(entry, *text, names);
    return std::nullopt;
  }

  const std::string& file() const { return file_; }

 private:
  void bad_choice(const Entry& entry, const std::string& text, const std::vector<std::string>& names);

  std::string file_;
  std::vector<Diagnostic>* out_;
};

}  // namespace netlab::model
