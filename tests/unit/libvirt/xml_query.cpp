#include "tests/unit/libvirt/xml_query.h"

#include <libxml/xpathInternals.h>

namespace netlab::libvirt::testing {
namespace {

struct CtxFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct ObjFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};

std::unique_ptr<xmlXPathObject, ObjFree> eval(xmlDoc* doc, const std::string& expr) {
  std::unique_ptr<xmlXPathContext, CtxFree> ctx(xmlXPathNewContext(doc));
  xmlXPathRegisterNs(ctx.get(), BAD_CAST "netlab", BAD_CAST "urn:netlab:libvirt:1");
  return std::unique_ptr<xmlXPathObject, ObjFree>(xmlXPathEvalExpression(BAD_CAST expr.c_str(), ctx.get()));
}

}  // namespace

XmlQuery::XmlQuery(const std::string& text)
    : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "test.xml", nullptr,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) {}

std::string XmlQuery::str(const std::string& expr) const {
  if (!doc_) return "";
  auto obj = eval(doc_.get(), "string(" + expr + ")");
  if (!obj || obj->type != XPATH_STRING || !obj->stringval) return "";
  return reinterpret_cast<const char*>(obj->stringval);
}

int XmlQuery::count(const std::string& expr) const {
  if (!doc_) return -1;
  auto obj = eval(doc_.get(), "count(" + expr + ")");
  return obj && obj->type == XPATH_NUMBER ? static_cast<int>(obj->floatval) : -1;
}

std::string XmlQuery::str_all(const std::string& expr) const {
  if (!doc_) return "";
  auto obj = eval(doc_.get(), expr);
  std::string out;
  if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval) return out;
  for (int i = 0; i < obj->nodesetval->nodeNr; ++i) {
    xmlChar* c = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
    if (c) out += std::string(reinterpret_cast<const char*>(c)) + "\n";
    xmlFree(c);
  }
  return out;
}

}  // namespace netlab::libvirt::testing
