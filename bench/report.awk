# SPDX-License-Identifier: GPL-2.0
# report.awk: the benchmark report (Markdown) from per-boot results.
#
#   awk -f median.awk -f report.awk -v date=... -v params=... -v plots=DIR BOOT.csv...
#
# Each file is one guest boot's results.csv (kernel,mechanism,scenario,
# metric,value). Every ratio is rtdefer's figure over the native one, taken
# within one boot; a cell shows the median of the per-boot ratios and, with
# more than one boot, their range. Values are medians over the boots.

BEGIN {
	FS = ","
	# rtdefer's mechanisms and their native counterparts, by family
	FAM[1] = "irq_work"; RTD[1] = "rtd_irq_work"
	NAT[1] = "irq_work_hard kthread_worker_fifo1 system_highpri_wq rt_irq_work_thread"
	FAM[2] = "irq_work"; RTD[2] = "rtd_irq_work_direct"; NAT[2] = NAT[1]
	FAM[3] = "bh"; RTD[3] = "rtd_bh"; NAT[3] = "tasklet native_bh"
	FAM[4] = "bh"; RTD[4] = "rtd_bh_highpri"; NAT[4] = "tasklet_hi native_bh_highpri"
	FAM[5] = "timer"; RTD[5] = "rtd_timer"; NAT[5] = "hrtimer_hard hrtimer_soft rt_ktimers"
	FAM[6] = "timer"; RTD[6] = "rtd_timer_task"; NAT[6] = "hrtimer_hard hrtimer_soft rt_ktimers"
	NFAM = 6
	nscen = split("task hardirq remote load storm idle", SCENS, " ")
	nmet = split("lat_p50_ns lat_p99_ns lat_p999_ns lat_max_ns throughput_per_s " \
		     "cost_queue_ns cost_run_ns cost_growth_1e6_over_1e3 " \
		     "idle_wakeups_per_s mem_per_cpu_bytes", METS, " ")
	UNIT["lat_p50_ns"] = "µs"; UNIT["lat_p99_ns"] = "µs"
	UNIT["lat_p999_ns"] = "µs"; UNIT["lat_max_ns"] = "µs"
	UNIT["mem_per_cpu_bytes"] = "KiB"
}

FNR == 1 { boot = FILENAME; next }

{
	k = $1
	if (!(k in NB)) {
		KERN[++nk] = k
		NB[k] = 0
	}
	if (!((k, boot) in BIDX)) {
		BIDX[k, boot] = ++NB[k]
	}
	b = BIDX[k, boot]
	V[k, $2, $3, $4, b] = $5 + 0
	HAS[k, $2, $3, $4] = 1
	HASM[k, $2] = 1
}

# RN, RMED, RMIN, RMAX of a[1..n] (sorted here); 0 when n is 0.
function summary_(a, n) {
	RN = n
	if (!n)
		return 0
	RMED = med_(a, n)
	RMIN = a[1]
	RMAX = a[n]
	return 1
}

# Median over the boots of one figure; "" if missing.
function value(k, m, s, met,  b, n, a) {
	n = 0
	for (b = 1; b <= NB[k]; b++)
		if ((k, m, s, met, b) in V)
			a[++n] = V[k, m, s, met, b]
	return n ? med_(a, n) : ""
}

# Per-boot ratios m1/m2 (or of two scenarios): sets RMED, RMIN, RMAX, RN.
function ratio(k, m1, s1, m2, s2, met,  b, n, a) {
	n = 0
	for (b = 1; b <= NB[k]; b++)
		if ((k, m1, s1, met, b) in V && (k, m2, s2, met, b) in V &&
		    V[k, m2, s2, met, b] > 0)
			a[++n] = V[k, m1, s1, met, b] / V[k, m2, s2, met, b]
	return summary_(a, n)
}

function fmt_ratio() {
	if (!RN)
		return "–"
	if (RN == 1)
		return sprintf("%.2f", RMED)
	return sprintf("%.2f (%.2f–%.2f)", RMED, RMIN, RMAX)
}

