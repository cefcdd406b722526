#include "netlab/host/log_tail.h"

namespace netlab::host {

std::string last_lines(const std::string& text, size_t n) {
  size_t pos = text.size();
  while (pos > 0 && text[pos - 1] == '\n') --pos;
  std::string trimmed = text.substr(0, pos);
  for (size_t i = 0; i < n && pos != std::string::npos && pos > 0; ++i) pos = trimmed.rfind('\n', pos - 1);
  return pos == std::string::npos ? trimmed : trimmed.substr(pos + 1);
}

}  // namespace netlab::host
