#pragma once
// The script busybox udhcpc runs on DHCP events (-s), and the parsing of the
// one machine-readable line it prints per lease. The script is fixed text with
// no user input in it; it configures the interface with `busybox ip`, so it
// works without iproute2 in the guest.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netlab/model/address.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// The marker that starts each line the script prints for a lease.
inline constexpr std::string_view kLeaseLineMarker = "netlab-lease";

/// A lease as udhcpc reported it to the script.
struct DhcpLease {
  std::string event;                  ///< "bound" or "renew"
  std::string interface;
  model::Cidr address;                ///< leased address with the subnet's prefix
  std::optional<model::Ipv4> router;  ///< first router option, if any
  std::optional<model::Ipv4> server;  ///< the DHCP server identifier
  std::vector<model::Ipv4> dns;
  uint32_t lease_seconds = 0;
  std::optional<int> mtu;
};

/// The udhcpc script text, calling busybox at `busybox_path` (absolute). On
/// bound/renew it sets the address, the default route via the first router and
/// the MTU (when offered), then prints one line:
/// "netlab-lease event=.. interface=.. ip=.. mask=.. router=.. serverid=.. lease=.. mtu=.. dns=a,b".
std::string render_udhcpc_script(const std::string& busybox_path);

/// Finds the last lease line in udhcpc's output and parses it; an Error when
/// there is none or it is malformed.
Result<DhcpLease> parse_udhcpc_output(std::string_view output);

}  // namespace netlab::host
