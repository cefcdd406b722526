// YamlDocument::parse_block: the plain block style of topology files, read
// without libyaml (see yaml_tree.h). Reads a line at a time: block mappings of
// plain keys, block sequences ("- item", "- key: value" starting a mapping),
// and on one line: plain, single- and double-quoted scalars and flow
// collections. Gives up (false) at anything else, or anything it is unsure
// of, so that libyaml or yaml-cpp read it: tabs, anchors, aliases, tags,
// block scalars, directives and document markers, a scalar or flow collection
// over several lines, complex or quoted keys, a ':' inside a flow scalar,
// escapes beyond \\ \" \n \t, and every syntax error (their messages are
// yaml-cpp's). Positions and tags are those libyaml gives (yaml_tree_test.cpp).
#include <string_view>
#include <vector>

#include "netlab/model/yaml_tree.h"

namespace netlab::model {
namespace {

/// A line with content (not blank, not only a comment).
struct Line {
  int number = 0;      // 0-based
  size_t begin = 0;    // offset of the line's first character in the text
  size_t start = 0;    // offset of its content (after the indentation)
  size_t end = 0;      // offset of its end (before the newline)
  int indent = 0;      // start - begin; for "- key: value", the key's column (BlockParser::sequence)
};

bool is_space(char c) { return c == ' '; }

/// Characters a plain scalar may not start with (YAML's indicators); '-' is
/// allowed before anything but a space or the end ("-1").
bool bad_plain_start(std::string_view rest) {
  const char c = rest[0];
  if (c == '-') return rest.size() < 2 || rest[1] == ' ';
  return std::string_view("?:,[]{}#&*!|>'\"%@`").find(c) != std::string_view::npos;
}

class BlockParser {
 public:
  BlockParser(const std::string& text, std::deque<YamlData>& nodes) : text_(text), nodes_(nodes) {}

  const YamlData* parse() {
    if (!split_lines() || lines_.empty()) return nullptr;
    const YamlData* root = block(lines_[0].indent);
    if (!root || next_ != lines_.size()) return nullptr;
    return root;
  }

 private:
  /// The text's content lines; false at a tab, a directive, a document marker or a NUL.
  bool split_lines() {
    int number = 0;
    for (size_t begin = 0; begin < text_.size(); ++number) {
      size_t end = text_.find('\n', begin);
      if (end == std::string::npos) end = text_.size();
      size_t start = begin;
      while (start < end && is_space(text_[start])) ++start;
      for (size_t i = begin; i < end; ++i)
        if (text_[i] == '\t' || text_[i] == '\r') return false;
      const std::string_view content(text_.data() + start, end - start);
      if (!content.empty() && content[0] != '#') {
        if (start == begin && (content[0] == '%' || content.substr(0, 3) == "---" || content.substr(0, 3) == "..."))
          return false;
        lines_.push_back({number, begin, start, end, static_cast<int>(start - begin)});
      }
      begin = end + 1;
    }
    return true;
  }

  YamlData* add(YamlData::Type type, const Line& line, size_t at) {
    YamlData* n = &nodes_.emplace_back();
    n->type = type;
    n->line = line.number;
    n->column = static_cast<int>(at - line.begin);
    n->tag = "?";
    return n;
  }

  /// An empty or null plain scalar: tagged "?" as parse_fast tags it.
  YamlData* null_at(const Line& line, size_t at) { return add(YamlData::Type::null, line, at); }

  bool starts_item(const Line& line) const {
    return text_[line.start] == '-' && (line.start + 1 == line.end || text_[line.start + 1] == ' ');
  }

  /// The block node whose first line is lines_[next_], indented `indent`.
  const YamlData* block(int indent) {
    if (next_ >= lines_.size() || lines_[next_].indent != indent) return nullptr;
    return starts_item(lines_[next_]) ? sequence(indent) : mapping(indent);
  }

