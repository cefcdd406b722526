// libnftables JSON rule -> nft syntax (see nft_rule_text.h). The shapes follow
// libnftables-json(5); the spelling follows what `nft list ruleset` prints.
#include "tracer/nft_rule_text.h"

#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

namespace netlab::tracer {
namespace {

using nlohmann::json;

/// How a value is written: quoted (interface names), as 0x%08x (marks), or plain.
enum class Style { kPlain, kQuoted, kHex };

std::string expr(const json& e);

std::string str_at(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string joined(const json& items, const char* separator, Style style);

std::string value(const json& v, Style style) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return style == Style::kQuoted ? "\"" + s + "\"" : s;
  }
  if (v.is_number_unsigned() && style == Style::kHex) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(v.get<uint64_t>()));
    return buf;
  }
  if (v.is_number() || v.is_boolean()) return v.dump();
  if (v.is_array()) return joined(v, ",", style);  // a flag list: ct state established,related
  if (!v.is_object() || v.size() != 1) return v.dump();
  const std::string& key = v.begin().key();
  const json& body = v.begin().value();
  if (key == "prefix") return str_at(body, "addr") + "/" + str_at(body, "len");
  if (key == "range" && body.is_array() && body.size() == 2) return value(body[0], style) + "-" + value(body[1], style);
  if (key == "set") return "{ " + (body.is_array() ? joined(body, ", ", style) : value(body, style)) + " }";
  if (key == "elem") return value(body.value("val", json()), style);
  if (key == "concat" && body.is_array()) return joined(body, " . ", style);
  return expr(v);
}

std::string joined(const json& items, const char* separator, Style style) {
  std::string out;
  for (const json& i : items) out += (out.empty() ? "" : separator) + value(i, style);
  return out;
}

/// Meta keys nft prints without the "meta" keyword (nft's meta_key_is_unqualified).
bool unqualified_meta(const std::string& key) {
  static const std::set<std::string> kKeys{"iif", "oif", "iifname", "oifname", "iifgroup", "oifgroup"};
  return kKeys.count(key) != 0;
}

/// An expression (the left side of a match, the key of a mangle).
std::string expr(const json& e) {
  if (!e.is_object() || e.size() != 1) return value(e, Style::kPlain);
  const std::string& key = e.begin().key();
  const json& body = e.begin().value();
  if (key == "payload") {
    if (body.contains("protocol")) return str_at(body, "protocol") + " " + str_at(body, "field");
    return "@" + str_at(body, "base") + "," + str_at(body, "offset") + "," + str_at(body, "len");
  }
  if (key == "meta") {
    std::string k = str_at(body, "key");
    return unqualified_meta(k) ? k : "meta " + k;
  }
  if (key == "ct") {
    std::string dir = str_at(body, "dir");
    return "ct " + (dir.empty() ? "" : dir + " ") + str_at(body, "key");
  }
  if (key == "fib" && body.is_object()) {
    return "fib " + joined(body.value("flags", json::array()), " . ", Style::kPlain) + " " + str_at(body, "result");
  }
  if ((key == "&" || key == "|" || key == "^" || key == "<<" || key == ">>") && body.is_array() && body.size() == 2)
    return expr(body[0]) + " " + key + " " + value(body[1], Style::kPlain);
  if (key == "prefix" || key == "range" || key == "set" || key == "concat" || key == "elem") return value(e, Style::kPlain);
  return key + " " + body.dump();
}

/// How the right side of a match against `left` is written.
Style style_for(const json& left) {
  static const std::set<std::string> kNames{"iifname", "oifname", "ibrname", "obrname", "ibriport", "obriport",
                                            "sdifname"};
  if (left.contains("meta")) {
    std::string k = str_at(left["meta"], "key");
    if (kNames.count(k)) return Style::kQuoted;
    if (k == "mark") return Style::kHex;
  }
  if (left.contains("ct") && str_at(left["ct"], "key") == "mark") return Style::kHex;
  return Style::kPlain;
}

