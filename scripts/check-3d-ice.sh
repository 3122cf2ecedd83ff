#!/usr/bin/env bash
# Checks `cporamp thermal --3d-ice` against 3D-ICE's own regression outputs: the stacks of
# 3D-ICE's `test/` folder (solid with top, bottom and both heat sinks; 4RM and 2RM
# microchannels; pin fins; each steady and transient, with the `four_elements` and
# `background` floorplans) are run from that folder as 3D-ICE's test Makefile runs them, and
# every temperature of its `output_*.txt` files (time, node 1, node 2; three decimals) is
# compared with ours. Prints one line per case with the largest difference; exits 1 when
# one exceeds 3D-ICE's printed precision (0.0005 K).
#
# 3D-ICE's files are GPL-3.0 and are not part of this repository. Pass a checkout of
# 3D-ICE (the folder holding `test/`) as the first argument or as THREEDICE_SRC; without
# it the script says why and exits 0. Builds cporamp in release.
#
# Usage:  scripts/check-3d-ice.sh THREEDICE_SOURCE_DIR
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
source_dir=${1:-${THREEDICE_SRC:-}}
if [ -z "$source_dir" ]; then
  echo "check-3d-ice: skipped: no 3D-ICE folder given (first argument or THREEDICE_SRC)"
  exit 0
fi
if [ ! -f "$source_dir/test/four_elements.flp" ]; then
  echo "check-3d-ice: skipped: $source_dir has no test/four_elements.flp (a 3D-ICE checkout?)"
  exit 0
fi
(cd "$repo" && cargo build --release --locked -p cporamp-cli >/dev/null)
cporamp="$repo/target/release/cporamp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir/test/." "$work/"
cd "$work"

# case: stack file, node 1 output, node 2 output, reference
cases=(
  "solid/steady/topsink.stk solid/steady/node1_top.txt solid/steady/node2_top.txt solid/steady/output_top.txt"
  "solid/steady/bottomsink.stk solid/steady/node1_bottom.txt solid/steady/node2_bottom.txt solid/steady/output_bottom.txt"
  "solid/steady/bothsink.stk solid/steady/node1_both.txt solid/steady/node2_both.txt solid/steady/output_both.txt"
  "solid/transient/topsink.stk solid/transient/node1_top.txt solid/transient/node2_top.txt solid/transient/output_top.txt"
  "solid/transient/bottomsink.stk solid/transient/node1_bottom.txt solid/transient/node2_bottom.txt solid/transient/output_bottom.txt"
  "solid/transient/bothsink.stk solid/transient/node1_both.txt solid/transient/node2_both.txt solid/transient/output_both.txt"
)
for model in mc4rm mc2rm pf2rm; do
  for kind in steady transient; do
    for floorplan in four_elements background; do
      cases+=("$model/$kind/2dies_$floorplan.stk $model/$kind/${floorplan}_node1.txt $model/$kind/${floorplan}_node2.txt $model/$kind/output_$floorplan.txt")
    done
  done
done

failed=0
for entry in "${cases[@]}"; do
  read -r stack node1 node2 reference <<<"$entry"
  if [ ! -f "$stack" ] || [ ! -f "$reference" ]; then
    echo "$stack: skipped (not in this checkout)"
    continue
  fi
  "$cporamp" thermal --3d-ice "$stack" --out . >/dev/null
  worst=$(paste <(grep -v '^%' "$node1") <(grep -v '^%' "$node2") "$reference" | awk '
    { n = NF; a = $2; b = $4; ra = $(n - 1); rb = $n
      d = a - ra; if (d < 0) d = -d; if (d > w) w = d
      d = b - rb; if (d < 0) d = -d; if (d > w) w = d; rows++ }
    END { printf "%d rows, largest difference %.6f K", rows, w }')
  echo "$stack: $worst"
  if awk -v line="$worst" 'BEGIN { split(line, p, " "); exit !(p[5] > 0.0005) }'; then
    failed=1
  fi
done
exit $failed
