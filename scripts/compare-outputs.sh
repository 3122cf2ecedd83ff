#!/usr/bin/env bash
# Compares the outputs of two cporamp binaries byte for byte (tolerance 0), for refactors that
# must not change any output:
#
#   scripts/compare-outputs.sh [--default] BEFORE_BINARY AFTER_BINARY
#
# Runs, with each binary in its own temporary directory:
#   - `run @quick --format json --out out` (standard output, and every file in out/: the
#     report and results.json embed no time, so all of them are compared);
#   - `thermal`, `photonics`, `yield`, `fleet`, `market`, `compare`, `align` and `codesign` on
#     @quick, in the text, json and csv formats, and `diligence` of examples/claims.toml;
#   - `scenario check` of five broken copies of the default (every number set to -1, 0,
#     far above, 1.5 and a tiny value): every problem's path, value, range and unit;
#   - `market` on @quick with two observations (--signals), text, json and csv;
#   - `diff` of the quick scenario against it with the cold-plate inlet at 40 °C (text, json,
#     and the diff.html and diff.json that --out writes);
#   - `thermal` on the quick scenario with the 3D-ICE microchannel cold plate, text and json;
#   - `inspect` on the yield engine's test data (as tests/inspect.rs makes it: @quick,
#     51.2T, 40 packages), CSV and Parquet, text and json, and the test data itself.
#   - with --default, also `run` on the embedded default scenario (`--format json --out`:
#     results.json, the report and the printed answer; minutes per binary).
# Every command's standard output, standard error and exit code are compared (all run with -q).
# Exits 1 naming every output that differs, 0 when all are identical; 2 on bad arguments.
set -u

default_run=0
if [ "${1:-}" = "--default" ]; then
    default_run=1
    shift
fi
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
    echo "usage: $0 [--default] BEFORE_BINARY AFTER_BINARY (both executable)" >&2
    exit 2
fi
before=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
after=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d)
claims=$(cd "$(dirname "$0")/.." && pwd)/examples/claims.toml
trap 'rm -rf "$work"' EXIT

