#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of `make demo` (installed as /rtd/demo): load rtdefer, show
# its threads, knobs and statistics, make it do some work, and compare
# latencies when the benchmark module is there.
say() { printf '\n== %s\n' "$*"; }
dbg=/sys/kernel/debug

say "rtdefer on $(uname -r), $(nproc) CPUs"
insmod /rtd/modules/rtdefer.ko || exit 1
echo "version $(cat /sys/kernel/rtdefer/version)"

say "per-CPU threads (policy 1 = SCHED_FIFO; priority as the kernel shows it)"
for p in /proc/[0-9]*; do
	c=$(cat "$p/comm" 2>/dev/null) || continue
	case $c in
	irq_work/* | ktimers/*)
		# /proc/PID/stat: field 41 is the policy, 40 the RT priority
		awk -v c="$c" '{ printf "%-12s pid %-5s policy %s rt_priority %s\n", c, $1, $41, $40 }' "$p/stat" ;;
	esac
done

say "sysfs knobs"
find /sys/kernel/rtdefer -type f | sort | while read -r f; do
	printf '%-45s %s\n' "$f" "$(cat "$f")"
done

say "some work: an irq_work storm, 10000 BH items, periodic timers"
for m in rtd_test_iw rtd_test_bh rtd_test_timer; do
	insmod "/rtd/modules/$m.ko"
done
echo "irq_work storm:   $(cat $dbg/rtd_test_iw/storm)"
echo "BH order check:   $(cat $dbg/rtd_test_bh/order)"
echo "periodic timers:  $(cat $dbg/rtd_test_timer/periodic)"

say "statistics (rtdefer-stat)"
rtdefer-stat

say "queue-to-run latency histograms (ns lower bound: count)"
for f in irq_work bh timer; do
	printf '%-9s' "$f"
	awk '$2 > 0 { printf " %s:%s", $1, $2 } END { print "" }' "$dbg/rtdefer/$f/latency"
done

if [ -e /rtd/modules/rtd_bench.ko ] && [ -x /rtd/bench-guest ]; then
	say "latency comparison with the kernel's own mechanisms (short run)"
	RTD_BENCH_SMALL=1 /rtd/bench-guest
fi

for m in rtd_test_timer rtd_test_bh rtd_test_iw rtdefer; do
	rmmod "$m"
done
say "unloaded cleanly"
