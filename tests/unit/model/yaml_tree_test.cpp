// libyaml's fast parse must give the tree yaml-cpp gives (types, text, quoting,
// positions), since yaml-cpp is the reference the loader was written against.
#include "netlab/model/yaml_tree.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace netlab::model {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The tree as text: one line per node with its kind, position, tag and text.
void dump(const YamlNode& n, int depth, std::string& out) {
  const YAML::Mark m = n.Mark();
  out += std::string(static_cast<size_t>(depth) * 2, ' ');
  if (n.IsNull()) {
    out += "null\n";  // its position is not compared: the loader uses the key's
    return;
  }
  out += std::to_string(m.line) + ":" + std::to_string(m.column) + " ";
  if (n.IsScalar()) {
    out += "scalar " + n.Tag() + " [" + n.Scalar() + "]\n";
  } else if (n.IsSequence()) {
    out += "seq " + n.Tag() + "\n";
    for (size_t i = 0; i < n.size(); ++i) dump(n[i], depth + 1, out);
  } else {
    out += "map " + n.Tag() + "\n";
    for (const auto& [k, v] : n.pairs()) {
      dump(k, depth + 1, out);
      dump(v, depth + 2, out);
    }
  }
}

/// The tree one of the fast parsers gives, or "(refused)".
std::string parsed_by(bool (*parse)(const std::string&, YamlDocument*), const std::string& text) {
  YamlDocument doc;
  if (!parse(text, &doc)) return "(refused)";
  std::string out;
  dump(doc.root(), 0, out);
  return out;
}
std::string fast(const std::string& text) { return parsed_by(YamlDocument::parse_fast, text); }
std::string block(const std::string& text) { return parsed_by(YamlDocument::parse_block, text); }

std::string reference(const std::string& text) {
  std::string out;
  dump(YamlDocument::parse_reference(text).root(), 0, out);
  return out;
}