function fmt_value(x, met) {
	if (x == "")
		return "–"
	if (UNIT[met] == "µs")
		return sprintf("%.1f", x / 1000)
	if (UNIT[met] == "KiB")
		return sprintf("%.0f", x / 1024)
	if (met ~ /growth|wakeups/)
		return sprintf("%.2f", x)
	return sprintf("%.0f", x)
}

function metric_name(met) {
	return UNIT[met] != "" ? met " (" UNIT[met] ")" : met
}

# One table: rtdefer's mechanism against each native one present.
function family_table(k, f,  n, nat, i, j, s, met, row, hdr, sep, r, x) {
	n = split(NAT[f], nat, " ")
	hdr = "| scenario | metric | " RTD[f]
	sep = "|---|---|---:"
	for (i = 1; i <= n; i++) {
		if (!((k, nat[i]) in HASM))
			continue
		hdr = hdr " | " nat[i] " | ratio"
		sep = sep "|---:|---:"
	}
	print hdr " |"
	print sep "|"
	for (i = 1; i <= nscen; i++) {
		s = SCENS[i]
		for (j = 1; j <= nmet; j++) {
			met = METS[j]
			if (!((k, RTD[f], s, met) in HAS))
				continue
			row = "| " s " | " metric_name(met) " | " fmt_value(value(k, RTD[f], s, met), met)
			for (r = 1; r <= n; r++) {
				if (!((k, nat[r]) in HASM))
					continue
				x = value(k, nat[r], s, met)
				ratio(k, RTD[f], s, nat[r], s, met)
				row = row " | " fmt_value(x, met) " | " fmt_ratio()
			}
			print row " |"
		}
	}
	print ""
}

# Goal checks: one line per check, "met" only when the ratio of every boot
# is on the right side of the bound (the worst boot decides, not the median).
function verdict(ok) { return ok ? "met" : "**not met**" }

function check(k, goal, what, m1, s1, m2, s2, met, op, bound,  ok) {
	if (!ratio(k, m1, s1, m2, s2, met))
		return
	ok = op == "<=" ? RMAX <= bound : RMIN >= bound
	goal_row(k, goal, what, fmt_ratio(), op == "<=" ? RMAX : RMIN, op " " bound, ok)
}

# One row of "Every check": the median (range), the worst boot, the bound.
function goal_row(k, goal, what, shown, worst, bound, ok) {
	GOALS = GOALS sprintf("| %s | %s | %s | %s | %.2f | %s | %s |\n", k, goal, what,
			      shown, worst, bound, verdict(ok))
	sum_(goal, k, ok)
}

# A goal is met for a kernel when every one of its checks is. (Not
# "SUM[g, k] = (g, k) in SUM ? ... : ok": mawk creates the element on the
# left before it evaluates the right, so the test was always true and every
# goal read "not met".)
function sum_(goal, k, ok) {
	if ((goal, k) in SUM)
		SUM[goal, k] = SUM[goal, k] && ok
	else
		SUM[goal, k] = ok
}

# G1 (issue 17): from task and remote the plain item; from hardirq the
# DIRECT one (a device interrupt handler's item), and the plain one as I7.
function check_irq_work(k,  i, s, met, m, nat, g) {
	for (i = 1; i <= 3; i++) {
		s = SCENS[i]
		for (met = 1; met <= 2; met++) {
			m = s == "hardirq" ? "rtd_irq_work_direct" : "rtd_irq_work"
			for (nat = 1; nat <= 2; nat++) {
				g = nat == 1 ? "kthread_worker_fifo1" : "rt_irq_work_thread"
				check(k, "G1", m " " s " " METS[met] " vs " g, m, s, g, s,
				      METS[met], "<=", 1.0)
			}
		}
	}
	check(k, "I7", "rtd_irq_work hardirq lat_p50_ns vs kthread_worker_fifo1",
	      "rtd_irq_work", "hardirq", "kthread_worker_fifo1", "hardirq", "lat_p50_ns",
	      "<=", 1.0)
	check(k, "I7", "storm throughput vs kthread_worker_fifo1", "rtd_irq_work", "storm",
	      "kthread_worker_fifo1", "storm", "throughput_per_s", ">=", 1.0)
	check(k, "I7", "storm throughput vs rt_irq_work_thread", "rtd_irq_work", "storm",
	      "rt_irq_work_thread", "storm", "throughput_per_s", ">=", 1.0)
}

