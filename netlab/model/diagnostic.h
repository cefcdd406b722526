#pragma once
// A problem found in a topology file, at the position of the offending node.
#include <string>
#include <string_view>
#include <vector>

#include "netlab/model/topology.h"

namespace netlab::model {

struct Diagnostic {
  Position pos;
  std::string message;  // one sentence, no trailing period, e.g. "unknown network 'lan'"
  std::string hint;     // optional: "did you mean 'default'?", "set 'bridge:' to a shorter name"

  /// "file:line:col: error: message", then "  hint: ..." on its own line when a hint exists.
  std::string format() const;
};

/// Joins format() of each diagnostic, one per line.
std::string format_all(const std::vector<Diagnostic>& diagnostics);

/// User text fit for a message: control bytes as \xNN, cut after about `max`
/// bytes (at a UTF-8 character boundary) with "..." appended. 40 for a value
/// quoted in a message; a parser's own message that may carry the file's text
/// (a JSON "last read: '...'", a libxml2 or yaml-cpp message) takes a larger max.
std::string excerpt(std::string_view text, size_t max = 40);
/// The bound for a parser's whole message passed through excerpt().
inline constexpr size_t kMaxParserMessage = 200;

}  // namespace netlab::model
