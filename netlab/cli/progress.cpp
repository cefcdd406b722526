#include "netlab/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace netlab::cli {

std::function<void(size_t, size_t, const std::string&)> terminal_progress() {
  if (!::isatty(STDERR_FILENO)) return {};
  return [](size_t index, size_t total, const std::string& what) {
    std::string line = "[" + std::to_string(index + 1) + "/" + std::to_string(total) + "] " + what;
    if (line.size() > 100) line = line.substr(0, 97) + "...";
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  };
}

void end_progress() {
  if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
}

}  // namespace netlab::cli