# G2 (issue 17): at or below the kernel's BH workqueue everywhere; against
# a tasklet p50 <= 1.2x from task, <= 1.5x from hardirq, storm >= 0.8x.
function check_bh(k, rtd, nat, tl,  i, s) {
	check(k, "G2", rtd " storm throughput vs " nat, rtd, "storm", nat, "storm",
	      "throughput_per_s", ">=", 1.0)
	for (i = 1; i <= 4; i++) {
		s = SCENS[i]
		check(k, "G2", rtd " " s " lat_p50_ns vs " nat, rtd, s, nat, s,
		      "lat_p50_ns", "<=", 1.0)
	}
	check(k, "G2", rtd " storm throughput vs " tl, rtd, "storm", tl, "storm",
	      "throughput_per_s", ">=", 0.8)
	check(k, "G2", rtd " task lat_p50_ns vs " tl, rtd, "task", tl, "task",
	      "lat_p50_ns", "<=", 1.2)
	check(k, "G2", rtd " hardirq lat_p50_ns vs " tl, rtd, "hardirq", tl, "hardirq",
	      "lat_p50_ns", "<=", 1.5)
}

# G3 (issue 17): the statistics cost at most 50 ns per item, every boot,
# and make no measurable p50 difference from task context: the p50 ratio
# to a native mechanism with them on over the same ratio with them off
# (the task scenario run again, statistics off) within 0.95-1.05.
function check_stats(k,  i, n, ms, ref) {
	n = split("rtd_irq_work rtd_bh rtd_bh_highpri rtd_timer", ms, " ")
	split("kthread_worker_fifo1 tasklet tasklet_hi hrtimer_hard", ref, " ")
	for (i = 1; i <= n; i++) {
		if (spread(k, ms[i], "storm", "stats_cost_ns"))
			goal_row(k, "G3", ms[i] " stats_cost_ns", fmt_spread("%.0f"), RMAX,
				 "<= 50", RMAX <= 50)
		if (p50_on_off(k, ms[i], ref[i]))
			goal_row(k, "G3", ms[i] " task p50 on/off (vs " ref[i] ")", fmt_ratio(),
				 RMAX - 1 > 1 - RMIN ? RMAX : RMIN, "0.95–1.05",
				 RMIN >= 0.95 && RMAX <= 1.05)
	}
}

# Per boot: (m/ref p50 with the statistics on) / (the same with them off).
function p50_on_off(k, m, ref,  b, n, a, on, off) {
	n = 0
	for (b = 1; b <= NB[k]; b++) {
		if (!((k, m, "task", "lat_p50_stats_off_ns", b) in V) ||
		    !((k, ref, "task", "lat_p50_stats_off_ns", b) in V) ||
		    !((k, m, "task", "lat_p50_ns", b) in V) ||
		    !((k, ref, "task", "lat_p50_ns", b) in V))
			continue
		on = V[k, m, "task", "lat_p50_ns", b] / V[k, ref, "task", "lat_p50_ns", b]
		off = V[k, m, "task", "lat_p50_stats_off_ns", b] / \
		      V[k, ref, "task", "lat_p50_stats_off_ns", b]
		if (off > 0)
			a[++n] = on / off
	}
	return summary_(a, n)
}

function check_load(k,  m, i, n, ms) {
	n = split("rtd_irq_work rtd_timer", ms, " ")
	for (i = 1; i <= n; i++)
		check(k, "I7", ms[i] " lat_p99_ns load / hardirq (idle system)",
		      ms[i], "load", ms[i], "hardirq", "lat_p99_ns", "<=", 2.0)
}

