// libFuzzer target: any bytes through parse_network_xml(), the reader behind
// `netlab import`. It may refuse with a "file:line: error:" message, never crash,
// hang, fetch anything (XML_PARSE_NONET) or expand entities without bound.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "netlab/libvirt/import_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto net = netlab::libvirt::parse_network_xml(text, "fuzz.xml");
  if (!net && net.error().message.rfind("fuzz.xml:", 0) != 0) __builtin_trap();  // every refusal names the file
  return 0;
}
