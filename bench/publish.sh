#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# publish.sh [DIR [DEST]]: copy a `make bench` run (default build/bench) into
# the repository (default bench/results): report.md, results.csv,
# quantiles.csv, the plots and every passed boot's own results as
# boots/KERNEL-bootNN.csv. DEST's README.md (the hand-written reading of the
# results) is kept. In a git work tree it then commits DEST, and only DEST,
# naming the run's date and the commits its boots built (report.md says).
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
git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
git -C "$top" add -A -- "$dest"
# shellcheck disable=SC2016 # the backquotes are report.md's Markdown
git -C "$top" commit -q -m "$(printf '%s\n\n%s\n' \
	"bench/results: the make bench run published by bench/publish.sh" \
	"$(sed -n 's/^Generated \(.*\) by `make bench`, built from \(.*\)\. Kernels.*/Run \1; built from \2./p' \
		"$dest/report.md")")" -- "$dest"
