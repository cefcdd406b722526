#!/bin/bash
# Regenerates the capture sets in tests/data/traces/<scenario>/ from a real lab built by hand in
# namespaces nlt-tr-host, nlt-tr-wan, nlt-tr-g1, nlt-tr-g2 (nothing in the root namespace).
# Needs root, tcpdump, busybox and nft. Removes everything it made, even on failure, and checks
# that no nlt-tr-* namespace is left.
#
# Lab (static MACs so the captures are stable):
#   nlt-tr-g1  eth0 192.168.100.11/24 02:00:00:00:01:11 --veth-- tr-g1 (02:00:00:00:02:11) ┐
#   nlt-tr-g2  eth0 192.168.100.12/24 02:00:00:00:01:12 --veth-- tr-g2 (02:00:00:00:02:12) ┴ br0 192.168.100.1/24
#   nlt-tr-host  br0 02:00:00:00:03:01, forwarding on, nft masquerade out of tr-up,
#                tr-up 203.0.113.2/24 (02:00:00:00:04:01) --veth-- nlt-tr-wan wan0 203.0.113.1/24 (02:00:00:00:05:01)
# Scenarios, one directory each, capture files named <netns>__<device>.pcap plus hopmap.json:
#   nat-ping        g1 pings 203.0.113.1 once (masqueraded)
#   nat-tcp         g1 connects to a busybox nc listener on 203.0.113.1:8080 and sends "hello"
#   guest-to-guest  g1 pings g2 once over the bridge
#   forward-drop    an nft rule in the forward hook drops g1's ping to 203.0.113.1
# expected.txt beside each set is written and reviewed by hand; this script does not touch it. A new run
# gives new ICMP ids, TCP sequence numbers and ports: review and rewrite expected.txt after regenerating.
set -u
OUT=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
NS=(nlt-tr-host nlt-tr-wan nlt-tr-g1 nlt-tr-g2)
H="ip netns exec nlt-tr-host"
W="ip netns exec nlt-tr-wan"
G1="ip netns exec nlt-tr-g1"
G2="ip netns exec nlt-tr-g2"
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  PIDS=()
  for ns in "${NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  local left
  left=$(ip netns list | grep -c '^nlt-tr-')
  if [ "$left" != 0 ]; then echo "make-captures: $left nlt-tr-* namespaces left" >&2; exit 1; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" = 0 ] || { echo "make-captures: needs root" >&2; exit 2; }
for ns in "${NS[@]}"; do
  if ip netns list | grep -q "^$ns\b"; then echo "make-captures: $ns already exists" >&2; trap - EXIT; exit 1; fi
done

set -e
for ns in "${NS[@]}"; do
  ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
$H ip link add tr-up address 02:00:00:00:04:01 type veth peer name wan0 address 02:00:00:00:05:01 netns nlt-tr-wan
$H ip addr add 203.0.113.2/24 dev tr-up
$H ip link set tr-up up
$W ip addr add 203.0.113.1/24 dev wan0
$W ip link set wan0 up
$H ip link add br0 address 02:00:00:00:03:01 type bridge
$H ip addr add 192.168.100.1/24 dev br0
$H ip link set br0 up
for g in 1 2; do
  $H ip link add tr-g$g address 02:00:00:00:02:1$g type veth peer name eth0 address 02:00:00:00:01:1$g netns nlt-tr-g$g
  $H ip link set tr-g$g master br0
  $H ip link set tr-g$g up
  ip netns exec nlt-tr-g$g ip addr add 192.168.100.1$g/24 dev eth0
  ip netns exec nlt-tr-g$g ip link set eth0 up
  ip netns exec nlt-tr-g$g ip route add default via 192.168.100.1
done
$H ip route add default via 203.0.113.1
$H sysctl -qw net.ipv4.ip_forward=1
$H nft -f - <<'EOF'
table ip nlt_tr {
  chain post { type nat hook postrouting priority srcnat; policy accept;
    ip saddr 192.168.100.0/24 oifname "tr-up" masquerade
  }
}
EOF
# Warm the neighbour caches so no capture depends on ARP timing.
$G1 busybox ping -c 1 -W 2 192.168.100.1 >/dev/null
$G2 busybox ping -c 1 -W 2 192.168.100.1 >/dev/null
$G1 busybox ping -c 1 -W 2 192.168.100.12 >/dev/null
$H busybox ping -c 1 -W 2 203.0.113.1 >/dev/null
set +e

