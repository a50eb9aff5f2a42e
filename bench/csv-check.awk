# SPDX-License-Identifier: GPL-2.0
# csv-check.awk: check benchmark results against the CSV contract of issue 7.
#
#   awk -f csv-check.awk [-v kernel=RELEASE] [-v mechanisms=FILE] CSV...
#
# Every line must be kernel,mechanism,scenario,metric,value with names from
# the contract's vocabulary (plus the extra metrics "samples",
# "stats_cost_ns", "stats_off_ns" and "lat_p50_stats_off_ns"), a decimal value (stats_cost_ns, a
# difference, may be negative) and, with -v kernel, that kernel. A header
# line is allowed first. With -v mechanisms (rtd_bench's debugfs
# "mechanisms": "NAME SCEN,SCEN..."), every listed mechanism must have
# produced samples (samples > 0 and a lat_p50_ns) in every scenario it is
# listed for, and each of rtdefer's rtd_irq_work, rtd_bh, rtd_bh_highpri
# and rtd_timer listed a stats_cost_ns in storm. Prints one line per
# problem, and "ok: N lines" at the end; exits 1 on any problem.
# POSIX awk only: it runs in the guest (busybox) and on the host (mawk).

BEGIN {
	FS = ","
	split("rtd_irq_work rtd_irq_work_direct irq_work_hard kthread_worker_fifo1 " \
	      "system_highpri_wq " \
	      "rt_irq_work_thread rtd_bh rtd_bh_highpri tasklet tasklet_hi " \
	      "native_bh native_bh_highpri rtd_timer rtd_timer_task hrtimer_hard " \
	      "hrtimer_soft rt_ktimers", a, " ")
	for (i in a) MECH[a[i]] = 1
	split("idle load storm remote hardirq task", a, " ")
	for (i in a) SCEN[a[i]] = 1
	split("lat_p50_ns lat_p99_ns lat_p999_ns lat_max_ns throughput_per_s " \
	      "cost_queue_ns cost_run_ns idle_wakeups_per_s mem_per_cpu_bytes " \
	      "cost_growth_1e6_over_1e3 samples stats_cost_ns stats_off_ns " \
	      "lat_p50_stats_off_ns", a, " ")
	for (i in a) METRIC[a[i]] = 1
	split("rtd_irq_work rtd_bh rtd_bh_highpri rtd_timer", a, " ")
	for (i in a) STATS_COST[a[i]] = 1
	# G5 (guest/rtd_cyclic): cyclictest beside the test driver's variants
	MECH["no_driver"] = 1
	SCEN["cyclictest"] = 1
	SCEN["cyclictest_irq_cpu"] = 1
	bad = 0
	lines = 0
}

function problem(msg) {
	printf "%s:%d: %s: %s\n", FILENAME, FNR, msg, $0
	bad++
}

FNR == 1 && $0 == "kernel,mechanism,scenario,metric,value" { next }

{
	lines++
	if (NF != 5) { problem("want 5 fields, got " NF); next }
	if ($1 == "" || $1 ~ /[^A-Za-z0-9._+~-]/) problem("bad kernel release")
	else if (kernel != "" && $1 != kernel) problem("kernel is not " kernel)
	if (!($2 in MECH)) problem("unknown mechanism")
	if (!($3 in SCEN)) problem("unknown scenario")
	if (!($4 in METRIC)) problem("unknown metric")
	if ($4 == "stats_cost_ns") {
		if ($5 !~ /^-?[0-9]+(\.[0-9]+)?$/) problem("value is not a decimal number")
	} else if ($5 !~ /^[0-9]+(\.[0-9]+)?$/) problem("value is not a decimal number")
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
	if (key in SEEN) problem("duplicate figure")
	SEEN[key] = 1
	HAVE[$2, $3, $4] = $5
}

END {
	if (lines == 0) {
		print "no results"
		bad++
	}
	if (mechanisms != "")
		check_presence()
	if (bad) {
		printf "%d problem(s) in %d lines\n", bad, lines
		exit 1
	}
	printf "ok: %d lines\n", lines
}

function check_presence(  line, w, s, n, i, k) {
	n = 0
	while ((getline line < mechanisms) > 0) {
		split(line, w, " ")
		n++
		if ((w[1] in STATS_COST) && !((w[1] SUBSEP "storm" SUBSEP "stats_cost_ns") in HAVE)) {
			printf "%s: no stats_cost_ns in scenario storm\n", w[1]
			bad++
		}
		k = split(w[2], s, ",")
		for (i = 1; i <= k; i++) {
			if (s[i] == "idle")
				continue
			if (!((w[1] SUBSEP s[i] SUBSEP "samples") in HAVE) ||
			    HAVE[w[1], s[i], "samples"] + 0 <= 0 ||
			    !((w[1] SUBSEP s[i] SUBSEP "lat_p50_ns") in HAVE)) {
				printf "%s: no samples in scenario %s\n", w[1], s[i]
				bad++
			}
		}
	}
	if (n == 0) {
		print "no mechanisms listed in " mechanisms
		bad++
	}
}
