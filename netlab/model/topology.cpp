#include "netlab/model/topology.h"

#include <regex>

namespace netlab::model {

const Network* Topology::find_network(const std::string& wanted) const {
  for (const auto& n : networks)
    if (n.name == wanted) return &n;
  return nullptr;
}

bool is_qemu_libvirt_uri(const std::string& uri) {
  // scheme "qemu" or "qemu+<transport>", "://", an authority without blanks, then the path.
  static const std::regex shape(R"(qemu(\+(unix|ssh|tcp|tls|libssh|libssh2|ext))?://[^/\s?#]*/(system|session)(\?[^\s]*)?)");
  return uri.size() <= 1024 && std::regex_match(uri, shape);
}

const Guest* Topology::find_guest(const std::string& wanted) const {
  for (const auto& g : guests)
    if (g.name == wanted) return &g;
  return nullptr;
}

}  // namespace netlab::model
