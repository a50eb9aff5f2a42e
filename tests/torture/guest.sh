#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# rtd_torture's guest program (installed as /rtd/tests/rtd_torture): TAP on
# stdout. Loads rtdefer, then runs rtd_torture for $DURATION seconds while
# CPU hotplug (every CPU but the boot CPU offline and online again in turn,
# ~100 ms each), sysfs knob changes, the statistics and tracepoints switched
# on and off, and a consumer module loaded and unloaded in a loop run beside
# it; turns the module's KTAP into test lines. Then loads
# and unloads rtdefer $LOADS times with the consumer and its pending work in
# between, and checks that unreclaimable slab and vmalloc (module memory)
# come back to their level after the first few rounds.
# Settings: /rtd/torture/torture.conf (DURATION, LOADS, TORTURE_PARAMS).
[ -f /etc/rtdefer-guest ] || { echo "refusing: not rtdefer's test guest"; exit 2; }
. /rtd/torture/torture.conf
M=/rtd/modules
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); echo "not ok $n $1${2:+ # $2}"; fail=1; }
check() { if [ "$1" = 0 ]; then ok "$2"; else nok "$2" "$3"; fi; }
count() { echo $(($(cat "$1" 2>/dev/null || echo 0) + 1)) >"$1"; }

# every CPU but the boot CPU offline and online again in turn, ~100 ms each;
# /tmp/offlines.N counts CPU N's offlines
hotplug_loop() {
	cpus=$(ls -d /sys/devices/system/cpu/cpu[1-9]* 2>/dev/null)
	[ -n "$cpus" ] || return 0
	while [ ! -f /tmp/stop ]; do
		for c in $cpus; do
			[ -f /tmp/stop ] && break
			echo 0 >"$c/online" && count /tmp/offlines &&
				count "/tmp/offlines.${c##*cpu}"
			sleep 0.1
			echo 1 >"$c/online" || echo "torture: cannot online $c"
			sleep 0.1
		done
	done
}

# CPUs (but the boot CPU) never taken offline
hotplug_missed() {
	for c in /sys/devices/system/cpu/cpu[1-9]*; do
		[ -d "$c" ] && [ ! -s "/tmp/offlines.${c##*cpu}" ] && echo "${c##*/}"
	done
}

# knob FILE VALUE: write a valid value; a refusal is an error unless this
# kernel cannot apply it (5.10: only SCHED_FIFO 1 and 50, no rr; see
# docs/tuning.md), which the write must then say with EOPNOTSUPP.
knob() {
	if err=$(echo "$2" 2>&1 >"/sys/kernel/rtdefer/$1"); then
		return
	fi
	case "$(uname -r) $1 $2" in
	5.10.*"/policy rr" | 5.10.*"/priority "*)
		case "$2 $err" in
		1" "* | 50" "*) ;;
		*"not supported"*) return ;;
		esac
		;;
	esac
	echo "$1 $2: ${err##*: }" >>/tmp/knob_errors
}

knob_loop() {
	while [ ! -f /tmp/stop ]; do
		knob irq_work/priority $((RANDOM % 99 + 1))
		knob timer/priority $((RANDOM % 99 + 1))
		knob bh/budget_us $((RANDOM % 2000 + 100))
		case $((RANDOM % 4)) in
		0) knob irq_work/policy rr ;;
		1) knob irq_work/policy fifo ;;
		esac
		count /tmp/knobs
		sleep 0.05
	done
}

# obs FILE VALUE: a write the kernel must take, or an error noted
obs() {
	err=$(echo "$2" 2>&1 >"$1") || echo "$1 $2: ${err##*: }" >>/tmp/knob_errors
}

# statistics, their sample and the tracepoints switched under load
observe_loop() {
	d=/sys/kernel/debug/rtdefer t=/sys/kernel/tracing/events/rtdefer/enable
	while [ ! -f /tmp/stop ]; do
		obs $d/enabled $((RANDOM % 2))
		obs $d/latency_sample $((1 << (RANDOM % 17)))
		[ -f $t ] && obs $t $((RANDOM % 4 == 0))
		[ $((RANDOM % 8)) = 0 ] && obs $d/reset 1
		count /tmp/observes
		sleep 0.05
	done
	obs $d/enabled 1
	[ -f $t ] && obs $t 0
}

consumer_loop() {
	while [ ! -f /tmp/stop ]; do
		insmod $M/rtd_torture_consumer.ko && count /tmp/consumer_loads
		sleep 0.02
		rmmod rtd_torture_consumer
	done
}

