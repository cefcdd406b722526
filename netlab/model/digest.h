#pragma once
// A 128-bit digest of a byte stream, as 32 hex digits: two running 64-bit
// hashes (FNV-1a, and a multiply-rotate one of other constants). Not
// cryptographic: it tells whether a lab's input or steps changed since the last
// `up`, and a chance collision, which would hide a change, is beyond reach for
// labs of any size.
#include <cstdint>
#include <string>
#include <string_view>

namespace netlab::model {

class Digest {
 public:
  /// Adds `bytes` as they are.
  Digest& add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      a_ = (a_ ^ c) * 1099511628211ull;
      b_ = (b_ + c) * 0xff51afd7ed558ccdull;
      b_ = (b_ << 31) | (b_ >> 33);
    }
    return *this;
  }
  /// Adds `n` as its 8 bytes (no text made: a 1000-guest file adds some 30000 numbers).
  Digest& number(uint64_t n) {
    char bytes[8];
    for (char& b : bytes) {
      b = static_cast<char>(n & 0xff);
      n >>= 8;
    }
    return add(std::string_view(bytes, sizeof bytes));
  }
  /// Adds `bytes` after its length, so that the fields ("ab", "c") and ("a", "bc") differ.
  Digest& field(std::string_view bytes) { return number(bytes.size()).add(bytes); }
  /// 32 lower-case hex digits.
  std::string hex() const;

 private:
  uint64_t a_ = 14695981039346656037ull;
  uint64_t b_ = 0x9e3779b97f4a7c15ull;
};

}  // namespace netlab::model
