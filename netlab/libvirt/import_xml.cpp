// parse_network_xml(): libvirt network XML -> ImportedNetwork, with libxml2.
#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <set>

#include "netlab/libvirt/export_xml.h"
#include "netlab/libvirt/import_xml.h"
#include "netlab/libvirt/libxml2_api.h"
#include "netlab/model/diagnostic.h"
#include "netlab/model/file_io.h"
#include "netlab/model/loader.h"
#include "netlab/model/mode_traits.h"

namespace netlab::libvirt {
namespace {

using model::NetworkMode;

struct DocFree {
  void operator()(xmlDoc* d) const { libxml2_api().xmlFreeDoc(d); }
};
struct CtxtFree {
  void operator()(xmlParserCtxt* c) const { libxml2_api().xmlFreeParserCtxt(c); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;
using CtxtPtr = std::unique_ptr<xmlParserCtxt, CtxtFree>;

/// The first error libxml2 reports while parsing.
struct FirstError {
  int line = 0;
  std::string message;
};

/// Sends libxml2's errors (of this thread) to a FirstError while alive, instead
/// of stderr; restores the previous handler when it ends.
class ScopedErrorHandler {
 public:
  explicit ScopedErrorHandler(FirstError* sink)
      : old_handler_(*libxml2_api().__xmlStructuredError()),
        old_context_(*libxml2_api().__xmlStructuredErrorContext()) {
    libxml2_api().xmlSetStructuredErrorFunc(sink, &on_error);
  }
  ~ScopedErrorHandler() { libxml2_api().xmlSetStructuredErrorFunc(old_context_, old_handler_); }
  ScopedErrorHandler(const ScopedErrorHandler&) = delete;
  ScopedErrorHandler& operator=(const ScopedErrorHandler&) = delete;

 private:
  static void on_error(void* ctx, xmlErrorPtr e) {
    auto* sink = static_cast<FirstError*>(ctx);
    if (!e || sink->line > 0 || e->level < XML_ERR_ERROR) return;
    sink->line = e->line > 0 ? e->line : 1;
    std::string m = e->message ? e->message : "not well-formed XML";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    sink->message = model::excerpt(m, model::kMaxParserMessage);  // libxml2 quotes names and text of the file
  }
  xmlStructuredErrorFunc old_handler_;
  void* old_context_;
};

/// Frees what libxml2 allocated for the caller (xmlFree is a variable: the deallocator).
void free_xml(void* p) { (*libxml2_api().xmlFree)(p); }

std::string to_str(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

/// The element's name as written: "prefix:local" when it has a namespace prefix.
std::string qualified(const xmlNode* n) {
  std::string name = to_str(n->name);
  if (n->ns && n->ns->prefix) return to_str(n->ns->prefix) + ":" + name;
  return name;
}

bool is(const xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && n->ns == nullptr && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::vector<xmlNode*> children(const xmlNode* n) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  return out;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string content(const xmlNode* n) {
  xmlChar* c = libxml2_api().xmlNodeGetContent(n);
  std::string out = trim(to_str(c));
  free_xml(c);
  return out;
}

/// Reads one document; every attribute it does not take becomes a note.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Result<ImportedNetwork> run(std::string_view text);

 private:
  std::string where(const xmlNode* n) const { return file_ + ":" + std::to_string(libxml2_api().xmlGetLineNo(n)); }
  void note(const xmlNode* n, const std::string& what) {
    notes_.emplace_back(libxml2_api().xmlGetLineNo(n), what + " (" + where(n) + ")");
  }
  /// "ignored <dns><host>": the element, under its parent unless that is the root.
  void ignored(const xmlNode* n) {
    std::string path = "<" + model::excerpt(qualified(n)) + ">";
    const xmlNode* parent = n->parent;
    if (parent && parent->type == XML_ELEMENT_NODE && parent->parent && parent->parent->type == XML_ELEMENT_NODE)
      path = "<" + model::excerpt(qualified(parent)) + ">" + path;
    note(n, "ignored " + path);
  }
  void fail(const xmlNode* n, const std::string& message) {
    if (!error_) error_ = where(n) + ": error: " + message;
  }

  /// The value of attribute `name` of `n`, recorded as taken.
  std::optional<std::string> attr(const xmlNode* n, const char* name) {
    taken_.insert({n, name});
    xmlChar* v = libxml2_api().xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
    if (!v) return std::nullopt;
    std::string out = to_str(v);
    free_xml(v);
    return out;
  }
  /// Notes the attributes of `n` that were not taken.
  void leftover_attributes(const xmlNode* n) {
    for (xmlAttr* a = n->properties; a; a = a->next) {
      std::string name = to_str(a->name);
      if (a->ns == nullptr && taken_.count({n, name})) continue;
      if (a->ns && a->ns->prefix) name = to_str(a->ns->prefix) + ":" + name;
      xmlChar* v = libxml2_api().xmlNodeListGetString(n->doc, a->children, 1);
      note(n, "ignored <" + model::excerpt(qualified(n)) + " " + model::excerpt(name) + "='" + model::excerpt(to_str(v)) +
                  "'>");
      free_xml(v);
    }
  }
  std::optional<model::Ipv4> ipv4(const xmlNode* n, const char* name, bool required = true) {
    auto text = attr(n, name);
    if (!text) {
      if (required) fail(n, "<" + model::excerpt(qualified(n)) + "> needs the attribute '" + name + "'");
      return std::nullopt;
    }
    auto ip = model::Ipv4::parse(*text);
    if (!ip) fail(n, "malformed IPv4 address '" + model::excerpt(*text) + "' in <" + model::excerpt(qualified(n)) + " " + name + ">");
    return ip;
  }

  void name(xmlNode* n);
  void metadata(xmlNode* n);
  void forward(xmlNode* n);
  void bridge(xmlNode* n);
  void mtu(xmlNode* n);
  void virtualport(xmlNode* n);
  void portgroup(xmlNode* n);
  void ip(xmlNode* n, bool from_metadata);
  void ip6(xmlNode* n);
  std::optional<model::Ipv6> ipv6(const xmlNode* n, const char* name) {
    auto text = attr(n, name);
    if (!text) {
      fail(n, "<" + qualified(n) + "> needs the attribute '" + name + "'");
      return std::nullopt;
    }
    auto ip = model::Ipv6::parse(*text);
    if (!ip) fail(n, "malformed IPv6 address '" + model::excerpt(*text) + "' in <" + qualified(n) + " " + name + ">");
    return ip;
  }
  void dhcp(xmlNode* n);
  void dns(xmlNode* n);
  void finish(xmlNode* root);
  void bridge_mac(xmlNode* n);

  std::string file_;
  ImportedNetwork out_;
  std::optional<std::string> error_;
  std::set<std::pair<const xmlNode*, std::string>> taken_;
  std::vector<std::pair<long, std::string>> notes_;  // (line, text), sorted by line at the end
  // What the document said, before the mode is decided.
  bool has_name_ = false;
  xmlNode* mac_ = nullptr;  // <mac>, read once the metadata is known
  xmlNode* forward_ = nullptr;
  std::string forward_mode_;
  std::vector<std::string> forward_interfaces_;
  bool has_ipv4_ = false;
  bool nat66_ = false;  // <forward mode='nat'><nat ipv6='yes'/>
  xmlNode* ipv4_node_ = nullptr;
  std::string meta_mode_;
  std::string meta_uplink_;
  bool meta_ip_ = false;
  std::optional<model::Cidr> meta_subnet_;   // bridge mode: the LAN's subnet and router
  std::optional<model::Ipv4> meta_gateway_;
};

Result<ImportedNetwork> Reader::run(std::string_view text) {
  // libxml2 takes an int length; far before that, no network XML is this large.
  if (text.size() > model::kMaxInputBytes)
    return Error{file_ + ":1: error: larger than " + std::to_string(model::kMaxInputBytes >> 20) +
                 " MiB, far above any libvirt network XML"};
  CtxtPtr ctxt(libxml2_api().xmlNewParserCtxt());
  if (!ctxt) return Error{file_ + ":1: error: out of memory"};
  FirstError first;
  DocPtr doc;
  {
    ScopedErrorHandler handler(&first);
    doc.reset(libxml2_api().xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()),
                                              file_.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOWARNING));
  }
  if (!doc || first.line > 0) {
    std::string message = first.message.empty() ? "not well-formed XML" : first.message;
    return Error{file_ + ":" + std::to_string(first.line > 0 ? first.line : 1) + ": error: " + message};
  }
  xmlNode* root = libxml2_api().xmlDocGetRootElement(doc.get());
  if (!root) return Error{file_ + ":1: error: empty document"};
  if (doc->intSubset) return Error{where(root) + ": error: a DOCTYPE is not supported in libvirt network XML"};
  if (!is(root, "network"))
    return Error{where(root) + ": error: expected a libvirt <network> document, found <" +
                 model::excerpt(qualified(root)) + ">"};
  out_.file = file_;
  for (xmlNode* c : children(root)) {
    if (is(c, "name")) name(c);
    else if (is(c, "metadata")) metadata(c);
    else if (is(c, "forward")) forward(c);
    else if (is(c, "bridge")) bridge(c);
    else if (is(c, "mtu")) mtu(c);
    else if (is(c, "virtualport")) virtualport(c);
    else if (is(c, "portgroup")) portgroup(c);
    else if (is(c, "ip")) ip(c, false);
    else if (is(c, "dns")) dns(c);
    else if (is(c, "mac")) mac_ = c;
    else ignored(c);
  }
  leftover_attributes(root);
  finish(root);
  if (mac_) bridge_mac(mac_);
  if (error_) return Error{*error_};
  std::stable_sort(notes_.begin(), notes_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& note_line : notes_) out_.notes.push_back(std::move(note_line.second));
  return std::move(out_);
}

void Reader::bridge_mac(xmlNode* n) {
  // netlab's own export writes the fixed MAC it gives the bridge: nothing lost.
  auto address = attr(n, "address");
  leftover_attributes(n);
  if (!out_.lab.empty() && !out_.name.empty() && address) {
    model::Topology topo;
    topo.name = out_.lab;
    if (model::generate_bridge_mac(topo, out_.name).str() == *address) return;
  }
  note(n, "ignored <mac" + (address ? " address='" + model::excerpt(*address) + "'" : std::string()) +
              ">: netlab gives each bridge a fixed MAC of its own");
}

void Reader::name(xmlNode* n) {
  out_.libvirt_name = content(n);
  has_name_ = !out_.libvirt_name.empty();
  leftover_attributes(n);
}

void Reader::metadata(xmlNode* n) {
  for (xmlNode* c : children(n)) {
    bool ours = c->ns && to_str(c->ns->href) == kMetadataNamespace && to_str(c->name) == "network";
    if (!ours) {
      ignored(c);
      continue;
    }
    // Written by `netlab export`: the lab's own names, and for Open vSwitch
    // networks what libvirt's form cannot carry.
    out_.lab = attr(c, "lab").value_or("");
    out_.name = attr(c, "name").value_or("");
    meta_uplink_ = attr(c, "uplink").value_or("");
    out_.host_uplink = attr(c, "host-uplink").value_or("");
    meta_mode_ = attr(c, "mode").value_or("");
    if (auto dns = attr(c, "dns")) out_.network.dns = *dns != "no";
    if (auto s = attr(c, "subnet")) {
      meta_subnet_ = model::Cidr::parse(*s);
      if (!meta_subnet_) fail(c, "malformed subnet '" + model::excerpt(*s) + "' in netlab metadata");
    }
    meta_gateway_ = ipv4(c, "gateway", false);
    for (xmlNode* m : children(c)) {
      if (m->ns && to_str(m->ns->href) == kMetadataNamespace && to_str(m->name) == "ip") {
        meta_ip_ = true;
        ip(m, true);
      } else {
        ignored(m);
      }
    }
    leftover_attributes(c);
  }
  leftover_attributes(n);
}

void Reader::forward(xmlNode* n) {
  forward_ = n;
  forward_mode_ = attr(n, "mode").value_or("nat");  // libvirt's default forward mode
  out_.forward_dev = attr(n, "dev").value_or("");
  for (xmlNode* c : children(n)) {
    if (is(c, "interface")) {
      if (auto dev = attr(c, "dev")) forward_interfaces_.push_back(*dev);
      leftover_attributes(c);
    } else if (is(c, "nat") && attr(c, "ipv6")) {
      nat66_ = *attr(c, "ipv6") == "yes";
      for (xmlNode* g : children(c)) ignored(g);  // <address>/<port> ranges: netlab masquerades to the uplink
      leftover_attributes(c);
    } else {
      ignored(c);
    }
  }
  leftover_attributes(n);
}

void Reader::bridge(xmlNode* n) {
  out_.network.bridge = attr(n, "name").value_or("");
  auto stp = attr(n, "stp");
  attr(n, "delay");  // forward delay: meaningful only with STP
  if (stp && *stp == "on") note(n, "ignored <bridge stp='on'>: netlab bridges run without STP");
  leftover_attributes(n);
}

void Reader::mtu(xmlNode* n) {
  auto size = attr(n, "size");
  int value = 0;
  bool ok = size && !size->empty() && size->size() <= 6 && size->find_first_not_of("0123456789") == std::string::npos;
  if (ok) value = std::stoi(*size);
  if (!ok || value < 68 || value > 65535) {
    fail(n, "<mtu size> must be a number from 68 to 65535");
    return;
  }
  out_.network.mtu = value;
  leftover_attributes(n);
}

void Reader::virtualport(xmlNode* n) {
  auto type = attr(n, "type").value_or("");
  if (type != "openvswitch") {
    fail(n, "<virtualport type='" + model::excerpt(type) + "'> is not supported: netlab knows Linux bridges and "
            "Open vSwitch (type='openvswitch')");
    return;
  }
  out_.network.switch_kind = model::SwitchKind::ovs;
  for (xmlNode* c : children(n)) ignored(c);
  leftover_attributes(n);
}

void Reader::portgroup(xmlNode* n) {
  std::string name = attr(n, "name").value_or("");
  attr(n, "default");  // which portgroup guests get when they name none: see the note
  std::string tags;
  for (xmlNode* c : children(n)) {
    if (!is(c, "vlan")) {
      ignored(c);
      continue;
    }
    for (xmlNode* t : children(c)) {
      if (!is(t, "tag")) {
        ignored(t);
        continue;
      }
      if (auto id = attr(t, "id")) tags += (tags.empty() ? "" : ",") + model::excerpt(*id);
      leftover_attributes(t);
    }
    leftover_attributes(c);
  }
  if (tags.empty()) {
    note(n, "ignored <portgroup name='" + model::excerpt(name) + "'>");
  } else {
    note(n, "portgroup '" + model::excerpt(name) + "' (vlan " + tags + "): write 'vlan: " + tags +
                "' on the NICs of the guests that use it");
  }
  leftover_attributes(n);
}

void Reader::ip(xmlNode* n, bool from_metadata) {
  auto family = attr(n, "family");
  auto address = attr(n, "address");
  if ((family && *family == "ipv6") || (address && address->find(':') != std::string::npos)) {
    if (from_metadata) {
      ignored(n);
      return;
    }
    ip6(n);
    return;
  }
  if (has_ipv4_) {
    note(n, "ignored a second IPv4 <ip" + (address ? " address='" + model::excerpt(*address) + "'" : std::string()) +
                ">: netlab gives a network one subnet");
    return;
  }
  if (!address) {
    fail(n, "<ip> needs an 'address'");
    return;
  }
  auto gateway = model::Ipv4::parse(*address);
  if (!gateway) {
    fail(n, "malformed IPv4 address '" + model::excerpt(*address) + "' in <ip address>");
    return;
  }
  int prefix = -1;
  if (auto mask_text = attr(n, "netmask")) {
    auto mask = model::Ipv4::parse(*mask_text);
    if (mask) {
      uint32_t m = mask->value;
      prefix = 0;
      while (prefix < 32 && (m & (0x80000000u >> prefix))) ++prefix;
      if (prefix < 32 && (m << prefix) != 0) prefix = -1;  // not contiguous
    }
    if (prefix < 0) {
      fail(n, "malformed netmask '" + model::excerpt(*mask_text) + "' in <ip netmask>");
      return;
    }
  } else if (auto p = attr(n, "prefix")) {
    bool ok = !p->empty() && p->size() <= 2 && p->find_first_not_of("0123456789") == std::string::npos;
    prefix = ok ? std::stoi(*p) : -1;
    if (prefix < 0 || prefix > 32) {
      fail(n, "malformed prefix '" + model::excerpt(*p) + "' in <ip prefix>");
      return;
    }
  } else {
    fail(n, "<ip address='" + model::excerpt(*address) + "'> needs a 'netmask' or a 'prefix'");
    return;
  }
  has_ipv4_ = true;
  ipv4_node_ = n;
  model::Cidr subnet{*gateway, prefix};
  out_.network.subnet = subnet.block();
  out_.network.gateway = gateway;
  for (xmlNode* c : children(n)) {
    bool is_dhcp = from_metadata ? (c->ns && to_str(c->name) == "dhcp") : is(c, "dhcp");
    if (is_dhcp) dhcp(c);
    else ignored(c);
  }
  leftover_attributes(n);
}

// libvirt's <ip family='ipv6' address prefix>: the bridge's address and the
// prefix; a <dhcp><range> is stateful DHCPv6, none means router advertisements
// for SLAAC only (what libvirt's dnsmasq sends for every IPv6 <ip>).
void Reader::ip6(xmlNode* n) {
  if (out_.network.ipv6) {
    note(n, "ignored a second IPv6 <ip>: netlab gives a network one IPv6 subnet");
    return;
  }
  attr(n, "family");
  auto gateway = ipv6(n, "address");
  if (!gateway) return;
  auto p = attr(n, "prefix").value_or("64");  // libvirt's default IPv6 prefix
  bool ok = !p.empty() && p.size() <= 3 && p.find_first_not_of("0123456789") == std::string::npos;
  int prefix = ok ? std::stoi(p) : -1;
  if (prefix < 0 || prefix > 128) {
    fail(n, "malformed prefix '" + model::excerpt(p) + "' in <ip family='ipv6' prefix>");
    return;
  }
  model::Ipv6Net v6;
  v6.subnet = model::Cidr6{*gateway, prefix}.block();
  v6.gateway = gateway;
  for (xmlNode* c : children(n)) {
    if (!is(c, "dhcp")) {
      ignored(c);
      continue;
    }
    for (xmlNode* r : children(c)) {
      if (!is(r, "range") || v6.dhcp) {
        ignored(r);
        continue;
      }
      auto start = ipv6(r, "start");
      auto end = ipv6(r, "end");
      if (!start || !end) return;
      model::Dhcp6 d;
      d.range_start = *start;
      d.range_end = *end;
      for (xmlNode* l : children(r)) {
        if (!is(l, "lease")) {
          ignored(l);
          continue;
        }
        auto expiry = attr(l, "expiry").value_or("");
        auto unit = attr(l, "unit").value_or("minutes");
        leftover_attributes(l);
        bool digits = !expiry.empty() && expiry.size() <= 9 && expiry.find_first_not_of("0123456789") == std::string::npos;
        const char* suffix = unit == "seconds" ? "" : unit == "minutes" ? "m" : unit == "hours" ? "h" : nullptr;
        if (!digits || !suffix) {
          fail(l, "malformed <lease expiry='" + model::excerpt(expiry) + "' unit='" + model::excerpt(unit) + "'>");
          return;
        }
        d.lease_time = std::stoul(expiry) == 0 ? std::string("infinite") : expiry + suffix;
      }
      leftover_attributes(r);
      v6.dhcp = d;
    }
    leftover_attributes(c);
  }
  v6.slaac = !v6.dhcp;
  out_.network.ipv6 = v6;
  leftover_attributes(n);
}

void Reader::dhcp(xmlNode* n) {
  model::Dhcp d;
  bool has_range = false;
  auto local = [](const xmlNode* c, const char* name) {
    return c->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(c->name), name) == 0;
  };
  auto lease = [&](xmlNode* l) -> std::optional<std::string> {
    auto expiry = attr(l, "expiry").value_or("");
    auto unit = attr(l, "unit").value_or("minutes");  // libvirt's default unit
    leftover_attributes(l);
    if (expiry.empty() || expiry.size() > 9 || expiry.find_first_not_of("0123456789") != std::string::npos) {
      fail(l, "malformed <lease expiry='" + model::excerpt(expiry) + "'>");
      return std::nullopt;
    }
    if (std::stoul(expiry) == 0) return "infinite";
    if (unit == "seconds") return expiry;
    if (unit == "minutes") return expiry + "m";
    if (unit == "hours") return expiry + "h";
    fail(l, "unknown lease unit '" + model::excerpt(unit) + "' (seconds, minutes or hours)");
    return std::nullopt;
  };
  for (xmlNode* c : children(n)) {
    if (local(c, "range")) {
      if (has_range) {
        note(c, "ignored another DHCP <range>: netlab serves one range a network");
        continue;
      }
      auto start = ipv4(c, "start");
      auto end = ipv4(c, "end");
      if (!start || !end) return;
      has_range = true;
      d.range_start = *start;
      d.range_end = *end;
      for (xmlNode* l : children(c)) {
        if (local(l, "lease")) {
          if (auto t = lease(l)) d.lease_time = *t;
        } else {
          ignored(l);
        }
      }
      leftover_attributes(c);
    } else if (local(c, "host")) {
      if (attr(c, "id")) {
        note(c, "ignored <host id=...>: a DHCPv6 client id");
        continue;
      }
      model::DhcpHost h;
      if (auto mac = attr(c, "mac")) {
        h.mac = model::Mac::parse(*mac);
        if (!h.mac) fail(c, "malformed MAC '" + model::excerpt(*mac) + "' in <host mac>");
      }
      h.name = attr(c, "name").value_or("");
      auto ip = ipv4(c, "ip");
      if (!ip) return;
      h.ip = *ip;
      for (xmlNode* l : children(c)) {
        if (local(l, "lease")) note(l, "ignored a per-host <lease>: netlab has one lease time a network");
        else ignored(l);
      }
      leftover_attributes(c);
      d.hosts.push_back(std::move(h));
    } else {
      ignored(c);
    }
  }
  leftover_attributes(n);
  if (!has_range) {
    std::string hosts;
    for (const auto& h : d.hosts) hosts += " " + h.ip.str();
    note(n, "ignored <dhcp> without a <range> (static hosts:" + (hosts.empty() ? std::string(" none") : hosts) +
                "): netlab's dhcp needs a range");
    return;
  }
  out_.network.dhcp = std::move(d);
}

void Reader::dns(xmlNode* n) {
  if (auto enable = attr(n, "enable")) out_.network.dns = *enable != "no";
  for (xmlNode* c : children(n)) ignored(c);
  leftover_attributes(n);
}

void Reader::finish(xmlNode* root) {
  if (!has_name_) {
    fail(root, "the network has no <name>");
    return;
  }
  auto& net = out_.network;
  if (!forward_) {
    net.mode = NetworkMode::isolated;
  } else if (forward_mode_ == "nat") {
    net.mode = NetworkMode::nat;
    if (net.ipv6) net.ipv6->nat66 = nat66_;
  } else if (forward_mode_ == "route") {
    net.mode = NetworkMode::route;
  } else if (forward_mode_ == "open") {
    net.mode = NetworkMode::route;
    note(forward_, "forward mode 'open' imported as 'route': netlab adds its own forwarding rules");
  } else if (forward_mode_ == "bridge") {
    net.mode = NetworkMode::bridge;
  } else {
    fail(forward_, "forward mode '" + model::excerpt(forward_mode_) +
                       "' is not supported by netlab (it has nat, route, open, bridge, or no <forward>)");
    return;
  }
  if (!forward_interfaces_.empty() && !model::traits(net.mode).on_lan)
    note(forward_, "ignored <forward><interface>: netlab uses the host's uplink");

  if (model::traits(net.mode).on_lan) {
    out_.forward_dev.clear();
    if (!forward_interfaces_.empty()) {
      net.attach = model::Attach::macvtap;
      net.uplink = forward_interfaces_.front();
      if (forward_interfaces_.size() > 1)
        note(forward_, "used the first of " + std::to_string(forward_interfaces_.size()) +
                           " <forward><interface> devices (" + model::excerpt(net.uplink) +
                           "): netlab gives a network one uplink");
      if (!net.bridge.empty()) {
        note(forward_, "ignored <bridge name> of a macvtap network");
        net.bridge.clear();
      }
    } else if (net.bridge.empty()) {
      fail(forward_, "a bridge-mode network needs <bridge name=...> or <forward><interface dev=...>");
      return;
    } else {
      net.attach = model::Attach::bridge;
      net.uplink = meta_uplink_;
    }
    // An Open vSwitch network netlab exported: its own mode travels in metadata.
    const auto own_mode = model::from_name<NetworkMode>(meta_mode_);
    if (net.switch_kind == model::SwitchKind::ovs && meta_ip_ && own_mode && model::traits(*own_mode).netlab_subnet) {
      net.mode = *own_mode;
      net.uplink.clear();
      net.attach = model::Attach::bridge;
      return;
    }
    if (has_ipv4_)
      note(ipv4_node_, "ignored <ip> and its <dhcp> on a bridge-mode network: the LAN's own DHCP server answers");
    net.subnet = meta_subnet_;
    net.gateway = meta_gateway_;
    net.dhcp.reset();
    net.dns = true;
    return;
  }
  if (!has_ipv4_) {
    fail(root, "network '" + model::excerpt(out_.libvirt_name) + "' has no IPv4 <ip address=... netmask=...>: netlab "
               "needs a subnet for nat, route and isolated networks");
  }
}

}  // namespace

Status load_xml_parser() {
  if (auto loaded = model::load_api<Libxml2Api>(); !loaded) return loaded.error();
  return {};
}

Result<ImportedNetwork> parse_network_xml(std::string_view text, const std::string& file) {
  if (auto loaded = load_xml_parser(); !loaded) return loaded.error();
  return Reader(file).run(text);
}

}  // namespace netlab::libvirt