# G4: no wake-ups when idle and a flat per-item cost, in every boot.
function check_idle(k,  i, n, ms) {
	n = split("rtd_irq_work rtd_timer", ms, " ")
	for (i = 1; i <= n; i++)
		if (spread(k, ms[i], "idle", "idle_wakeups_per_s"))
			goal_row(k, "G4", ms[i] " idle_wakeups_per_s", fmt_spread("%.2f"), RMAX,
				 "= 0", RMAX == 0)
	n = split("rtd_irq_work rtd_bh rtd_bh_highpri", ms, " ")
	for (i = 1; i <= n; i++)
		if (spread(k, ms[i], "storm", "cost_growth_1e6_over_1e3"))
			goal_row(k, "G4", ms[i] " cost_growth_1e6_over_1e3", fmt_spread("%.2f"),
				 RMAX - 1 > 1 - RMIN ? RMAX : RMIN, "0.80–1.20",
				 RMIN >= 0.8 && RMAX <= 1.2)
}

function contrast_load(k,  i, n, ms) {
	n = split("irq_work_hard hrtimer_hard rtd_irq_work kthread_worker_fifo1 " \
		  "system_highpri_wq rt_irq_work_thread rtd_bh tasklet native_bh " \
		  "rtd_timer hrtimer_soft rt_ktimers", ms, " ")
	for (i = 1; i <= n; i++) {
		if (!ratio(k, ms[i], "load", ms[i], "hardirq", "lat_p99_ns"))
			continue
		printf "| %s | %s | %s | %s | %s |\n", k, ms[i],
		       fmt_value(value(k, ms[i], "hardirq", "lat_p99_ns"), "lat_p99_ns"),
		       fmt_value(value(k, ms[i], "load", "lat_p99_ns"), "lat_p99_ns"), fmt_ratio()
	}
}

# Median and range over the boots of one figure: sets RMED, RMIN, RMAX, RN.
function spread(k, m, s, met,  b, n, a) {
	n = 0
	for (b = 1; b <= NB[k]; b++)
		if ((k, m, s, met, b) in V)
			a[++n] = V[k, m, s, met, b]
	return summary_(a, n)
}

function fmt_spread(fmt) {
	if (!RN)
		return "–"
	if (RN == 1)
		return sprintf(fmt, RMED)
	return sprintf(fmt " (" fmt " to " fmt ")", RMED, RMIN, RMAX)
}

# The cost of rtdefer's statistics per item: storms with them on and off.
function stats_cost(k,  i, n, ms, off, cost, rel, b, a, na) {
	n = split("rtd_irq_work rtd_bh rtd_bh_highpri rtd_timer", ms, " ")
	for (i = 1; i <= n; i++) {
		if (!spread(k, ms[i], "storm", "stats_off_ns"))
			continue
		off = fmt_spread("%.0f")
		spread(k, ms[i], "storm", "stats_cost_ns")
		cost = fmt_spread("%+.1f")
		na = 0
		for (b = 1; b <= NB[k]; b++)
			if ((k, ms[i], "storm", "stats_cost_ns", b) in V &&
			    V[k, ms[i], "storm", "stats_off_ns", b] > 0)
				a[++na] = 100 * V[k, ms[i], "storm", "stats_cost_ns", b] \
					  / V[k, ms[i], "storm", "stats_off_ns", b]
		rel = na ? sprintf("%+.1f%%", med_(a, na)) : "–"
		printf "| %s | %s | %s | %s | %s |\n", k, ms[i], off, cost, rel
	}
}

function summary(  i, g, row, ng, G, GN) {
	ng = split("G1 G2 G3 G4 I7", G, " ")
	GN["G1"] = "threaded irq_work: p50/p99 ≤ 1.0× FIFO-1 kthread_worker and RT irq_work thread from task, hardirq (DIRECT item), remote"
	GN["G2"] = "BH workqueue: ≤ 1.0× native system_bh_wq everywhere; vs tasklet p50 ≤ 1.2× task, ≤ 1.5× hardirq, storm ≥ 0.8×"
	GN["G3"] = "statistics: ≤ 50 ns per item; task p50 with them on within ±5% of off (relative to a native mechanism)"
	GN["G4"] = "0 wake-ups/s idle; per-item cost flat (±20%) from 1e3 to 1e6 items"
	GN["I7"] = "issue 7's other checks: plain item from hardirq, storm throughput, load p99 ≤ 2× idle"
	row = "| goal |"
	for (i = 1; i <= nk; i++)
		row = row " " KERN[i] " |"
	print row
	row = "|---|"
	for (i = 1; i <= nk; i++)
		row = row "---|"
	print row
	for (g = 1; g <= ng; g++) {
		row = "| " G[g] ": " GN[G[g]] " |"
		for (i = 1; i <= nk; i++)
			row = row " " ((G[g], KERN[i]) in SUM ? (SUM[G[g], KERN[i]] ? "met" : "**not met**") : "–") " |"
		print row
	}
	print ""
}

