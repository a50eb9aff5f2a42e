#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# report.sh DIR: turn the boots of a `make bench` run into its results.
#
# Reads DIR/runs/KERNEL/bootNN/{results,quantiles}.csv of every boot that
# passed (marked "ok") and writes DIR/results.csv (median over the boots of
# every figure; the contract's columns), DIR/quantiles.csv, DIR/report.md
# (tables, ratios, goals) and DIR/plots/*.png.
set -eu
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
# in the matrix's order (sort -V: 6.12 before 6.12-rt)
boots=$(for ok in "$dir"/runs/*/boot*/ok; do
	[ -f "$ok" ] || continue
	b=$(dirname "$ok")
	echo "$(basename "$(dirname "$b")") $(basename "$b") $b"
done | sort -V -k1,1 -k2,2 | cut -d' ' -f3-)
[ -n "$boots" ] || { echo "report.sh: no boot passed in $dir/runs" >&2; exit 1; }

# shellcheck disable=SC2086 # one directory per word
awk -f "$here/merge.awk" $(for b in $boots; do echo "$b/results.csv"; done) >"$dir/results.csv"
awk -f "$here/merge.awk" $(for b in $boots; do echo "$b/quantiles.csv"; done) >"$dir/quantiles.csv"
awk -f "$here/csv-check.awk" "$dir/results.csv" >"$dir/csv-check.log" ||
	{ cat "$dir/csv-check.log" >&2; exit 1; }
rm -rf "$dir/plots"
"$here/plot.sh" "$dir/quantiles.csv" "$dir/plots"
params=$(cat "$(echo "$boots" | head -1)/params" 2>/dev/null || echo unknown)
# the commits the boots built (scripts/bench.sh notes one per boot)
code=$(for b in $boots; do cat "$b/code" 2>/dev/null || echo unknown; echo; done |
	sort -u | grep . | paste -sd ';' -)
awk -f "$here/median.awk" -f "$here/report.awk" -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" \
	-v params="$params" -v plots=plots -v code="$code" \
	$(for b in $boots; do echo "$b/results.csv"; done) >"$dir/report.md"
# G5: cyclictest boots (scripts/bench-boot.sh cyclic), beside each boot
cyc=$(for b in $boots; do if [ -f "$b/cyclic/ok" ]; then echo "$b/cyclic"; fi; done)
# shellcheck disable=SC2086 # one directory per word
"$here/cyclic-plot.sh" "$dir/plots" $(for b in $cyc; do echo "$b/cyclic-hist.csv"; done)
# shellcheck disable=SC2086 # one directory per word
awk -f "$here/median.awk" -f "$here/cyclic-report.awk" -v plots=plots \
	$(for b in $cyc; do echo "$b/results.csv"; done) </dev/null >>"$dir/report.md"
