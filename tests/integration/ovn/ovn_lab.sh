# Sourced by the OVN lab tests (two_hosts, trace_hosts, migrate, migrate_kill, gc_vm_host) once NETLAB
# (the binary) and LAB are set. Defines fail; leftovers, which prints what of
# lab $LAB is still there and fails when anything is: its namespaces, its run
# directory, the processes pgrep -f finds by $PROCS (default: the lab's run
# directory) and whatever the test's own more_leftovers, when it defines one,
# prints; and cleanup (down, then gc), trapped at exit. It cleans up first and
# fails when anything of the lab is left before the test.
fail() { echo "FAIL: $*"; exit 1; }
leftovers() {
  local ns procs
  ns=$(ip netns list | awk -v l="$LAB-" 'index($1, l) == 1 {print $1}')
  procs=$(pgrep -af "${PROCS:-/run/netlab/$LAB/}" | grep -v pgrep || true)
  if declare -F more_leftovers >/dev/null; then procs="$procs$(more_leftovers)"; fi
  [ -z "$ns" ] && [ -z "$procs" ] && [ ! -e "/run/netlab/$LAB" ] || { echo "left: $ns $procs"; return 1; }
}
cleanup() { "$NETLAB" down "$LAB" >/dev/null 2>&1 || true; "$NETLAB" gc >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
leftovers || fail "leftovers before the test"
