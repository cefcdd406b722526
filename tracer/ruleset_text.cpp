#include "tracer/ruleset_text.h"

#include <sstream>

namespace netlab::tracer {

void for_each_chain_line(const std::string& ruleset_text, const std::function<void(const RulesetLine&)>& visit) {
  std::istringstream in(ruleset_text);
  RulesetLine place;
  std::string line;
  while (std::getline(in, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    std::string text = line.substr(start);
    if (text.rfind("table ", 0) == 0) {
      std::istringstream words(text.substr(6));
      words >> place.family >> place.table;
      place.chain.clear();
    } else if (text.rfind("chain ", 0) == 0) {
      std::istringstream words(text.substr(6));
      words >> place.chain;
    } else if (text == "}") {
      place.chain.clear();
    } else if (!place.chain.empty()) {
      place.text = std::move(text);
      visit(place);
    }
  }
}

}  // namespace netlab::tracer
