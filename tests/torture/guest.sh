#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# rtd_torture's guest program (installed as /rtd/tests/rtd_torture): TAP on
# stdout. Loads rtdefer, then runs rtd_torture for $DURATION seconds while
# CPU hotplug (a random CPU but the boot CPU offline and online again every
# ~100 ms), sysfs knob changes and a consumer module loaded and unloaded in
# a loop run beside it; turns the module's KTAP into test lines. Then loads
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

hotplug_loop() {
	cpus=$(ls -d /sys/devices/system/cpu/cpu[1-9]* 2>/dev/null)
	set -- $cpus
	[ $# -gt 0 ] || return 0
	while [ ! -f /tmp/stop ]; do
		shift $((RANDOM % $#)) 2>/dev/null
		c=$1
		set -- $cpus
		echo 0 >"$c/online" && count /tmp/offlines
		sleep 0.1
		echo 1 >"$c/online" || echo "torture: cannot online $c"
		sleep 0.1
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

torture() {
	rm -f /tmp/stop /tmp/offlines /tmp/knobs /tmp/consumer_loads
	: >/tmp/knob_errors
	hotplug_loop & hp=$!
	knob_loop & kn=$!
	consumer_loop & co=$!
	insmod $M/rtd_torture.ko duration="$DURATION" $TORTURE_PARAMS
	check $? torture.load "insmod rtd_torture failed"
	touch /tmp/stop
	wait $hp $kn $co
	for c in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -f "$c" ] && echo 1 >"$c" 2>/dev/null
	done
	torture_results
	echo "# hotplug: $(cat /tmp/offlines 2>/dev/null || echo 0) offlines," \
		"knob rounds: $(cat /tmp/knobs 2>/dev/null || echo 0)," \
		"consumer loads: $(cat /tmp/consumer_loads 2>/dev/null || echo 0)"
	[ "$(nproc)" -lt 2 ] || [ -s /tmp/offlines ]
	check $? hotplug.exercised "no CPU went offline"
	[ -s /tmp/consumer_loads ]
	check $? consumer.exercised "the consumer never loaded"
	[ -s /tmp/knobs ] && [ ! -s /tmp/knob_errors ]
	check $? knobs.applied "$(wc -l </tmp/knob_errors 2>/dev/null) refused, first: $(head -1 /tmp/knob_errors 2>/dev/null)"
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
