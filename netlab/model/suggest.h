#pragma once
// "Did you mean ...?" suggestions for misspelt keys, enum values and names.
#include <string>
#include <string_view>
#include <vector>

namespace netlab::model {

/// Edit distance between `a` and `b`: insertions, deletions, substitutions and
/// transpositions of adjacent characters each count one.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, or "" when none is close enough to be a
/// plausible typo (distance at most max(1, size/3), and less than the word's size).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// "did you mean 'x'?" for the closest candidate, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// Joins candidates as "a, b or c" (for "expected one of ..." messages).
std::string join_choices(const std::vector<std::string>& candidates);

}  // namespace netlab::model