END {
	for (i = 1; i <= nk; i++) {
		k = KERN[i]
		check_irq_work(k)
		check_bh(k, "rtd_bh", "native_bh", "tasklet")
		check_bh(k, "rtd_bh_highpri", "native_bh_highpri", "tasklet_hi")
		check_load(k)
		check_stats(k)
		check_idle(k)
	}
	print "# rtdefer benchmark report"
	print ""
	printf "Generated %s by `make bench`, built from %s. Kernels and boots:\n\n", date, code
	for (i = 1; i <= nk; i++)
		printf "- `%s`: %d boot(s)\n", KERN[i], NB[KERN[i]]
	print ""
	printf "Module parameters: `%s`.\n\n", params
	print "Every ratio is rtdefer's figure divided by the native one, both measured"
	print "in the same guest boot with the mechanisms interleaved item by item; a"
	print "cell shows the median of the per-boot ratios and, with several boots,"
	print "their range. Latency ratios below 1 and throughput ratios above 1 favour"
	print "rtdefer. Values are medians over the boots. The guests run under QEMU TCG"
	print "(no KVM): absolute times are those of an emulated machine, only the ratios"
	print "carry over. Scenario and metric definitions: `bench/README.md`."
	print ""
	print "## Goals (issue 17)"
	print ""
	summary()
	print "### Every check"
	print ""
	print "| kernel | goal | check | median (range) | worst boot | bound | verdict |"
	print "|---|---|---|---|---:|---|---|"
	printf "%s\n", GOALS
	print "### Load against the idle system (p99, µs)"
	print ""
	print "| kernel | mechanism | hardirq (idle) | load | ratio |"
	print "|---|---|---:|---:|---:|"
	for (i = 1; i <= nk; i++)
		contrast_load(KERN[i])
	print ""
	print "## Cost of the statistics"
	print ""
	print "rtdefer's per-CPU counts and latency histograms (issue 6) are on by"
	print "default. Their cost per item: storm bursts of each of rtdefer's"
	print "mechanisms with the statistics on and off (switched through"
	print "`/sys/kernel/debug/rtdefer/enabled` between rounds, on/off and off/on"
	print "alternating, in the same boot), elapsed time per item (queue and run"
	print "side) with them on minus that with them off, the median over the pairs"
	print "of rounds: `stats_cost_ns`; `stats_off_ns` is the base, with them off."
	print "`rtd_timer` bursts arm timers that have already expired. A negative"
	print "cost is noise: the difference is smaller than the drift between rounds."
	print "Medians over the boots, with their range."
	print ""
	print "| kernel | mechanism | per item, statistics off (ns) | cost per item (ns) | relative |"
	print "|---|---|---:|---:|---:|"
	for (i = 1; i <= nk; i++)
		stats_cost(KERN[i])
	print ""
	for (i = 1; i <= nk; i++) {
		k = KERN[i]
		printf "## %s\n\n", k
		for (f = 1; f <= NFAM; f++) {
			if (!((k, RTD[f]) in HASM))
				continue
			printf "### %s\n\n", RTD[f]
			family_table(k, f)
		}
		if (plots != "")
			printf "Latency distributions: [irq_work](%s/%s-irq_work.png), [bh](%s/%s-bh.png), [timer](%s/%s-timer.png).\n\n",
			       plots, k, plots, k, plots, k
	}
}
