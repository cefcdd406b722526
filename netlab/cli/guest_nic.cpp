// GUEST[:NIC] arguments (see guest_nic.h).
#include "netlab/cli/guest_nic.h"

namespace netlab::cli {

Result<GuestNic> parse_guest_nic(const std::string& text) {
  const auto colon = text.find(':');
  GuestNic out{text.substr(0, colon), colon == std::string::npos ? "" : text.substr(colon + 1)};
  const std::string what = "'" + text + "': expected GUEST or GUEST:NIC";
  if (out.guest.empty()) return Error{what + " (no guest before the ':')", true};
  if (colon != std::string::npos && out.nic.empty()) return Error{what + " (no NIC after the ':')", true};
  if (out.nic.find(':') != std::string::npos) return Error{what + " (one ':' at most)", true};
  return out;
}

}  // namespace netlab::cli