# The quick scenario's TOML: the default's with @quick's reductions (as
# crates/cporamp-scenario/src/quick.rs applies them: section, key, value).
quick_toml() {
    "$1" scenario init "$2" > /dev/null || return 1
    awk '
        BEGIN {
            n = split("[thermal]|grid_cells|16;[thermal.cold_plate]|inlet_sweep_c|[25.0, 35.0, 45.0];" \
                "[thermal.cycling]|steps_per_period|8;[photonics]|lanes|32;" \
                "[photonics]|drift_grid_cells|16;[photonics]|periods|2;[yield]|packages|400;" \
                "[yield.ramp]|units_per_quarter|[10000.0, 12500.0, 15600.0];" \
                "[yield.ramp]|packages_per_point|200;[fleet]|replications|2;[fleet]|years|0.5;" \
                "[fleet]|gpus|4096;[fleet.job]|gpus|2048;[market]|samples|300;" \
                "[market]|sobol_samples|64;[market]|sobol_bootstrap|10;" \
                "[market]|surrogate_error_bound|0.25;[align]|arrays|200;[codesign]|grid_cells|16;" \
                "[codesign]|inlet_c|[35.0];[codesign]|engine_gap_mm|[3.0];" \
                "[codesign]|asic_power_factor|[1.0]", rules, ";")
            for (i = 1; i <= n; i++) { split(rules[i], f, "|"); value[f[1] "|" f[2]] = f[3] }
        }
        /^[ \t]*\[/ { section = $0; gsub(/^[ \t]+|[ \t]+$/, "", section) }
        {
            key = $0; sub(/=.*/, "", key); gsub(/[ \t]/, "", key)
            if ((section "|" key) in value) {
                print key " = " value[section "|" key] " # quick: reduced from the default for speed"
                next
            }
            print
        }' "$2" > "$2.tmp" && mv "$2.tmp" "$2"
}

# broken_scenarios BINARY: broken-NAME.toml, the default with every number replaced (integers
# and decimals apart, so that each reaches its range check rather than a type error).
broken_scenarios() {
    "$1" scenario init default.toml > /dev/null || return 1
    local name decimal integer
    for name in negative:-1:-1 zero:0.0:0 huge:1e12:2000000000 above_one:1.5:100000 \
        tiny:1e-9:3; do
        IFS=: read -r name decimal integer <<< "$name"
        awk -v decimal="$decimal" -v integer="$integer" '
            /^[ \t]*[A-Za-z0-9_."]+[ \t]*=[ \t]*-?[0-9][0-9_.eE+-]*[ \t]*(#.*)?$/ {
                equals = index($0, "=")
                rest = substr($0, equals + 1)
                hash = index(rest, "#")
                value = hash > 0 ? substr(rest, 1, hash - 1) : rest
                gsub(/[ \t]/, "", value)
                comment = hash > 0 ? " " substr(rest, hash) : ""
                print substr($0, 1, equals) " " (value ~ /^-?[0-9_]+$/ ? integer : decimal) comment
                next
            }
            { print }' default.toml > "broken-$name.toml"
    done
}

# run_all BINARY DIR: every output of BINARY into DIR.
run_all() {
    local bin=$1 dir=$2
    mkdir -p "$dir" && cd "$dir" || return 1
    # capture NAME ARGS...: stdout, stderr and exit code of `bin ARGS... -q`.
    capture() {
        local name=$1
        shift
        "$bin" "$@" -q > "$name.stdout" 2> "$name.stderr"
        echo $? > "$name.rc"
    }
    capture run run @quick --format json --out run-out
    if [ "$default_run" = 1 ]; then
        capture run-default run --format json --out run-default-out
    fi
    for engine in thermal photonics yield fleet market compare align codesign; do
        capture "$engine.text" "$engine" @quick
        capture "$engine.json" "$engine" @quick --format json
        capture "$engine.csv" "$engine" @quick --format csv
    done
    capture diligence.text diligence "$claims" @quick
    capture diligence.json diligence "$claims" @quick --format json
    broken_scenarios "$bin"
    local broken
    # These fail (exit 2) by design: their exit codes go in .status, not in the .rc files
    # that must all be 0.
    for broken in broken-*.toml; do
        "$bin" scenario check "$broken" > "check-$broken.stdout" 2> "check-$broken.stderr"
        echo $? > "check-$broken.status"
    done
    printf '%s\n' date,signal,value,sd 2026-10-01,production_yield,0.97,0.01 \
        2027.5,cooling_design,0.8,0.1 > signals.csv
    capture market-signals.text market @quick --signals signals.csv
    capture market-signals.json market @quick --signals signals.csv --format json
    capture market-signals.csv market @quick --signals signals.csv --format csv
    quick_toml "$bin" a.toml
    sed 's/^nominal_inlet_c = 35\.0 /nominal_inlet_c = 40.0 /' a.toml > b.toml
    capture diff.text diff a.toml b.toml --out diff-out
    sed 's/^kind = "liquid_channels"/kind = "microchannel_4rm"/' a.toml > microchannel.toml
    capture microchannel.text thermal microchannel.toml
    capture microchannel.json thermal microchannel.toml --format json
    capture diff.json diff a.toml b.toml --format json
    capture testdata yield @quick --generation 51.2T --test-data data --test-packages 40
    local stem=data/51.2T_cpo_integrated
    capture inspect.csv.text inspect "$stem.csv"
    capture inspect.csv.json inspect "$stem.csv" --format json
    capture inspect.parquet.text inspect "$stem.parquet"
    capture inspect.parquet.json inspect "$stem.parquet" --format json --out inspect-out
}

(run_all "$before" "$work/before") || { echo "running $before failed" >&2; exit 2; }
(run_all "$after" "$work/after") || { echo "running $after failed" >&2; exit 2; }

status=0
count=0
while IFS= read -r -d '' file; do
    relative=${file#"$work/before/"}
    count=$((count + 1))
    if [ ! -f "$work/after/$relative" ]; then
        echo "DIFFERS: $relative (missing from the after binary's outputs)"
        status=1
    elif ! cmp -s "$file" "$work/after/$relative"; then
        echo "DIFFERS: $relative"
        status=1
    fi
done < <(find "$work/before" -type f -print0 | sort -z)
while IFS= read -r -d '' file; do
    relative=${file#"$work/after/"}
    if [ ! -f "$work/before/$relative" ]; then
        echo "DIFFERS: $relative (only in the after binary's outputs)"
        status=1
    fi
done < <(find "$work/after" -type f -print0 | sort -z)

# Guard against comparing two empty sets: every command must have succeeded.
for rc in "$work/before"/*.rc; do
    if [ "$(cat "$rc")" != 0 ]; then
        echo "FAILED: $(basename "$rc" .rc) exited $(cat "$rc") with the before binary:" \
            "$(head -c 300 "${rc%.rc}.stderr")"
        status=1
    fi
done
if [ $status -eq 0 ]; then
    echo "identical: $count outputs (stdout, stderr, exit code and written files)"
fi
exit $status
