#pragma once
// Progress of long operations: on a terminal, one line rewritten in place
// ("[12/340] create veth ..."); elsewhere nothing, so logs and pipes stay clean.
#include <cstddef>
#include <functional>
#include <string>

namespace netlab::cli {

/// A step callback for plan::UpOptions::on_step; a no-op when stderr is not a terminal.
std::function<void(size_t, size_t, const std::string&)> terminal_progress();
/// Clears the progress line (call before printing the result).
void end_progress();

}  // namespace netlab::cli