# the module's "rtd_torture: ktap: " lines, numbered here
torture_results() {
	dmesg | sed -n 's/.*rtd_torture: ktap: //p' >/tmp/ktap
	while read -r a b c d; do
		case "$a $b" in
		"ok "*) ok "$c" ;;
		"not ok") nok "$d" ;;
		"#"*) echo "$a $b $c $d" ;;
		esac
	done </tmp/ktap
	grep -q '^# verdict: pass' /tmp/ktap
	check $? verdict "see the counts above"
}

# the CPU time of every CPU so far, in ticks: user, system, hardirq,
# softirq, idle (with iowait)
cpu_ticks() {
	awk '$1 == "cpu" { print $2 + $3, $4, $7, $8, $5 + $6 }' /proc/stat
}

# cpu_share BEFORE AFTER: where the CPU time between the two went
cpu_share() {
	echo "$1 $2" | awk '{
		for (i = 1; i <= 5; i++) { d[i] = $(i + 5) - $i; t += d[i] }
		if (!t) t = 1
		printf "user %d%%, system %d%%, hardirq %d%%, softirq %d%%, idle %d%%\n",
			100 * d[1] / t, 100 * d[2] / t, 100 * d[3] / t, 100 * d[4] / t, 100 * d[5] / t
	}'
}

torture() {
	rm -f /tmp/stop /tmp/offlines* /tmp/knobs /tmp/observes /tmp/consumer_loads
	: >/tmp/knob_errors
	t0=$(cpu_ticks)
	hotplug_loop & hp=$!
	knob_loop & kn=$!
	observe_loop & ob=$!
	consumer_loop & co=$!
	insmod $M/rtd_torture.ko duration="$DURATION" $TORTURE_PARAMS
	check $? torture.load "insmod rtd_torture failed"
	t1=$(cpu_ticks)
	touch /tmp/stop
	wait $hp $kn $ob $co
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -f "$c" ] && echo 1 >"$c" 2>/dev/null
	done
	torture_results
	echo "# hotplug: $(cat /tmp/offlines 2>/dev/null || echo 0) offlines," \
		"knob rounds: $(cat /tmp/knobs 2>/dev/null || echo 0)," \
		"statistics/tracepoint rounds: $(cat /tmp/observes 2>/dev/null || echo 0)," \
		"consumer loads: $(cat /tmp/consumer_loads 2>/dev/null || echo 0)"
	echo "# cpu time: $(cpu_share "$t0" "$t1")"
	missed=$(hotplug_missed)
	[ -z "$missed" ]
	check $? hotplug.exercised "never offline: $(echo $missed)"
	[ -s /tmp/consumer_loads ]
	check $? consumer.exercised "the consumer never loaded"
	[ -s /tmp/knobs ] && [ -s /tmp/observes ] && [ ! -s /tmp/knob_errors ]
	check $? knobs.applied "$(wc -l </tmp/knob_errors 2>/dev/null) refused, first: $(head -1 /tmp/knob_errors 2>/dev/null)"
	left=$(grep -l 'while [:]' /proc/[0-9]*/cmdline 2>/dev/null | wc -l)
	[ "$left" = 0 ]
	check $? user_processes.killed "$left spinning processes of the timer rounds left"
	! dmesg | grep -q 'rtd_torture_consumer: FAIL'
	check $? consumer.accounting "$(dmesg | grep -m1 'rtd_torture_consumer: FAIL')"
	rmmod rtd_torture 2>/dev/null
}

# kB of unreclaimable slab plus vmalloc (module memory lives there)
memory() {
	awk '/^SUnreclaim:|^VmallocUsed:/ { s += $2 } END { print s }' /proc/meminfo
}

load_cycle() {
	insmod $M/rtdefer.ko &&
		insmod $M/rtd_torture_consumer.ko &&
		rmmod rtd_torture_consumer &&
		rmmod rtdefer
}

load_cycles() {
	i=0 bad=0
	while [ $i -lt "$LOADS" ]; do
		i=$((i + 1))
		load_cycle || { bad=$i; break; }
		[ $i = 5 ] && base=$(memory)
	done
	check $bad loads.$LOADS "round $bad failed"
	! grep -q '^rtdefer ' /proc/modules
	check $? loads.unloaded "rtdefer still loaded"
	grow=$(($(memory) - base))
	echo "# memory after $LOADS loads: $grow kB over round 5 (limit $MEM_SLACK_KB kB)"
	[ "$grow" -le "$MEM_SLACK_KB" ]
	check $? loads.memory "grew by $grow kB"
}

echo "# rtd_torture: ${DURATION}s, $LOADS loads, params: $TORTURE_PARAMS"
insmod $M/rtdefer.ko
check $? rtdefer.load "insmod rtdefer failed"
torture
rmmod rtdefer
check $? rtdefer.unload "rmmod rtdefer failed"
load_cycles
echo "1..$n"
exit $fail
