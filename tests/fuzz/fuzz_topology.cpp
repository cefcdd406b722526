// libFuzzer target: any bytes through load_string() and validate(). Neither may
// crash, hang, leak or throw; every problem must come back as a Diagnostic.
#include <cstddef>
#include <cstdint>
#include <string>

#include "netlab/model/loader.h"
#include "netlab/model/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = netlab::model::load_string(text, "fuzz.yaml");
  // The validator must cope with what a failed load leaves behind, too.
  auto problems = netlab::model::validate(loaded.topology);
  size_t total = netlab::model::format_all(loaded.diagnostics).size() + netlab::model::format_all(problems).size();
  // An input that loads with problems must say so in at least one message.
  if (!loaded.ok() && total == 0) __builtin_trap();
  return 0;
}
