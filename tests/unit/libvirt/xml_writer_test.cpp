#include "netlab/libvirt/xml_writer.h"

#include <gtest/gtest.h>

#include "tests/unit/libvirt/xml_query.h"

namespace netlab::libvirt {
namespace {

TEST(XmlWriter, CommentTextCannotCloseTheComment) {
  EXPECT_EQ(comment_text("a--b"), "a- -b");
  EXPECT_EQ(comment_text("a---b"), "a- - -b");
  EXPECT_EQ(comment_text("ends-"), "ends- ");
  EXPECT_EQ(comment_text("line\nbreak"), "line break");
  EXPECT_EQ(comment_text("x --> y"), "x - -> y");
}

TEST(XmlWriter, WritesIndentedElements) {
  XmlWriter w;
  w.open("network");
  w.text("name", "n1");
  w.comment("note");
  w.open("ip", {{"address", "10.0.0.1"}});
  w.empty("dhcp");
  w.close();
  w.close();
  EXPECT_EQ(w.depth(), 0u);
  EXPECT_EQ(w.str(),
            "<network>\n"
            "  <name>n1</name>\n"
            "  <!-- note -->\n"
            "  <ip address='10.0.0.1'>\n"
            "    <dhcp/>\n"
            "  </ip>\n"
            "</network>\n");
}

TEST(XmlWriter, HostileTextReadsBackUnchanged) {
  const std::string nasty = "it's <b>&amp; \"quoted\"</b> ]]> --> done";
  XmlWriter w;
  w.open("root", {{"a", nasty}});
  w.text("t", nasty);
  w.comment(nasty);
  w.close();
  testing::XmlQuery q(w.str());
  ASSERT_TRUE(q.ok()) << w.str();
  EXPECT_EQ(q.str("/root/@a"), nasty);
  EXPECT_EQ(q.str("/root/t"), nasty);
  EXPECT_EQ(q.count("/root/*"), 1);
  EXPECT_NE(q.comments().find("done"), std::string::npos);
}

}  // namespace
}  // namespace netlab::libvirt