  /// A block mapping: every line at `indent` from here is "key: value".
  const YamlData* mapping(int indent) {
    YamlData* map = nullptr;
    while (next_ < lines_.size() && lines_[next_].indent == indent) {
      const Line line = lines_[next_];
      if (starts_item(line)) break;  // the parent's indentless sequence (or an error)
      // The key: a plain scalar ending at ": " or ':' at the end of the line.
      if (bad_plain_start(std::string_view(text_).substr(line.start, line.end - line.start))) return nullptr;
      size_t colon = line.start;
      while (colon < line.end && !(text_[colon] == ':' && (colon + 1 == line.end || text_[colon + 1] == ' '))) {
        if (text_[colon] == '#' && text_[colon - 1] == ' ') return nullptr;  // a comment before any ':'
        ++colon;
      }
      if (colon == line.end) return nullptr;
      size_t key_end = colon;
      while (key_end > line.start && is_space(text_[key_end - 1])) --key_end;
      if (!map) map = add(YamlData::Type::map, line, line.start);
      // A ':' inside a key ("a:b: c") is read differently by the two parsers: left to them.
      if (std::string_view(text_).substr(line.start, key_end - line.start).find(':') != std::string_view::npos)
        return nullptr;
      YamlData* key = scalar_node(line, line.start, key_end, true);
      if (!key) return nullptr;
      map->items.push_back(key);
      ++next_;
      const YamlData* value = value_after(line, colon + 1, indent, true);
      if (!value) return nullptr;
      map->items.push_back(value);
    }
    return map;
  }

  /// A block sequence: every line at `indent` from here is "- item".
  const YamlData* sequence(int indent) {
    YamlData* seq = nullptr;
    while (next_ < lines_.size() && lines_[next_].indent == indent && starts_item(lines_[next_])) {
      Line& line = lines_[next_];
      if (!seq) seq = add(YamlData::Type::sequence, line, line.start);
      size_t at = line.start + 1;
      while (at < line.end && is_space(text_[at])) ++at;
      const std::string_view rest(text_.data() + at, line.end - at);
      if (rest.empty() || rest[0] == '#') {
        ++next_;
        const YamlData* item = value_after(line, at, indent, false);
        if (!item) return nullptr;
        seq->items.push_back(item);
        continue;
      }
      if (rest[0] == '-') return nullptr;  // "- - x", or "- -x": rare, left to libyaml
      if (starts_key(rest)) {
        // "- key: value": a mapping whose keys stand at this column; the line
        // is read again as its first line.
        line.start = at;
        line.indent = static_cast<int>(at - line.begin);
        const YamlData* item = mapping(line.indent);
        if (!item) return nullptr;
        seq->items.push_back(item);
        continue;
      }
      ++next_;
      const YamlData* item = inline_value(line, at);
      if (!item) return nullptr;
      seq->items.push_back(item);
    }
    return seq;
  }

  /// Whether `rest` begins with a plain key and ": " or ':' at its end (outside quotes and flow).
  static bool starts_key(std::string_view rest) {
    if (bad_plain_start(rest)) return false;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '#' && i > 0 && rest[i - 1] == ' ') return false;
      if (rest[i] == ':' && (i + 1 == rest.size() || rest[i + 1] == ' ')) return true;
    }
    return false;
  }

  /// The value after a key's ':' (or an item's '-') at `at` on `line`, whose
  /// parent stands at `indent`: on the same line, or the block below, or null.
  const YamlData* value_after(const Line& line, size_t at, int indent, bool in_mapping) {
    while (at < line.end && is_space(text_[at])) ++at;
    if (at < line.end && text_[at] != '#') return inline_value(line, at);
    if (next_ < lines_.size()) {
      const Line& below = lines_[next_];
      if (below.indent > indent) return block(below.indent);
      // "key:" then "- item" at the key's own indentation: an indentless sequence.
      if (in_mapping && below.indent == indent && starts_item(below)) return sequence(indent);
    }
    return null_at(line, at);
  }

  /// A scalar or flow collection from `at` to the end of `line` (a comment aside).
  const YamlData* inline_value(const Line& line, size_t at) {
    size_t pos = at;
    const YamlData* value = nullptr;
    const char c = text_[at];
    if (c == '[' || c == '{') {
      value = flow(line, pos, 0);
    } else if (c == '\'' || c == '"') {
      value = quoted(line, pos);
    } else {
      // A plain scalar to the end of the line, or to " #".
      size_t end = at;
      while (end < line.end && !(text_[end] == '#' && is_space(text_[end - 1]))) {
        if (text_[end] == ':' && (end + 1 == line.end || text_[end + 1] == ' ')) return nullptr;  // "a: b: c"
        ++end;
      }
      while (end > at && is_space(text_[end - 1])) --end;
      value = scalar_node(line, at, end, true);
      pos = line.end;
    }
    if (!value) return nullptr;
    while (pos < line.end && is_space(text_[pos])) ++pos;
    if (pos < line.end && !(text_[pos] == '#' && is_space(text_[pos - 1]))) return nullptr;
    // A more indented line below would continue a plain scalar, or be an error.
    if (next_ < lines_.size() && lines_[next_].indent > line.indent) return nullptr;
    return value;
  }