write_hopmap() { # $1 dir
  cat > "$1/hopmap.json" <<'EOF'
{
  "lab": "nlt-tr",
  "nics": [
    {
      "guest": "g1", "nic": "eth0", "network": "default", "mode": "nat",
      "mac": "02:00:00:00:01:11", "address": "192.168.100.11/24",
      "hops": [
        {"role": "guest-nic", "netns": "nlt-tr-g1", "device": "eth0"},
        {"role": "veth", "netns": "nlt-tr-host", "device": "tr-g1"},
        {"role": "bridge", "netns": "nlt-tr-host", "device": "br0"},
        {"role": "nat", "netns": "nlt-tr-host", "device": ""},
        {"role": "uplink", "netns": "nlt-tr-host", "device": "tr-up"},
        {"role": "upstream", "netns": "nlt-tr-wan", "device": "wan0"}
      ]
    },
    {
      "guest": "g2", "nic": "eth0", "network": "default", "mode": "nat",
      "mac": "02:00:00:00:01:12", "address": "192.168.100.12/24",
      "hops": [
        {"role": "guest-nic", "netns": "nlt-tr-g2", "device": "eth0"},
        {"role": "veth", "netns": "nlt-tr-host", "device": "tr-g2"},
        {"role": "bridge", "netns": "nlt-tr-host", "device": "br0"},
        {"role": "nat", "netns": "nlt-tr-host", "device": ""},
        {"role": "uplink", "netns": "nlt-tr-host", "device": "tr-up"},
        {"role": "upstream", "netns": "nlt-tr-wan", "device": "wan0"}
      ]
    }
  ]
}
EOF
}

CAPS=()
capture_start() { # $1 dir, $2 filter
  mkdir -p "$1"
  rm -f "$1"/*.pcap "$1"/*.err
  write_hopmap "$1"
  CAPS=()
  for spec in nlt-tr-g1:eth0 nlt-tr-host:tr-g1 nlt-tr-host:br0 nlt-tr-host:tr-g2 nlt-tr-g2:eth0 \
              nlt-tr-host:tr-up nlt-tr-wan:wan0; do
    local ns=${spec%%:*} dev=${spec##*:}
    ip netns exec "$ns" tcpdump -Z root -U --immediate-mode -n -i "$dev" --time-stamp-precision=nano \
      -w "$1/${ns}__${dev}.pcap" "$2" 2>"$1/${ns}__${dev}.err" &
    CAPS+=($!); PIDS+=($!)
  done
  # wait until every tcpdump says it is listening
  for _ in $(seq 50); do
    local n; n=$(cat "$1"/*.err | grep -c 'listening on')
    [ "$n" = "${#CAPS[@]}" ] && break
    sleep 0.1
  done
  sleep 1
}
capture_stop() { # $1 dir
  sleep 0.5
  for p in "${CAPS[@]}"; do kill -INT "$p" 2>/dev/null; done
  for p in "${CAPS[@]}"; do wait "$p" 2>/dev/null; done
  cat "$1"/*.err | grep -v -e '^tcpdump: listening' -e 'packets captured' -e 'received by filter' -e '0 packets dropped' >&2
  rm -f "$1"/*.err
  echo "== $1"; for f in "$1"/*.pcap; do printf '   %-40s %s packets\n' "$(basename "$f")" "$(tcpdump -r "$f" 2>/dev/null | wc -l)"; done
}

D=$OUT/nat-ping
capture_start "$D" icmp
$G1 busybox ping -c 1 -W 2 203.0.113.1
capture_stop "$D"

D=$OUT/nat-tcp
$W busybox nc -l -p 8080 > /dev/null &
NC=$!; PIDS+=($NC)
sleep 0.3
capture_start "$D" "tcp port 8080"
echo hello | $G1 busybox nc -w 1 203.0.113.1 8080
sleep 0.5
kill "$NC" 2>/dev/null
capture_stop "$D"

D=$OUT/guest-to-guest
capture_start "$D" icmp
$G1 busybox ping -c 1 -W 2 192.168.100.12
capture_stop "$D"

D=$OUT/forward-drop
$H nft -f - <<'EOF'
table ip nlt_tr_filter {
  chain forward_drop { type filter hook forward priority filter; policy accept;
    ip daddr 203.0.113.1 icmp type echo-request drop
  }
}
EOF
capture_start "$D" icmp
$G1 busybox ping -c 1 -W 1 203.0.113.1 && echo "forward-drop: ping unexpectedly passed" >&2
capture_stop "$D"

echo "make-captures: done"
