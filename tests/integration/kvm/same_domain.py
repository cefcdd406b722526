#!/usr/bin/env python3
"""Compares the domain XML `netlab export --libvirt` wrote with the XML libvirt
holds for the running domain, normalised: what libvirt adds (elements and
attributes the export does not have: PCI addresses, aliases, controllers,
seclabels, the channel's socket path ...) is dropped, and the two spellings
libvirt canonicalises are brought to one: memory in KiB, machine type 'pc' as
its expansion 'pc-i440fx-<version>'. Everything the export says must be in the
running domain, in the same place, with the same value.
Usage: same_domain.py EXPORTED.xml RUNNING.xml; exit 0 when equal, 1 with every
difference printed."""
import sys
import xml.etree.ElementTree as ET

UNITS = {"b": 1, "bytes": 1, "kib": 1024, "k": 1024, "mib": 1024**2, "m": 1024**2, "gib": 1024**3, "g": 1024**3}


def normalise(root):
    for tag in ("memory", "currentMemory"):
        for e in root.iter(tag):
            unit = e.get("unit", "KiB").lower()
            e.text = str(int(e.text.strip()) * UNITS[unit] // 1024)
            e.set("unit", "KiB")
    for e in root.iter("type"):
        if e.get("machine", "").startswith("pc-i440fx-"):
            e.set("machine", "pc")
    return root


def text(e):
    return (e.text or "").strip()


def compare(exp, run, path, problems):
    here = f"{path}/{exp.tag}"
    if text(exp) != text(run):
        problems.append(f"{here}: text '{text(exp)}' exported, '{text(run)}' running")
    for k, v in exp.attrib.items():
        if run.get(k) != v:
            problems.append(f"{here}/@{k}: '{v}' exported, '{run.get(k)}' running")
    # Each exported child matches the next running child of its tag, in order.
    used = set()
    for child in exp:
        if not isinstance(child.tag, str):
            continue  # a comment
        match = next((i for i, r in enumerate(run) if i not in used and r.tag == child.tag), None)
        if match is None:
            problems.append(f"{here}/{child.tag}: exported, not in the running domain")
            continue
        used.add(match)
        compare(child, run[match], here, problems)


def main():
    exported = normalise(ET.parse(sys.argv[1]).getroot())
    running = normalise(ET.parse(sys.argv[2]).getroot())
    problems = []
    compare(exported, running, "", problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