  /// A plain scalar [from, to) of `line`: null when YAML reads it so.
  YamlData* scalar_node(const Line& line, size_t from, size_t to, bool block_context) {
    if (from == to || bad_plain_start(std::string_view(text_).substr(from, to - from))) return nullptr;
    const std::string_view s(text_.data() + from, to - from);
    if (!block_context && s.find_first_of(":?#") != std::string_view::npos) return nullptr;
    if (s == "~" || s == "null" || s == "Null" || s == "NULL") return null_at(line, from);
    YamlData* n = add(YamlData::Type::scalar, line, from);
    n->scalar.assign(s);
    return n;
  }

  /// A quoted scalar starting at `pos` (its quote), closed on the same line; `pos` ends after it.
  YamlData* quoted(const Line& line, size_t& pos) {
    const char quote = text_[pos];
    YamlData* n = add(YamlData::Type::scalar, line, pos);
    n->tag = "!";
    for (size_t i = pos + 1; i < line.end; ++i) {
      const char c = text_[i];
      if (quote == '\'' && c == '\'') {
        if (i + 1 < line.end && text_[i + 1] == '\'') {
          n->scalar += '\'';
          ++i;
          continue;
        }
        pos = i + 1;
        return n;
      }
      if (quote == '"' && c == '"') {
        pos = i + 1;
        return n;
      }
      if (quote == '"' && c == '\\') {
        if (i + 1 >= line.end) return nullptr;
        const char e = text_[++i];
        if (e == '\\' || e == '"') n->scalar += e;
        else if (e == 'n') n->scalar += '\n';
        else if (e == 't') n->scalar += '\t';
        else return nullptr;
        continue;
      }
      n->scalar += c;
    }
    return nullptr;  // not closed on this line
  }

  /// A flow collection starting at `pos` ('[' or '{'), closed on the same line.
  const YamlData* flow(const Line& line, size_t& pos, int depth) {
    if (depth > 16) return nullptr;
    const bool is_map = text_[pos] == '{';
    const char close = is_map ? '}' : ']';
    YamlData* n = add(is_map ? YamlData::Type::map : YamlData::Type::sequence, line, pos);
    ++pos;
    auto skip = [&] {
      while (pos < line.end && is_space(text_[pos])) ++pos;
    };
    skip();
    if (pos < line.end && text_[pos] == close) {
      ++pos;
      return n;
    }
    for (;;) {
      const YamlData* item = flow_item(line, pos, depth);
      if (!item) return nullptr;
      n->items.push_back(item);
      skip();
      if (is_map) {
        if (pos >= line.end || text_[pos] != ':') return nullptr;
        ++pos;
        if (pos < line.end && text_[pos] != ' ') return nullptr;
        skip();
        if (pos < line.end && (text_[pos] == ',' || text_[pos] == '}')) return nullptr;  // "{a: , b: c}"
        const YamlData* value = flow_item(line, pos, depth);
        if (!value) return nullptr;
        n->items.push_back(value);
        skip();
      }
      if (pos >= line.end) return nullptr;
      if (text_[pos] == close) {
        ++pos;
        return n;
      }
      if (text_[pos] != ',') return nullptr;
      ++pos;
      skip();
      if (pos >= line.end || text_[pos] == close) return nullptr;  // "[a, ]": left to libyaml
    }
  }

  /// One item (or key, or value) of a flow collection at `pos`.
  const YamlData* flow_item(const Line& line, size_t& pos, int depth) {
    if (pos >= line.end) return nullptr;
    const char c = text_[pos];
    if (c == '[' || c == '{') return flow(line, pos, depth + 1);
    if (c == '\'' || c == '"') return quoted(line, pos);
    size_t end = pos;
    while (end < line.end && std::string_view(",[]{}").find(text_[end]) == std::string_view::npos &&
           !(text_[end] == ':' && (end + 1 == line.end || text_[end + 1] == ' ')))
      ++end;
    size_t last = end;
    while (last > pos && is_space(text_[last - 1])) --last;
    const YamlData* n = scalar_node(line, pos, last, false);
    pos = end;
    return n;
  }

  const std::string& text_;
  std::deque<YamlData>& nodes_;
  std::vector<Line> lines_;
  size_t next_ = 0;  // the line to read next
};

}  // namespace

bool YamlDocument::parse_block(const std::string& text, YamlDocument* out) {
  for (unsigned char c : text)
    if (c >= 0x80 || c == 0) return false;  // as parse_fast: ASCII only
  YamlDocument doc;
  BlockParser parser(text, doc.nodes_);
  const YamlData* root = parser.parse();
  if (!root) return false;
  doc.root_ = root;
  *out = std::move(doc);
  return true;
}

}  // namespace netlab::model
