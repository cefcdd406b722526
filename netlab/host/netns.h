#pragma once
// Named network namespaces, exactly like iproute2's `ip netns add/del`: a
// bind mount of a namespace file on /run/netns/NAME (with /run/netns a shared
// mount point), so `ip netns exec`, `ip -n` and netlab see the same namespaces.
// Work inside a namespace runs in the calling thread, which setns()es into it
// for the length of the work and then back to where it was (other threads of the
// process are never affected: the network namespace is per thread). Sockets and
// /proc/sys/net files opened meanwhile stay bound to that namespace.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "netlab/host/fd.h"
#include "netlab/model/result.h"

namespace netlab::host {

/// Where named namespaces live (iproute2's NETNS_RUN_DIR).
inline constexpr const char* kNetnsRunDir = "/run/netns";

/// True when `name` can name a namespace file: 1..255 bytes, not "." or "..",
/// no '/', no NUL.
bool valid_netns_name(std::string_view name);

/// "/run/netns/NAME".
std::string netns_path(const std::string& name);

/// Whether create_netns brings the new namespace's loopback up.
enum class Loopback { up, down };

/// Whether create_netns leaves IPv6 on. `off` sets net.ipv6.conf.default
/// .disable_ipv6=1 before any other device exists: devices made later get no
/// link-local address and send no ND/MLD chatter to flood over a bridge of
/// hundreds of guests (lo, made with the namespace, keeps ::1).
enum class Ipv6 { on, off };

/// Creates a fresh network namespace named `name` (/run/netns/NAME), with its
/// loopback up and IPv6 on unless told otherwise. Fails with an Error when the
/// name is invalid or already taken; on failure nothing is left behind.
Status create_netns(const std::string& name, Loopback lo = Loopback::up, Ipv6 ipv6 = Ipv6::on);

/// Removes the named namespace (lazy unmount + unlink, as `ip netns del`).
/// The kernel frees it when the last process or fd using it is gone.
/// An Error when it does not exist.
Status delete_netns(const std::string& name);

/// True when /run/netns/NAME exists and is a namespace mount.
bool netns_exists(const std::string& name);

/// The identity of the namespace named `name` ("<dev>:<inode>:<sec>.<nsec>":
/// its nsfs inode and the time that inode was made), which a namespace deleted
/// and re-created under the same name does not keep; "" when it does not
/// exist. The journal records it so that a lab never adopts or deletes a
/// namespace it did not make. The inode number alone is not enough: the kernel
/// hands a freed namespace's number to the next one made, so `ip netns del x;
/// ip netns add x` often gets the same inode; never the same inode time, which
/// the bind mount under /run/netns keeps while it stays.
std::string netns_identity(const std::string& name);

/// True when `now` (a netns_identity) is the namespace `recorded` names (an
/// identity the journal kept). One recorded by an older netlab, "<dev>:<inode>",
/// is compared by device and inode only.
bool same_netns(const std::string& recorded, const std::string& now);

/// The names under /run/netns, sorted.
std::vector<std::string> list_netns();

/// The identity of the calling thread's network namespace, as the kernel
/// names it ("net:[4026531840]"); "" when it cannot be read.
std::string current_netns_id();

/// An open fd of a network namespace, closed on destruction. Move-only.
class NetnsFd {
 public:
  NetnsFd() = default;

  /// Opens /run/netns/NAME, or the calling thread's namespace for "".
  static Result<NetnsFd> open(const std::string& name);

  int get() const { return fd_.get(); }
  bool valid() const { return fd_.valid(); }

 private:
  explicit NetnsFd(int fd) : fd_(fd) {}
  Fd fd_;
};

/// Runs `body` with the calling thread inside the namespace of `fd`, then
/// returns the thread to its previous namespace (also when body throws; if
/// that return fails the process aborts rather than go on in the wrong place).
/// An Error when entering failed (body did not run).
Status run_in_netns_fd(const NetnsFd& fd, const std::string& name_for_errors, const std::function<void()>& body);

/// Runs `body` with the namespace `name` as the calling thread's network
/// namespace ("" = stay where it is), so sockets and /proc/sys/net files it
/// opens belong to that namespace.
Status in_netns(const std::string& name, const std::function<void()>& body);

namespace detail {
template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};
template <typename R>
struct NetnsReturn {
  using type = Result<R>;
};
template <>
struct NetnsReturn<void> {
  using type = Status;
};
template <>
struct NetnsReturn<Status> {
  using type = Status;
};
template <typename T>
struct NetnsReturn<Result<T>> {
  using type = Result<T>;
};
}  // namespace detail

/// Runs f() inside namespace `name` (see in_netns) and returns its result:
/// f returning void or Status gives Status, Result<T> gives Result<T>, and any
/// other T gives Result<T>. Failing to enter the namespace is the Error.
template <typename F>
auto run_in_netns(const std::string& name, F&& f) -> typename detail::NetnsReturn<std::invoke_result_t<F>>::type {
  using R = std::invoke_result_t<F>;
  using Out = typename detail::NetnsReturn<R>::type;
  if constexpr (std::is_void_v<R>) {
    return in_netns(name, [&] { f(); });
  } else {
    std::optional<R> value;
    Status entered = in_netns(name, [&] { value.emplace(f()); });
    if (!entered) return Out(entered.error());
    if constexpr (std::is_same_v<R, Status> || detail::IsResult<R>::value) {
      return std::move(*value);
    } else {
      return Out(std::move(*value));
    }
  }
}

}  // namespace netlab::host
