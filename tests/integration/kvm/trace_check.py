#!/usr/bin/env python3
"""Checks a `netlab trace --json` document: at least one packet of KIND whose
summary holds TEXT, with the hop roles in ROLES (in order, "role" or
"role:device"), and the probe answered when --answered is given.
Usage: trace_check.py FILE KIND TEXT ROLES [--answered]; prints the document
and exits 1 when it does not hold."""
import json
import sys

doc = json.load(open(sys.argv[1]))
kind, text, roles = sys.argv[2], sys.argv[3], sys.argv[4].split()
ok = True
if "--answered" in sys.argv[5:] and doc.get("probe", {}).get("answered", 0) < 1:
    print("the probe was not answered")
    ok = False


def path(p):
    return [h["role"] + (":" + h["device"] if ":" in r else "") for h, r in zip(p["hops"], roles)] \
        if len(p["hops"]) == len(roles) else [h["role"] for h in p["hops"]]


found = [p for p in doc["packets"] if p["kind"] == kind and text in p["summary"]]
if not any(path(p) == roles for p in found):
    print(f"no {kind} packet with '{text}' crossing {roles}: " + "; ".join(
        f"{p['summary']}: {[h['role'] + ':' + h['device'] for h in p['hops']]}" for p in doc["packets"]))
    ok = False
if not ok:
    print(json.dumps(doc, indent=1)[:6000])
sys.exit(0 if ok else 1)
