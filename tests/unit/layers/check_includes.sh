#!/usr/bin/env bash
# The layer rule of docs/architecture.md, checked on every source file: each
# folder includes project headers only from the folders listed for it, so no
# include runs back up. The tracer's offline half (the sources of the
# netlab_tracer library in tracer/CMakeLists.txt) is pure: model and tracer only.
# Prints every offending include as FILE:LINE: ... and exits 1; 0 when none.
#   check_includes.sh SOURCE_DIR
set -euo pipefail
root=${1:?usage: check_includes.sh SOURCE_DIR}
cd "$root"

# folder -> the project folders its files may include (its own always included).
declare -A allowed=(
  [netlab/model]="netlab/model"
  [netlab/host]="netlab/model netlab/host"
  [netlab/state]="netlab/model netlab/state"
  [netlab/plan]="netlab/model netlab/host netlab/state netlab/libvirt netlab/plan"
  [netlab/libvirt]="netlab/model netlab/libvirt"
  [graphs]="netlab/model graphs"
  [tracer]="netlab/model netlab/host netlab/state tracer"
  [netlab/cli]="netlab/model netlab/state netlab/plan netlab/libvirt tracer graphs netlab/cli"
)
# The offline tracer: the .cpp files of add_library(netlab_tracer ...) and their headers.
offline=$(sed -n '/^add_library(netlab_tracer$/,/^)/p' tracer/CMakeLists.txt | grep -o '[a-z_]*\.cpp' || true)
[[ -n $offline ]] || { echo "tracer/CMakeLists.txt: no add_library(netlab_tracer ...) block found"; exit 1; }
declare -A pure=()
for f in $offline; do pure[tracer/$f]=1; pure[tracer/${f%.cpp}.h]=1; done

bad=0
checked=0
for folder in "${!allowed[@]}"; do
  [[ -d $folder ]] || { echo "$folder: listed in the layer rule but missing"; bad=1; continue; }
  while IFS= read -r -d '' file; do
    checked=$((checked + 1))
    may=${allowed[$folder]}
    [[ -n ${pure[$file]:-} ]] && may="netlab/model tracer"
    while IFS=: read -r line inc; do
      target=$(sed -E 's/^#include "([^"]+)".*/\1/' <<< "$inc")
      ok=0
      for dir in $may; do [[ $target == "$dir"/* ]] && ok=1; done
      # Project headers only: netlab/..., tracer/..., graphs/... (system headers use <>).
      [[ $target == netlab/* || $target == tracer/* || $target == graphs/* ]] || ok=1
      if ((ok == 0)); then
        echo "$file:$line: includes $target, outside what $folder may use ($may)"
        bad=1
      fi
    done < <(grep -n '^#include "' "$file" | sed -E 's/^([0-9]+):/\1:/' || true)
  done < <(find "$folder" -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.h' \) -print0)
done
((checked > 0)) || { echo "no source file checked"; exit 1; }
((bad == 0)) && echo "layers: $checked files, every include within its layer"
exit $bad
