# SPDX-License-Identifier: GPL-2.0
# cyclic-report.awk: the G5 section of the benchmark report (Markdown).
#
#   awk -f median.awk -f cyclic-report.awk -v plots=DIR .../runs/ID/bootNN/cyclic/results.csv...
#
# Each file is one cyclictest boot (scripts/bench-boot.sh cyclic) of matrix
# entry ID (taken from the path, so 6.12 and 6.12+full stay apart although
# their kernel release is the same). Per entry and variant: cyclictest's
# p99 and maximum (every CPU's thread, scope "cyclictest"), the median over
# the boots and the worst boot, and the ratio to the no_driver baseline of
# the same boot. G5 is met for an entry when, in every boot, rtd_irq_work's
# p99 and maximum are within LIMIT of the baseline's.

BEGIN {
	FS = ","
	LIMIT = 1.2
	nv = split("no_driver tasklet rtd_irq_work rtd_bh", VAR, " ")
	BASE = "no_driver"
	GOAL = "rtd_irq_work"
}

FNR == 1 {
	np = split(FILENAME, P, "/")
	id = P[np - 3]
	if (!(id in NB))
		ID[++nid] = id
	B = ++NB[id]
	KREL[id] = ""
	next
}

$3 == "cyclictest" || $3 == "cyclictest_irq_cpu" {
	KREL[id] = $1
	V[id, B, $2, $3, $4] = $5 + 0
}

# Per-boot figures of a variant (RATIO: over the baseline of the same
# boot): N, MED and WORST (the largest) over the boots.
function stat(id, v, sc, met, ratio,  b, n, a, x) {
	n = 0
	for (b = 1; b <= NB[id]; b++) {
		if (!((id, b, v, sc, met) in V))
			continue
		x = V[id, b, v, sc, met]
		if (ratio) {
			if (!((id, b, BASE, sc, met) in V) || V[id, b, BASE, sc, met] <= 0)
				continue
			x /= V[id, b, BASE, sc, met]
		}
		a[++n] = x
	}
	N = n
	if (!n)
		return 0
	MED = med_(a, n)
	WORST = a[n]
	return 1
}

function us(ns) { return sprintf("%.0f", ns / 1000) }

# "p99 / max µs" of a variant, and its ratios (median; worst boot)
function cell(id, v, sc,  s, p, m) {
	if (!stat(id, v, sc, "lat_p99_ns", 0))
		return "–"
	s = us(MED)
	stat(id, v, sc, "lat_max_ns", 0)
	s = s " / " us(MED)
	if (v == BASE)
		return s
	if (stat(id, v, sc, "lat_p99_ns", 1))
		p = N > 1 ? sprintf("%.2f× (%.2f×)", MED, WORST) : sprintf("%.2f×", MED)
	if (stat(id, v, sc, "lat_max_ns", 1))
		m = N > 1 ? sprintf("%.2f× (%.2f×)", MED, WORST) : sprintf("%.2f×", MED)
	return s " µs; " p " / " m
}

# G5 for an entry: "met", or "not met" and why
function goal(id,  b, met, why, r, x, bad) {
	bad = 0
	why = ""
	for (b = 1; b <= NB[id]; b++) {
		for (r = 1; r <= 2; r++) {
			met = r == 1 ? "lat_p99_ns" : "lat_max_ns"
			if (!((id, b, GOAL, "cyclictest", met) in V) ||
			    !((id, b, BASE, "cyclictest", met) in V) ||
			    V[id, b, BASE, "cyclictest", met] <= 0) {
				bad++
				why = why sprintf(", boot %d: no %s", b, met)
				continue
			}
			x = V[id, b, GOAL, "cyclictest", met] / V[id, b, BASE, "cyclictest", met]
			if (x > LIMIT) {
				bad++
				why = why sprintf(", boot %d: %s %.2f×", b, met == "lat_p99_ns" ? "p99" : "max", x)
			}
		}
	}
	return bad ? "not met" why : "**met**"
}

function table(sc,  i, j, id, hdr, sep) {
	hdr = "| entry | boots"
	sep = "|---|---:"
	for (j = 1; j <= nv; j++) {
		hdr = hdr " | " VAR[j]
		sep = sep "|---"
	}
	if (sc == "cyclictest") {
		hdr = hdr " | G5"
		sep = sep "|---"
	}
	print hdr " |"
	print sep "|"
	for (i = 1; i <= nid; i++) {
		id = ID[i]
		printf "| %s | %d", id, NB[id]
		for (j = 1; j <= nv; j++)
			printf " | %s", cell(id, VAR[j], sc)
		if (sc == "cyclictest")
			printf " | %s", goal(id)
		print " |"
	}
}

END {
	print ""
	print "## G5: cyclictest beside a driver's bottom half"
	print ""
	print "cyclictest (Debian's rt-tests) at SCHED_FIFO 80 on every CPU while"
	print "`rtd_cyclic.ko` fires a periodic hardirq on CPU 0 whose bottom half"
	print "busies the CPU; variants interleaved in one boot (bench/README.md,"
	print "\"cyclictest\"). Each cell: cyclictest's p99 / max (µs, median over the"
	print "boots); then the ratio of each to the no_driver baseline of the same"
	print "boot (median; in brackets the worst boot). G5: rtd_irq_work's p99 and"
	printf "max within %.1f× the baseline's in every boot.\n", LIMIT
	print ""
	if (!nid) {
		print "No cyclictest boot passed."
		exit
	}
	print "Every CPU's thread (what G5 judges):"
	print ""
	table("cyclictest")
	print ""
	print "The thread on the interrupt's CPU (CPU 0) only:"
	print ""
	table("cyclictest_irq_cpu")
	print ""
	print "Latency histograms, summed over the boots:"
	print ""
	for (i = 1; i <= nid; i++)
		printf "- %s (%s): ![%s](%s/%s-cyclictest.png)\n", ID[i], KREL[ID[i]], ID[i], plots, ID[i]
}