TEST(YamlTree, FastParseEqualsYamlCppOnEveryRepositoryFile) {
  int compared = 0, read_by_block = 0;
  for (const char* dir : {"topologies", "tests/data"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(NETLAB_SOURCE_DIR) + "/" + dir)) {
      if (e.path().extension() != ".yaml") continue;
      const std::string text = read(e.path());
      std::string ref;
      try {
        ref = reference(text);
      } catch (const YAML::Exception&) {
        continue;  // a syntax error: parse() reports yaml-cpp's own
      }
      if (const std::string got = block(text); got != "(refused)") {
        EXPECT_EQ(got, ref) << e.path();
        ++read_by_block;
      }
      const std::string got = fast(text);
      if (got == "(refused)") continue;  // parse() then takes yaml-cpp's tree
      EXPECT_EQ(got, ref) << e.path();
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
  EXPECT_GT(read_by_block, 40);  // most files keep to the plain block style
}

// The ready topologies with a few characters YAML cares about inserted or
// deleted at random (fixed seed): wherever both parsers accept the result, they
// agree. (libyaml accepts a few spellings yaml-cpp refuses, such as '?' inside a
// plain scalar of a flow mapping, or "a:b" as a key; the loader then checks them.)
TEST(YamlTree, FastParseEqualsYamlCppOnMutatedTopologies) {
  std::vector<std::string> texts;
  for (const auto& e : std::filesystem::directory_iterator(std::string(NETLAB_SOURCE_DIR) + "/topologies"))
    if (e.path().extension() == ".yaml") texts.push_back(read(e.path()));
  ASSERT_FALSE(texts.empty());
  std::mt19937 rng(20261201);
  const std::string chars = " \n:-[]{},'\"#&*!|>?~a1\t";
  int compared = 0, read_by_block = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = texts[rng() % texts.size()];
    for (int k = 1 + static_cast<int>(rng() % 3); k > 0 && !text.empty(); --k) {
      const size_t at = rng() % text.size();
      if (rng() % 2) text.erase(at, 1);
      else text.insert(at, 1, chars[rng() % chars.size()]);
    }
    const std::string by_block = block(text);
    const std::string got = fast(text);
    if (got == "(refused)" && by_block == "(refused)") continue;
    std::string ref;
    try {
      ref = reference(text);
    } catch (const YAML::Exception&) {
      // The block reader leaves every syntax error to yaml-cpp.
      ASSERT_EQ(by_block, "(refused)") << "text:\n" << text;
      continue;
    }
    if (by_block != "(refused)") {
      ASSERT_EQ(by_block, ref) << "text:\n" << text;
      ++read_by_block;
    }
    if (got == "(refused)") continue;
    ASSERT_EQ(got, ref) << "text:\n" << text;
    ++compared;
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(read_by_block, 1000);
}

TEST(YamlTree, FastParseEqualsYamlCppOnTrickyShapes) {
  const char* cases[] = {
      "",
      "# only a comment\n",
      "---\n",
      "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: 'null'\ng: \"~\"\nh: !!str\ni: !!str null\n",
      "a: 'x'\nb: \"y\"\nc: z\nd: !foo bar\ne: ! baz\nf: |\n  one\n  two\ng: >-\n  three\n  four\n",
      "a: [1, 'two', {b: c}, [d], ]\nb: {c: , d: e}\n",
      "a:\n- 1\n- - 2\n  - 3\n-\n- k: v\n  l: w\n",
      "a: 1\na: 2\n",
      "? [k]\n: v\n",
      "a: b\n---\nc: d\n",
      "  indented: 1\n  more: {x: y}\n",
      "a: \"multi\n  line\"\nb: plain\n  continued\n",
  };
  for (const char* text : cases) {
    EXPECT_EQ(fast(text), reference(text)) << "text: " << text;
    if (const std::string got = block(text); got != "(refused)") {
      EXPECT_EQ(got, reference(text)) << "text: " << text;
    }
  }
}

// The shapes of the topologies netlab writes and documents, each read by the
// block reader (not left to libyaml) as yaml-cpp reads it.
TEST(YamlTree, TheBlockReaderReadsThePlainBlockStyle) {
  const char* cases[] = {
      "name: lab\nnetworks:\n  lan:\n    mode: nat   # a comment\n    subnet: 10.0.0.0/24\n",
      "guests:\n  g1: {kind: netns, nics: [{network: lan, address: 10.77.0.4/16}]}\n  g2: {}\n",
      "hosts:\n  - {name: g1, mac: \"52:54:00:00:00:10\", ip: 192.168.122.10}\n  - name: g2\n    ip: 10.0.0.2\n",
      "a:\n- 1\n- two words\n-\n- k: v\n  l: [w, 'x y', \"z\\\"q\"]\n",
      "# leading comment\n\nkey:    spaced value   \nempty:\nnull: ~\nq: 'it''s'\nurl: http://x/#y\n",
      "  indented: 1\n  more: {x: y}\n",
      "list: []\nmap: {}\nnested: [[1, 2], {a: [b]}]\nneg: -1\n",
  };
  for (const char* text : cases) {
    EXPECT_NE(block(text), "(refused)") << "text: " << text;
    EXPECT_EQ(block(text), reference(text)) << "text: " << text;
  }
}

TEST(YamlTree, TheBlockReaderLeavesEverythingElseToTheOthers) {
  YamlDocument doc;
  for (const char* text : {
           "a: &x {b: c}\nd: *x\n", "a: !!str 1\n", "a: |\n  one\n", "a: >\n  one\n", "---\na: 1\n",
           "%YAML 1.2\n---\na: 1\n", "a:\tb\n", "a: b\r\n", "a: [1,\n  2]\n", "a: 'multi\n  line'\n",
           "a: plain\n  continued\n", "? k\n: v\n", "'quoted key': v\n", "a: {b: c\n", "a: b: c\n",
           "a:b: c\n", "a: {b:c}\n", "a: [x, ]\n", "a: {b: , c: d}\n", "a: \"\\x41\"\n", "just a scalar\n",
           "", "# only a comment\n", "a: 1\n b: 2\n", "- - 1\n", "name: caf\xc3\xa9\n"})
    EXPECT_FALSE(YamlDocument::parse_block(text, &doc)) << "text: " << text;
}

TEST(YamlTree, WhatLibyamlCannotStandForGoesToYamlCpp) {
  YamlDocument doc;
  EXPECT_FALSE(YamlDocument::parse_fast("name: caf\xc3\xa9\n", &doc));  // columns counted differently
  EXPECT_FALSE(YamlDocument::parse_fast("a: {b: c\n", &doc));           // a syntax error: yaml-cpp words it
  EXPECT_FALSE(YamlDocument::parse_fast("a: " + std::string(100, '[') + std::string(100, ']') + "\n", &doc));
  EXPECT_FALSE(YamlDocument::parse_fast("a: &x {b: c}\nd: *x\n", &doc));  // anchors and aliases
  EXPECT_FALSE(YamlDocument::parse_fast("a: {&b: c}\n", &doc));          // "b" or "b:"?
  EXPECT_FALSE(YamlDocument::parse_fast("a\nb: c\n", &doc));  // an error right after the first document
  // parse() still reads them, through yaml-cpp.
  EXPECT_EQ(YamlDocument::parse("name: caf\xc3\xa9\n").root().pairs().at(0).second.Scalar(), "caf\xc3\xa9");
  EXPECT_THROW(YamlDocument::parse("a: {b: c\n"), YAML::Exception);
  EXPECT_EQ(YamlDocument::parse("a: &x {b: c}\nd: *x\n").root().pairs().at(1).second.pairs().at(0).second.Scalar(), "c");
}

}  // namespace
}  // namespace netlab::model
