#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# publish.sh [DIR [DEST]]: copy a `make bench` run (default build/bench) into
# the repository (default bench/results): report.md, results.csv,
# quantiles.csv, the plots and every passed boot's own results as
# boots/KERNEL-bootNN.csv. DEST's README.md (the hand-written reading of the
# results) is kept.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/bench} dest=${2:-$top/bench/results}
[ -f "$dir/report.md" ] || { echo "publish.sh: no report in $dir" >&2; exit 1; }
rm -rf "$dest/report.md" "$dest/results.csv" "$dest/quantiles.csv" "$dest/plots" "$dest/boots"
mkdir -p "$dest/boots"
cp "$dir/report.md" "$dir/results.csv" "$dir/quantiles.csv" "$dest/"
cp -r "$dir/plots" "$dest/"
for ok in "$dir"/runs/*/boot*/ok; do
	[ -f "$ok" ] || continue
	boot=$(dirname "$ok")
	cp "$boot/results.csv" "$dest/boots/$(basename "$(dirname "$boot")")-$(basename "$boot").csv"
done
