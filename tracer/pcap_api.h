#pragma once
// libpcap, loaded on first use (dlopen of libpcap.so.0.8) instead of linked:
// it brings libdbus and through it libsystemd, libgcrypt, zstd, lz4... whose binding at
// start-up every netlab command paid, also those that capture nothing. The
// tracer's readers, live capture and capture saving use this; the header still
// gives each pointer its exact type.
#include <pcap/pcap.h>

#include <vector>

#include "netlab/model/shared_library.h"

namespace netlab::tracer {

// Every libpcap function netlab calls; X(name) per function.
#define NETLAB_PCAP_FUNCTIONS(X)                                                                             \
  X(pcap_activate) X(pcap_close) X(pcap_compile) X(pcap_create) X(pcap_datalink) X(pcap_datalink_val_to_name) \
  X(pcap_dispatch) X(pcap_dump) X(pcap_dump_close) X(pcap_dump_flush) X(pcap_dump_fopen) X(pcap_freecode)    \
  X(pcap_get_selectable_fd) X(pcap_geterr) X(pcap_next_ex) X(pcap_open_dead_with_tstamp_precision)           \
  X(pcap_open_offline_with_tstamp_precision) X(pcap_set_buffer_size) X(pcap_set_immediate_mode)              \
  X(pcap_set_promisc) X(pcap_set_snaplen) X(pcap_set_timeout) X(pcap_set_tstamp_precision) X(pcap_setfilter) \
  X(pcap_setnonblock) X(pcap_snapshot) X(pcap_stats) X(pcap_statustostr)

/// One pointer per function, named as in libpcap; model::load_api<PcapApi>()
/// loads libpcap the first time, with an error naming the package when it is
/// not installed.
struct PcapApi {
  static constexpr model::LibraryName kLibraries[] = {{"libpcap.so.0.8", "libpcap", "libpcap0.8"}};
  NETLAB_PCAP_FUNCTIONS(NETLAB_SYMBOL_POINTER)
  void resolve(std::vector<model::SharedLibrary>& from) { NETLAB_PCAP_FUNCTIONS(NETLAB_RESOLVE_IN_FIRST) }
};

/// The loaded API. Precondition: model::load_api<PcapApi>() succeeded (every
/// pcap_t exists only after it did).
inline const PcapApi& pcap_api() { return **model::load_api<PcapApi>(); }

}  // namespace netlab::tracer
