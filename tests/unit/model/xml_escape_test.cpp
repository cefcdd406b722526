#include "netlab/model/xml_escape.h"

#include <gtest/gtest.h>

namespace netlab::model {
namespace {

TEST(XmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(xml_escape("a&b<c>d'e\"f"), "a&amp;b&lt;c&gt;d&apos;e&quot;f");
  EXPECT_EQ(xml_escape("tab\tnl\n"), "tab&#9;nl&#10;");
  EXPECT_EQ(xml_escape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(xml_escape("plain /var/lib/x.qcow2"), "plain /var/lib/x.qcow2");
}

}  // namespace
}  // namespace netlab::model
