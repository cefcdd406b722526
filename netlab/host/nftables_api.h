#pragma once
// libnftables, loaded on first use (dlopen of libnftables.so.1) instead of
// linked: it brings libnftnl, libmnl, libxtables, libjansson and libgmp, whose
// binding at start-up took about a millisecond of every netlab command, also
// of those that never touch nftables. Only netlab/host/nft.cpp includes this;
// the header still gives each pointer its exact type.
#include <nftables/libnftables.h>

#include <vector>

#include "netlab/model/shared_library.h"

namespace netlab::host {

// Every libnftables function netlab calls; X(name) per function.
#define NETLAB_NFTABLES_FUNCTIONS(X)                                                                      \
  X(nft_ctx_new) X(nft_ctx_free) X(nft_ctx_buffer_output) X(nft_ctx_buffer_error) X(nft_ctx_output_set_flags) \
  X(nft_ctx_set_dry_run) X(nft_run_cmd_from_buffer) X(nft_ctx_get_output_buffer) X(nft_ctx_get_error_buffer)

/// One pointer per function, named as in libnftables; model::load_api<NftablesApi>()
/// loads it the first time, with an error naming the package when it is missing.
struct NftablesApi {
  static constexpr model::LibraryName kLibraries[] = {{"libnftables.so.1", "libnftables", "libnftables1"}};
  NETLAB_NFTABLES_FUNCTIONS(NETLAB_SYMBOL_POINTER)
  void resolve(std::vector<model::SharedLibrary>& from) { NETLAB_NFTABLES_FUNCTIONS(NETLAB_RESOLVE_IN_FIRST) }
};

/// The loaded API. Precondition: model::load_api<NftablesApi>() succeeded (an
/// Nft with a context exists only after it did).
inline const NftablesApi& nftables_api() { return **model::load_api<NftablesApi>(); }

}  // namespace netlab::host