/// The target part of snat/dnat/masquerade/redirect: " to 1.2.3.4:80", " fully-random".
std::string nat_args(const json& body) {
  if (!body.is_object()) return "";
  std::string out;
  auto a = body.find("addr"), p = body.find("port");
  std::string addr = a != body.end() ? value(*a, Style::kPlain) : "";
  std::string port = p != body.end() ? value(*p, Style::kPlain) : "";  // 80, or {"range": [1024, 65535]}
  if (!addr.empty() || !port.empty()) out += " to " + addr + (port.empty() ? "" : ":" + port);
  if (auto f = body.find("flags"); f != body.end()) out += " " + (f->is_array() ? joined(*f, ",", Style::kPlain) : value(*f, Style::kPlain));
  return out;
}

std::string statement(const json& s) {
  if (!s.is_object() || s.size() != 1) return s.dump();
  const std::string& key = s.begin().key();
  const json& body = s.begin().value();
  if (key == "match" && body.is_object()) {
    const json& left = body.value("left", json());
    const json& right = body.value("right", json());
    std::string op = str_at(body, "op");
    std::string shown_op = op == "==" || op == "in" ? "" : op + " ";
    // A masked match, {"&": [tcp flags, mask]} == value, reads "tcp flags value / mask".
    if (auto masked = left.find("&"); masked != left.end() && masked->is_array() && masked->size() == 2)
      return expr((*masked)[0]) + " " + shown_op + value(right, Style::kPlain) + " / " +
             value((*masked)[1], Style::kPlain);
    return expr(left) + " " + shown_op + value(right, style_for(left));
  }
  if (key == "counter") return body.is_string() ? "counter name \"" + body.get<std::string>() + "\"" : "counter";
  if (key == "accept" || key == "drop" || key == "continue" || key == "return" || key == "notrack" ||
      key == "queue")
    return key;
  if (key == "jump" || key == "goto") return key + " " + str_at(body, "target");
  if (key == "reject") {
    std::string type = body.is_object() ? str_at(body, "type") : "";
    std::string code = body.is_object() ? str_at(body, "expr") : "";
    if (type.empty() || (code == "port-unreachable" && type.rfind("icmp", 0) == 0)) return "reject";
    return "reject with " + type + (code.empty() ? "" : " " + code);
  }
  if (key == "masquerade" || key == "redirect") return key + nat_args(body);
  if (key == "snat" || key == "dnat") {
    std::string family = body.is_object() ? str_at(body, "family") : "";
    return key + (family.empty() ? "" : " " + family) + nat_args(body);
  }
  if (key == "log") {
    std::string out = "log";
    if (!body.is_object()) return out;
    if (body.contains("prefix")) out += " prefix \"" + str_at(body, "prefix") + "\"";
    if (body.contains("level")) out += " level " + str_at(body, "level");
    if (body.contains("group")) out += " group " + str_at(body, "group");
    return out;
  }
  if (key == "limit" && body.is_object()) {
    std::string unit = str_at(body, "rate_unit");
    std::string out = "limit rate " + std::string(body.value("inv", false) ? "over " : "") + str_at(body, "rate") +
                      (unit.empty() || unit == "packets" ? "" : " " + unit) + "/" + str_at(body, "per");
    uint64_t burst = body.value("burst", uint64_t{0});
    if (burst != 0 && burst != 5) out += " burst " + std::to_string(burst) + " packets";
    return out;
  }
  if (key == "mangle" && body.is_object()) {
    const json& target = body.value("key", json());
    return expr(target) + " set " + value(body.value("value", json()), style_for(target));
  }
  return body.is_null() ? key : key + " " + body.dump();
}

}  // namespace

std::string nft_rule_text(const nlohmann::json& expr_list) {
  if (!expr_list.is_array()) return "";
  std::string out;
  for (const json& s : expr_list) out += (out.empty() ? "" : " ") + statement(s);
  return out;
}

}  // namespace netlab::tracer
