#!/usr/bin/env bash
# The engine benchmark's baseline: the lab of gen-topology.sh built the way
# shell-driven lab tools build it, with iproute2 and nft and nothing else, so that
# scripts/bench-engine.sh can set `netlab up`/`down` against it.
#
#   ip-baseline.sh up N [fork|batch]    build the lab with N light guests (default: fork)
#   ip-baseline.sh down N               remove it (also a half-built one)
#
# The lab, in namespaces of its own (the root namespace is never touched):
#   bl-wan   wan0 203.0.113.1/24                          the simulated upstream
#   bl-host  bl-up 203.0.113.2/24 (veth peer of wan0), default route via 203.0.113.1,
#            bridge br0 10.77.0.1/16, ip_forward=1, nft masquerade of 10.77.0.0/16 going out
#   bl-gI    eth0 at guest_addr I /16 (veth peer bl-hI enslaved to br0), default via 10.77.0.1
# Two ways to build the guests, the two ends of what a shell script does:
#   fork   one `ip` process per operation, about eight per guest (Mininet's way)
#   batch  one `ip -batch` process per namespace (as few processes as iproute2 allows)
set -euo pipefail

usage() { echo "usage: $0 up N [fork|batch] | down N" >&2; exit 2; }
(($# >= 2)) || usage
action=$1 count=$2 style=${3:-fork}
# At most 1023: the guests share one Linux bridge, which takes no more ports.
[[ $count =~ ^[0-9]+$ ]] && ((count >= 1 && count <= 1023)) || usage

# The address of guest I: 10.77.((I+1)/250).((I+1)%250+2), the same as gen-topology.sh
# writes into the netlab topology (both sides must build the same lab).
guest_addr() { echo "10.77.$((($1 + 1) / 250)).$((($1 + 1) % 250 + 2))"; }

# The host, the upstream and the NAT: the same for both styles, and not what is compared.
make_host() {
  ip netns add bl-host
  ip netns add bl-wan
  ip -n bl-host link set lo up
  ip -n bl-wan link set lo up
  ip -n bl-host link add bl-up type veth peer name wan0 netns bl-wan
  ip -n bl-host addr add 203.0.113.2/24 dev bl-up
  ip -n bl-host link set bl-up up
  ip -n bl-wan addr add 203.0.113.1/24 dev wan0
  ip -n bl-wan link set wan0 up
  ip -n bl-host link add br0 type bridge
  ip -n bl-host addr add 10.77.0.1/16 dev br0
  ip -n bl-host link set br0 up
  ip -n bl-host route add default via 203.0.113.1
  ip netns exec bl-host sysctl -qw net.ipv4.ip_forward=1
  ip netns exec bl-host nft -f - <<'NFT'
table ip bl_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 10.77.0.0/16 ip daddr != 10.77.0.0/16 masquerade
  }
}
NFT
}

guests_fork() {
  local i
  for ((i = 1; i <= count; i++)); do
    ip netns add "bl-g$i"
    ip -n bl-host link add "bl-h$i" type veth peer name eth0 netns "bl-g$i"
    ip -n bl-host link set "bl-h$i" master br0 up
    ip -n "bl-g$i" link set lo up
    ip -n "bl-g$i" addr add "$(guest_addr "$i")/16" dev eth0
    ip -n "bl-g$i" link set eth0 up
    ip -n "bl-g$i" route add default via 10.77.0.1
  done
}

guests_batch() {
  local i
  for ((i = 1; i <= count; i++)); do echo "netns add bl-g$i"; done | ip -batch -
  for ((i = 1; i <= count; i++)); do
    echo "link add bl-h$i type veth peer name eth0 netns bl-g$i"
    echo "link set bl-h$i master br0 up"
  done | ip -n bl-host -batch -
  for ((i = 1; i <= count; i++)); do
    printf 'link set lo up\naddr add %s/16 dev eth0\nlink set eth0 up\nroute add default via 10.77.0.1\n' \
      "$(guest_addr "$i")" | ip -n "bl-g$i" -batch -
  done
}

remove_all() {
  local i
  for ((i = 1; i <= count; i++)); do ip netns del "bl-g$i" 2>/dev/null || true; done
  ip netns del bl-host 2>/dev/null || true
  ip netns del bl-wan 2>/dev/null || true
}

case $action in
  up)
    case $style in
      fork|batch) ;;
      *) usage ;;
    esac
    make_host
    "guests_$style"
    ;;
  down) remove_all ;;
  *) usage ;;
esac
