#include "netlab/model/yaml_tree.h"

#include <yaml.h>


namespace netlab::model {
namespace {

// Deeper than anything the loader reads (about 6 levels); a deeper document
// goes to yaml-cpp, which refuses 500 levels with its own message.
constexpr int kMaxFastDepth = 64;

const std::string kEmpty;

/// yaml-cpp's nulls, when plain and without a tag (an empty node is an empty plain scalar here).
bool is_null_text(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

/// Fills `n` from one libyaml node event's position and tag.
void place(YamlData* n, const yaml_mark_t& mark, const yaml_char_t* tag, const char* untagged) {
  n->line = static_cast<int>(mark.line);
  n->column = static_cast<int>(mark.column);
  n->tag = tag ? reinterpret_cast<const char*>(tag) : untagged;
}

/// Owns one libyaml parser.
struct Parser {
  yaml_parser_t p;
  explicit Parser(const std::string& text) {
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Parser() { yaml_parser_delete(&p); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
};

/// Owns one event.
struct Event {
  yaml_event_t e;
  bool valid = false;
  ~Event() {
    if (valid) yaml_event_delete(&e);
  }
};

}  // namespace

const std::string& YamlNode::Scalar() const { return IsScalar() ? d_->scalar : kEmpty; }

const std::string& YamlNode::Tag() const { return d_ ? d_->tag : kEmpty; }

YAML::Mark YamlNode::Mark() const {
  if (!d_ || d_->line < 0) return YAML::Mark::null_mark();
  YAML::Mark mark;
  mark.line = d_->line;
  mark.column = d_->column;
  return mark;
}

void YamlNode::add_to(Digest& out) const {
  static constexpr const char* kKinds[] = {"n", "s", "q", "m"};
  if (!d_) {
    out.add("-");
    return;
  }
  out.add(kKinds[static_cast<int>(d_->type)]).field(d_->tag).field(d_->scalar).number(d_->items.size());
  for (const YamlData* item : d_->items) YamlNode(item).add_to(out);
}

std::vector<std::pair<YamlNode, YamlNode>> YamlNode::pairs() const {
  std::vector<std::pair<YamlNode, YamlNode>> out;
  if (!IsMap()) return out;
  out.reserve(d_->items.size() / 2);
  for (size_t i = 0; i + 1 < d_->items.size(); i += 2) out.emplace_back(YamlNode(d_->items[i]), YamlNode(d_->items[i + 1]));
  return out;
}

YamlDocument YamlDocument::parse(const std::string& text) {
  YamlDocument doc;
  if (parse_block(text, &doc) || parse_fast(text, &doc)) return doc;
  return parse_reference(text);
}

bool YamlDocument::parse_fast(const std::string& text, YamlDocument* out) {
  // yaml-cpp counts columns in bytes, libyaml in characters, and yaml-cpp reads
  // NUL bytes as a UTF-16/32 encoding: anything but ASCII text goes to yaml-cpp.
  for (unsigned char c : text)
    if (c >= 0x80 || c == 0) return false;
  YamlDocument doc;
  Parser parser(text);
  std::vector<YamlData*> open;  // the collections being read, innermost last
  auto attach = [&](const YamlData* n) {
    if (open.empty()) doc.root_ = n;
    else open.back()->items.push_back(n);
  };
  bool ended = false;  // the first document's end was read
  for (;;) {
    Event ev;
    if (!yaml_parser_parse(&parser.p, &ev.e)) return false;
    ev.valid = true;
    const yaml_event_t& e = ev.e;
    if (ended) {
      // What follows the first document was read as far as yaml-cpp reads it
      // (its next token), and is no error.
      *out = std::move(doc);
      return true;
    }
    switch (e.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_DOCUMENT_START_EVENT:
      case YAML_NO_EVENT: break;
      case YAML_DOCUMENT_END_EVENT:
        if (!open.empty()) return false;
        ended = true;
        break;
      case YAML_STREAM_END_EVENT:
        if (!open.empty()) return false;
        *out = std::move(doc);
        return true;
      // Anchors and aliases are rare in a topology, and the two parsers do not
      // end an anchor's name at the same character ("&name:"): yaml-cpp reads them.
      case YAML_ALIAS_EVENT: return false;
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        if (s.anchor) return false;
        YamlData* n = doc.add();
        n->scalar.assign(reinterpret_cast<const char*>(s.value), s.length);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
        place(n, e.start_mark, s.tag, plain ? "?" : "!");
        if (plain && !s.tag && is_null_text(n->scalar)) {
          n->type = YamlData::Type::null;
          n->scalar.clear();
        } else {
          n->type = YamlData::Type::scalar;
        }
        attach(n);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        if (seq ? e.data.sequence_start.anchor : e.data.mapping_start.anchor) return false;
        if (static_cast<int>(open.size()) >= kMaxFastDepth) return false;
        YamlData* n = doc.add();
        n->type = seq ? YamlData::Type::sequence : YamlData::Type::map;
        place(n, e.start_mark, seq ? e.data.sequence_start.tag : e.data.mapping_start.tag, "?");
        attach(n);
        open.push_back(n);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (open.empty()) return false;
        open.pop_back();
        break;
    }
  }
}

YamlDocument YamlDocument::parse_reference(const std::string& text) {
  YamlDocument doc;
  const YAML::Node root = YAML::Load(text);
  doc.root_ = doc.convert(root, 0);
  return doc;
}

// Recursive over a tree yaml-cpp accepted (so at most 500 levels); below
// kMaxFastDepth only the node itself is kept (the loader reads no deeper), which
// also ends an alias that contains itself.
const YamlData* YamlDocument::convert(const YAML::Node& node, int depth) {
  YamlData* n = add();
  const YAML::Mark mark = node.Mark();
  if (!mark.is_null()) {
    n->line = mark.line;
    n->column = mark.column;
  }
  if (!node.IsDefined() || node.IsNull()) return n;
  n->tag = node.Tag();
  if (node.IsScalar()) {
    n->type = YamlData::Type::scalar;
    n->scalar = node.Scalar();
    return n;
  }
  n->type = node.IsSequence() ? YamlData::Type::sequence : YamlData::Type::map;
  if (depth >= kMaxFastDepth) return n;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (n->type == YamlData::Type::sequence) {
      n->items.push_back(convert(*it, depth + 1));
    } else {
      n->items.push_back(convert(it->first, depth + 1));
      n->items.push_back(convert(it->second, depth + 1));
    }
  }
  return n;
}

}  // namespace netlab::model
