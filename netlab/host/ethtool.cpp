#include "netlab/host/ethtool.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netlab/host/netns.h"

namespace netlab::host {
namespace {

/// Runs one ETHTOOL_[GS]TXCSUM request on `device` inside `netns`; `value` in/out.
Status ethtool_request(const std::string& netns, const std::string& device, uint32_t cmd, uint32_t* value) {
  if (device.empty() || device.size() >= IFNAMSIZ) return Error{"invalid device name '" + device + "'"};
  int err = 0;
  Status entered = in_netns(netns, [&] {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = errno;
      return;
    }
    struct ethtool_value request{};
    request.cmd = cmd;
    request.data = *value;
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, device.data(), device.size());
    ifr.ifr_data = reinterpret_cast<char*>(&request);
    if (::ioctl(fd, SIOCETHTOOL, &ifr) != 0) err = errno;
    else *value = request.data;
    ::close(fd);
  });
  if (!entered) return entered;
  if (err != 0)
    return Error{"cannot " + std::string(cmd == ETHTOOL_STXCSUM ? "set" : "read") + " TX checksum offload of " +
                 device + (netns.empty() ? "" : " in " + netns) + ": " + std::strerror(err)};
  return {};
}

}  // namespace

Status set_tx_checksumming(const std::string& netns, const std::string& device, bool on) {
  uint32_t value = on ? 1 : 0;
  return ethtool_request(netns, device, ETHTOOL_STXCSUM, &value);
}

Result<bool> tx_checksumming(const std::string& netns, const std::string& device) {
  uint32_t value = 0;
  if (auto st = ethtool_request(netns, device, ETHTOOL_GTXCSUM, &value); !st) return st.error();
  return value != 0;
}

}  // namespace netlab::host
