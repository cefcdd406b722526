#pragma once
// bury(): keeps an object until the process ends, never destroying it.
//
// For a command about to exit: freeing what a 1000-guest `up` read and planned
// (some hundred thousand strings, map nodes and vectors) takes it about 3 ms,
// just before the kernel takes the whole address space back at once. What is
// buried stays reachable from a list that is never freed, so leak checkers do
// not report it. Only the CLI buries, on its main thread, at the end of a
// command; library code hands such things to its caller instead (plan::UpResult),
// so a test that runs `up` a hundred times frees each run's as usual.
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace netlab::model {

/// Moves (or copies) `value` to the graveyard; returns it there, to be read until the process ends.
template <typename T>
const std::decay_t<T>& bury(T&& value) {
  static auto* const graveyard = new std::vector<std::shared_ptr<const void>>();  // never destroyed
  auto body = std::make_shared<const std::decay_t<T>>(std::forward<T>(value));
  graveyard->push_back(body);
  return *body;
}

}  // namespace netlab::model
