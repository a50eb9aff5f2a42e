#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# plot.sh QUANTILES.csv OUTDIR: latency distribution plots with gnuplot.
#
# QUANTILES.csv is kernel,mechanism,scenario,q,ns (bench/merge.awk output).
# For every kernel and family (irq_work, bh, timer) writes
# OUTDIR/KERNEL-FAMILY.png: one panel per scenario, one curve per
# mechanism, latency (log) against percentile on a "nines" scale, so the
# tail is as visible as the median.
set -eu
in=$1 out=$2
mkdir -p "$out"
rm -f "$out"/*.dat "$out"/*.gp
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot is not installed" >&2; exit 1; }

# KERNEL.dat: one block per mechanism and scenario ("1/(1-q) us");
# KERNEL-FAMILY.gp: the gnuplot script for one family.
awk -F, -v out="$out" '
BEGIN {
	FAMS = "irq_work bh timer"
	M["irq_work"] = "rtd_irq_work rtd_irq_work_direct irq_work_hard kthread_worker_fifo1 system_highpri_wq rt_irq_work_thread"
	M["bh"] = "rtd_bh rtd_bh_highpri tasklet tasklet_hi native_bh native_bh_highpri"
	M["timer"] = "rtd_timer rtd_timer_task hrtimer_hard hrtimer_soft rt_ktimers"
	nscen = split("task hardirq remote load storm", SC, " ")
}
NR == 1 { next }
$4 + 0 >= 1 { next }	# the maximum has no place on a nines scale
{
	blk = $1 SUBSEP $2 SUBSEP $3
	if (!(blk in IDX)) {
		if (!($1 in NBLK)) { K[++nk] = $1; NBLK[$1] = 0 }
		IDX[blk] = NBLK[$1]++
		if (NBLK[$1] > 1)
			printf "\n\n" >> (out "/" $1 ".dat")
	}
	printf "%.6g %.3f\n", 1 / (1 - $4), $5 / 1000 >> (out "/" $1 ".dat")
}
function script(k, fam,  gp, n, ms, i, j, s, sep, cmd) {
	gp = out "/" k "-" fam ".gp"
	n = split(M[fam], ms, " ")
	print "set terminal pngcairo noenhanced size 1500,900 font \",10\"" > gp
	printf "set output \"%s/%s-%s.png\"\n", out, k, fam > gp
	printf "set multiplot layout 2,3 title \"%s: %s latency distribution\"\n", k, fam > gp
	print "set logscale xy" > gp
	print "set xtics (\"0%%\" 1, \"50%%\" 2, \"90%%\" 10, \"99%%\" 100, \"99.9%%\" 1000, \"99.99%%\" 10000)" > gp
	print "set xrange [1:20000]" > gp
	print "set ylabel \"latency (µs)\"" > gp
	print "set grid" > gp
	print "set key top left" > gp
	for (i = 1; i <= nscen; i++) {
		s = SC[i]
		cmd = ""
		for (j = 1; j <= n; j++) {
			if (!((k SUBSEP ms[j] SUBSEP s) in IDX))
				continue
			cmd = cmd (cmd == "" ? "" : ", ") \
				sprintf("\"%s/%s.dat\" index %d with linespoints lw 2 pt 7 ps 0.5 title \"%s\"",
					out, k, IDX[k, ms[j], s], ms[j])
		}
		if (cmd == "")
			continue
		printf "set title \"%s\"\n", s > gp
		print "plot " cmd > gp
	}
	print "unset multiplot" > gp
	close(gp)
	print gp
}
END {
	nf = split(FAMS, F, " ")
	for (i = 1; i <= nk; i++) {
		close(out "/" K[i] ".dat")
		for (f = 1; f <= nf; f++)
			script(K[i], F[f])
	}
}' "$in" >"$out/scripts.list"

while read -r gp; do
	gnuplot "$gp"
done <"$out/scripts.list"
rm -f "$out"/*.gp "$out"/*.dat "$out/scripts.list"
