#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cyclic-plot.sh OUTDIR HIST.csv...: the G5 plots with gnuplot.
#
# Each HIST.csv is one cyclictest boot's cyclic-hist.csv
# (kernel,mechanism,scenario,bucket_us,count) under .../runs/ID/bootNN/
# cyclic/; the matrix entry ID comes from the path. For every entry writes
# OUTDIR/ID-cyclictest.png: the histograms of every CPU's thread summed
# over the boots, one curve per variant, as counts per 1 µs bucket (left)
# and as latency against percentile on a "nines" scale (right).
set -eu
out=$1
shift
[ $# -gt 0 ] || exit 0
mkdir -p "$out"
command -v gnuplot >/dev/null || { echo "cyclic-plot.sh: gnuplot is not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# tmp/ID.VARIANT.hist: "bucket count", summed over the boots
awk -F, -v tmp="$tmp" '
FNR == 1 { np = split(FILENAME, P, "/"); id = P[np - 3]; next }
$3 == "cyclictest" {
	if (!((id, $2) in SEEN)) {
		SEEN[id, $2] = 1
		K[++nk] = id SUBSEP $2
		if (!(id in IDS)) { IDS[id] = 1; print id > (tmp "/ids") }
	}
	H[id, $2, $4 + 0] += $5
	if ($4 + 0 > MAXB[id, $2]) MAXB[id, $2] = $4 + 0
}
END {
	for (i = 1; i <= nk; i++) {
		split(K[i], k, SUBSEP)
		f = tmp "/" k[1] "." k[2] ".hist"
		for (b = 0; b <= MAXB[k[1], k[2]]; b++)
			if ((k[1], k[2], b) in H)
				print b, H[k[1], k[2], b] > f
		close(f)
	}
}' "$@"
[ -f "$tmp/ids" ] || exit 0

while read -r id; do
	hist='' nines=''
	for v in no_driver tasklet rtd_irq_work rtd_bh; do
		f=$tmp/$id.$v.hist
		[ -s "$f" ] || continue
		# the nines curve: "1/(1-q) latency" at every bucket's last rank
		# (latency: the bucket's lower bound, as the report's percentiles;
		# 0 drawn at 0.5 for the log scale)
		awk '{ b[NR] = $1 > 0 ? $1 : 0.5; c[NR] = $2; n += $2 }
			END { s = 0; for (i = 1; i <= NR; i++) { s += c[i]; q = s / n
				if (q < 1) print 1 / (1 - q), b[i] } }' "$f" >"$f.q"
		hist="$hist${hist:+, }\"$f\" using (\$1 + 0.5):2 with steps lw 2 title \"$v\""
		nines="$nines${nines:+, }\"$f.q\" using 1:2 with lines lw 2 title \"$v\""
	done
	cat >"$tmp/$id.gp" <<-EOF
	set terminal pngcairo noenhanced size 1500,600 font ",10"
	set output "$out/$id-cyclictest.png"
	set multiplot layout 1,2 title "$id: cyclictest latency, every CPU, FIFO 80, beside a 200 us bottom half"
	set logscale xy
	set grid
	set key top right
	set title "histogram (1 us buckets, summed over the boots)"
	set xrange [0.5:*]
	set xlabel "latency (us)"
	set ylabel "samples"
	plot $hist
	set key top left
	set title "latency against percentile"
	set xtics ("50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000)
	set xrange [1:100000]
	set xlabel "percentile"
	set ylabel "latency (us)"
	plot $nines
	unset multiplot
	EOF
	gnuplot "$tmp/$id.gp"
done <"$tmp/ids"
