#include "tracer/pcap_api.h"

#include "netlab/model/shared_library.h"

namespace netlab::tracer {

Result<const PcapApi*> load_pcap() {
  // C++ guarantees one initialisation.
  static const Result<const PcapApi*> loaded = model::load_api<PcapApi>(
      {{"libpcap.so.0.8", "libpcap", "libpcap0.8"}}, [](PcapApi& to, std::vector<model::SharedLibrary>& from) {
#define NETLAB_PCAP_RESOLVE(name) from[0].resolve(to.name, #name);
        NETLAB_PCAP_FUNCTIONS(NETLAB_PCAP_RESOLVE)
#undef NETLAB_PCAP_RESOLVE
      });
  return loaded;
}

const PcapApi& pcap_api() { return **load_pcap(); }

}  // namespace netlab::tracer
