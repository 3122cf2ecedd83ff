#!/usr/bin/env bash
# Races HotSpot's default build against `cporamp thermal` on HotSpot's example2 (grid model,
# steady state, the inputs vendored in crates/cporamp-thermal/tests/data/hotspot/example2),
# pair by pair at each grid size: HotSpot, then cporamp, then the next size. Prints a
# Markdown table of wall time and peak resident memory (`/usr/bin/time -f "%e %M"`) for both,
# the ratios, and the largest difference between the two `.steady` outputs.
#
# HotSpot's C sources are not part of this repository. Pass the folder that holds them
# (HotSpot's Makefile, hotspot.c, ...) as the first argument or as HOTSPOT_SRC; without it,
# or if the folder has no Makefile, the script prints why and exits 0. HotSpot is built with
# its Makefile's defaults (`make`, no SuperLU: multigrid steady solver) in a temporary copy.
#
# Usage:  scripts/race-hotspot.sh HOTSPOT_SOURCE_DIR        (sizes: SIZES="128 256 512")
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
source_dir=${1:-${HOTSPOT_SRC:-}}
if [ -z "$source_dir" ]; then
  echo "race-hotspot: skipped: no HotSpot source folder given (first argument or HOTSPOT_SRC)"
  exit 0
fi
if [ ! -f "$source_dir/Makefile" ] || [ ! -f "$source_dir/hotspot.c" ]; then
  echo "race-hotspot: skipped: $source_dir holds no HotSpot sources (Makefile, hotspot.c)"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "race-hotspot: skipped: /usr/bin/time (GNU time) is needed for peak memory"
  exit 0
fi
sizes=${SIZES:-128 256 512}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir" "$work/hotspot-src"
make -C "$work/hotspot-src" clean > /dev/null 2>&1 || true
make -C "$work/hotspot-src" > "$work/make.log" 2>&1 || {
  cat "$work/make.log" >&2
  echo "race-hotspot: HotSpot did not build" >&2
  exit 1
}
hotspot="$work/hotspot-src/hotspot"

cargo build --release --locked -p cporamp-cli --manifest-path "$repo/Cargo.toml" > /dev/null 2>&1
cporamp="$repo/target/release/cporamp"

mkdir "$work/run"
cp "$repo"/crates/cporamp-thermal/tests/data/hotspot/example2/{example.config,ev6.flp,gcc.ptrace,example.materials} \
  "$work/run/"
cd "$work/run"

echo "| grid | HotSpot time | HotSpot peak memory | cporamp time | cporamp peak memory | speed-up | memory ratio | largest difference |"
echo "|---|---|---|---|---|---|---|---|"
for size in $sizes; do
  /usr/bin/time -f "%e %M" -o hotspot.time "$hotspot" -c example.config -f ev6.flp -p gcc.ptrace \
    -materials_file example.materials -model_type grid -grid_rows "$size" -grid_cols "$size" \
    -steady_file "hotspot_$size.steady" > /dev/null 2>> hotspot.log
  /usr/bin/time -f "%e %M" -o cporamp.time "$cporamp" thermal --hotspot-config example.config \
    --flp ev6.flp --ptrace gcc.ptrace --materials example.materials --model-type grid \
    --grid-rows "$size" --grid-cols "$size" > "cporamp_$size.steady"
  read -r hotspot_s hotspot_kb < hotspot.time
  read -r cporamp_s cporamp_kb < cporamp.time
  difference=$(paste "hotspot_$size.steady" "cporamp_$size.steady" | awk '
    $1 != $3 { print "names differ"; exit }
    { d = $2 - $4; if (d < 0) d = -d; if (d > m) m = d }
    END { if (NR > 0) printf "%.2f K", m }')
  awk -v n="$size" -v hs="$hotspot_s" -v hk="$hotspot_kb" -v cs="$cporamp_s" -v ck="$cporamp_kb" \
    -v diff="$difference" 'BEGIN {
      printf "| %d² | %.2f s | %.0f MB | %.2f s | %.0f MB | %.1fx | %.1fx | %s |\n",
        n, hs, hk / 1024, cs, ck / 1024, hs / cs, ck / hk, diff }'
done
