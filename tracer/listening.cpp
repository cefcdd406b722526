// Listening sockets of a namespace (see listening.h).
#include "tracer/listening.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "netlab/host/netns.h"

namespace netlab::tracer {

std::vector<uint16_t> ports_in_state(const std::string& table, const std::string& state) {
  std::vector<uint16_t> out;
  std::istringstream in(table);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string slot, local, remote, st;
    if (!(row >> slot >> local >> remote >> st) || st != state) continue;
    auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    unsigned long port = std::strtoul(local.c_str() + colon + 1, nullptr, 16);
    if (port > 0 && port <= 0xffff) out.push_back(static_cast<uint16_t>(port));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<uint16_t> listening_ports(const std::string& netns, model::L4Proto proto,
                                      std::vector<std::string>* warnings) {
  const bool tcp = proto == model::L4Proto::tcp;
  std::vector<uint16_t> out;
  Status st = host::in_netns(netns, [&] {
    // /proc/thread-self/net shows the namespace of the calling thread, which in_netns moved.
    for (const char* table : {tcp ? "tcp" : "udp", tcp ? "tcp6" : "udp6"}) {
      std::ifstream f(std::string("/proc/thread-self/net/") + table);
      if (!f) continue;  // no IPv6 in the namespace
      std::stringstream text;
      text << f.rdbuf();
      for (uint16_t p : ports_in_state(text.str(), tcp ? "0A" : "07")) out.push_back(p);
    }
  });
  if (!st) warnings->push_back(st.error().message);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace netlab::tracer
