#pragma once
// The tail of a program's output, to quote in an error message (a DHCP
// client that got no lease says why in its last lines).
#include <cstddef>
#include <string>

namespace netlab::host {

/// The last `n` lines of `text`, trailing newlines dropped; all of it when it
/// has fewer lines.
std::string last_lines(const std::string& text, size_t n);

}  // namespace netlab::host
