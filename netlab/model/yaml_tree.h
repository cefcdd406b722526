#pragma once
// A parsed YAML document, as the loader reads it: nulls, scalars (with whether
// they were quoted), sequences and mappings, each with its position.
//
// Parsed by a reader of netlab's own when the file keeps to the plain block
// style topologies are written in (a 1000-guest file in about 1 ms), else with
// libyaml's event parser when it can (yaml-cpp's scanner took about 30 ms of
// that file, libyaml's 5 to 9 with the tree). yaml-cpp stays the reference:
// a document libyaml refuses, one with a byte outside ASCII (whose columns the two
// count differently), with anchors or aliases (whose names the two end at
// different characters) or nested deeper than the loader could ever read is
// parsed by yaml-cpp, so its syntax errors and their positions are the ones
// netlab always reported. All three give the same tree (unit tests compare them
// on every YAML file in the repository and on mutations of the topologies). libyaml
// accepts a few spellings yaml-cpp refused ('?' inside a plain scalar of a flow
// mapping, "a:b" as a key); the loader checks what they mean like any other.
//
// YamlNode offers the part of YAML::Node's interface the loader uses, under the
// same names, so the loader reads like any yaml-cpp code.
#include <yaml-cpp/yaml.h>

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "netlab/model/digest.h"

namespace netlab::model {

struct YamlData {
  enum class Type { null, scalar, sequence, map };
  Type type = Type::null;
  std::string scalar;
  std::string tag;  // yaml-cpp's: "!" quoted, "?" plain, else an explicit tag
  int line = -1;    // 0-based, as YAML::Mark; -1 when unknown
  int column = -1;
  std::vector<const YamlData*> items;  // a sequence's items; a mapping's key, value, key, value...
};

/// A handle on a node of a YamlDocument (valid while the document lives).
class YamlNode {
 public:
  YamlNode() = default;
  explicit YamlNode(const YamlData* data) : d_(data) {}

  bool IsNull() const { return !d_ || d_->type == YamlData::Type::null; }
  bool IsScalar() const { return d_ && d_->type == YamlData::Type::scalar; }
  bool IsSequence() const { return d_ && d_->type == YamlData::Type::sequence; }
  bool IsMap() const { return d_ && d_->type == YamlData::Type::map; }
  const std::string& Scalar() const;
  const std::string& Tag() const;
  YAML::Mark Mark() const;
  /// Items of a sequence (0 for anything else).
  size_t size() const { return IsSequence() ? d_->items.size() : 0; }
  YamlNode operator[](size_t i) const { return i < size() ? YamlNode(d_->items[i]) : YamlNode(); }
  /// A mapping's pairs, in file order (duplicates kept); empty for anything else.
  std::vector<std::pair<YamlNode, YamlNode>> pairs() const;
  /// Adds this node and everything under it to `out`: kinds, tags, scalars and
  /// order, not positions. Two subtrees with equal digests read the same.
  void add_to(Digest& out) const;

 private:
  const YamlData* d_ = nullptr;
};

/// Owns every node of one document.
class YamlDocument {
 public:
  YamlNode root() const { return YamlNode(root_); }

  /// The first document of `text` (YAML::Load's contract: later documents are
  /// not read). Throws YAML::Exception (a YAML::ParserException, YAML::DeepRecursion...)
  /// exactly where YAML::Load would.
  static YamlDocument parse(const std::string& text);

  /// Parsed by netlab's own reader of the plain block style (yaml_block_parser.cpp):
  /// false at anything beyond it, which parse() then gives to libyaml.
  static bool parse_block(const std::string& text, YamlDocument* out);
  /// Parsed by libyaml only: false when it refuses the document or cannot stand
  /// for yaml-cpp there (see above). Exposed for the test comparing the two.
  static bool parse_fast(const std::string& text, YamlDocument* out);
  /// Parsed by yaml-cpp only (may throw as YAML::Load).
  static YamlDocument parse_reference(const std::string& text);

 private:
  YamlData* add() { return &nodes_.emplace_back(); }
  const YamlData* convert(const YAML::Node& node, int depth);

  std::deque<YamlData> nodes_;  // stable addresses
  const YamlData* root_ = nullptr;
};

}  // namespace netlab::model
