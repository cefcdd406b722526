#pragma once
// nftables through libnftables, inside one network namespace. The nft_ctx (and
// its netlink socket) is created while the calling thread is inside the namespace,
// and every command runs there too (host::run_in_netns), so the calling thread
// never changes namespace and rules never land in the wrong one.
#include <memory>
#include <string>
#include <vector>

#include "netlab/model/result.h"

struct nft_ctx;

namespace netlab::host {

/// A table as `nft list tables` names it.
struct TableRef {
  std::string family;  ///< "ip", "ip6", "inet", "arp", "bridge", "netdev"
  std::string name;
  bool operator==(const TableRef&) const = default;
};

/// What delete_table found.
enum class DeleteOutcome { deleted, absent };

/// One libnftables context bound to a network namespace. Move-only; frees the
/// context on destruction.
class Nft {
 public:
  /// Opens a context in namespace `netns` ("" = the caller's). An Error when the
  /// namespace cannot be entered or libnftables cannot allocate a context.
  static Result<Nft> open(const std::string& netns);

  Nft(Nft&&) noexcept;
  Nft& operator=(Nft&&) noexcept;
  Nft(const Nft&) = delete;
  Nft& operator=(const Nft&) = delete;
  ~Nft();

  /// Runs `text` (nft script syntax, one transaction) in the namespace. On
  /// failure the Error holds libnftables' own messages; nothing was changed.
  Status apply(const std::string& text);
  /// Like apply() but only checks the text against the kernel (nft -c): nothing changes.
  Status check(const std::string& text);
  /// Runs a listing command (e.g. "list table inet netlab_lab") with JSON
  /// output and returns the JSON text.
  /// `numeric`: addresses, ports and protocols as numbers, not names (no
  /// /etc/services and the like to read: half the time of a small listing).
  Result<std::string> list_json(const std::string& command, bool numeric = false);
  /// `nft -j list ruleset`: the namespace's whole ruleset as libnftables JSON,
  /// every rule with its handle (how trace events name rules).
  Result<std::string> list_ruleset_json();
  /// Every table of the namespace.
  Result<std::vector<TableRef>> list_tables();
  /// True when the table exists (false also when listing fails).
  bool has_table(const std::string& family, const std::string& name);
  /// Deletes the table; `absent` (not an Error) when it did not exist.
  Result<DeleteOutcome> delete_table(const std::string& family, const std::string& name);

  const std::string& netns() const { return netns_; }

 private:
  Nft(std::string netns, nft_ctx* ctx);
  /// Runs `text` with the given output flags; returns the buffered output.
  Result<std::string> run(const std::string& text, unsigned int output_flags, bool dry_run);

  std::string netns_;
  nft_ctx* ctx_ = nullptr;
};

/// Parses the JSON of `nft -j list tables` into TableRefs; an Error when it is not that JSON.
Result<std::vector<TableRef>> parse_tables_json(const std::string& json);

}  // namespace netlab::host
