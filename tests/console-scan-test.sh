#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# console-scan-test.sh: tests/vm/console-scan.sh against fake console logs
# (no guest). Prints one "ok NAME" / "not ok NAME # why" line per case; exit
# 1 if any failed.
#
#   clean          a debug kernel's console with every checker's banner and
#                  the kernel's harmless look-alikes: no problem
#   LABEL          that console plus one report (a sample line per pattern,
#                  per alternative of a pattern): the scan names it LABEL
#                  and nothing else, so a removed or reordered pattern fails
#   missing-LABEL  that console without one checker's banner: named missing
#   died-early     that console cut before the guest's end-of-run lines: the
#                  boot banners are still asked for, those lines are not
#   nohz-rt        the NOHZ check's named exception on PREEMPT_RT
#   coverage       every label the scan knows has a case here
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
SCAN=$TOP/tests/vm/console-scan.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0
CHECKERS="lockdep raw-lock-nesting prove-rcu kasan kcsan kfence ubsan debug-objects debug-list atomic-sleep debug-preempt hung-task softlockup hardlockup wq-watchdog kmemleak slub-debug"

# A clean boot of a debug kernel, with the lines that look like reports and
# are not (the command line's panic_on_warn etc., the selftest, the kernel's
# own TIMER softirq left pending, which the NOHZ check lets pass).
cat >"$T/clean" <<'EOF'
[    0.000000] Linux version 7.3.4-rtd-debug (root@host) (gcc-14 (Debian 14.2.0-19) 14.2.0) #1 SMP PREEMPT_DYNAMIC
[    0.000000] Command line: console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs=60 slub_debug=FZPU rtdefer_guest=1 kmemleak=on
[    0.322060] KernelAddressSanitizer initialized (generic)
[    0.418173] Kernel command line: console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 hung_task_panic=1
[    0.785944] kmemleak: Kernel memory leak detector initialized (mem pool available: 15055)
[    0.857380] rcu: 	RCU lockdep checking is enabled.
[    0.998008] kfence: initialized - using 2097152 bytes for 255 objects at 0xffff888036200000-0xffff888036400000
[    1.000000] kcsan: enabled early
[    1.057037] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    1.057518] ... MAX_LOCKDEP_SUBCLASSES:  8
[    1.100000] ODEBUG: selftest passed
[    1.200000] clocksource: Switched to clocksource tsc
[    2.000000] NOHZ tick-stop error: local softirq work is pending, handler #02!!!
[   17.846463] kmemleak: Automatic memory scanning thread started
rtdefer-guest: running rtd_timer
    ok 1 rtd_timer.cancel_running
rtdefer-guest: checker state
rtdefer-guest: lockdep: debug_locks on
rtdefer-guest: debug_objects: on, warnings 0 fixups 0
rtdefer-guest: kmemleak: scanned
EOF

# LABEL<tab>a console line that the scan must name LABEL
SAMPLES='lockdep-circular	[   12.345678] WARNING: possible circular locking dependency detected
lockdep-recursive	[   12.345678] WARNING: possible recursive locking detected
lockdep-inconsistent	[   12.345678] WARNING: inconsistent lock state
lockdep-irq-inversion	[   12.345678] WARNING: possible irq lock inversion dependency detected
lockdep-irq-order	[   12.345678] WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected
lockdep-rcu	[   12.345678] WARNING: suspicious RCU usage
lockdep-wait-context	[   12.345678] [ BUG: Invalid wait context ]
lockdep-unlock-balance	[   12.345678] WARNING: bad unlock balance detected!
lockdep-held-freed	[   12.345678] WARNING: held lock freed!
lockdep-held	[   12.345678] WARNING: kworker/0:1/12 still has locks held!
lockdep-held	[   12.345678] WARNING: lock held when returning to user space!
lockdep-held	[   12.345678] WARNING: Nested lock was not taken
lockdep-off	[   12.345678] turning off the locking correctness validator.
lockdep-off	[   12.345678] INFO: lockdep is turned off.
lockdep-off	rtdefer-guest: lockdep: debug_locks off
lockdep-other	[   12.345678] WARNING: bad contention detected!
lockdep-other	[   12.345678] WARNING: chain_key collision
lockdep	[   12.345678] WARNING: CPU: 1 PID: 0 at kernel/locking/lockdep.c:4412 lockdep_hardirqs_on_prepare+0x1c0/0x2b0
kasan	[   12.345678] BUG: KASAN: slab-use-after-free in rtd_queue_work+0x42/0x90 [rtdefer]
kcsan	[   12.345678] BUG: KCSAN: data-race in rtd_bh_run / rtd_queue_work
kfence	[   12.345678] BUG: KFENCE: use-after-free read in rtd_timer_fn+0x1c/0x40 [rtdefer]
atomic-sleep	[   12.345678] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580
atomic-sleep	[   12.345678] BUG: scheduling while atomic: swapper/1/0/0x00000002
debug-preempt	[   12.345678] BUG: using smp_processor_id() in preemptible [00000000] code: insmod/123
odebug	[   12.345678] ODEBUG: free active (active state 0) object: ffff888003e4b0c8 object type: hrtimer hint: rtd_timer_fn+0x0/0x40 [rtdefer]
odebug	[   12.345678] ODEBUG: Out of memory. ODEBUG disabled
odebug	rtdefer-guest: debug_objects: on, warnings 7 fixups 0
debug-list	[   12.345678] list_add corruption. prev->next should be next (ffff88800b0c1d00), but was ffff88800b0c1d08. (prev=ffff88800b0c1d00).
debug-list	[   12.345678] list_del corruption, ffff88800b0c1d00->next is LIST_POISON1 (dead000000000100)
slub	[   12.345678] BUG kmalloc-64 (Not tainted): Poison overwritten
ubsan	[   12.345678] UBSAN: shift-out-of-bounds in src/bh_pool.c:123:45
kmemleak	[   12.345678] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
kmemleak	rtdefer-guest: kmemleak: unreferenced object 0xffff888004a1c000 (size 64):
kmemleak	rtdefer-guest: kmemleak: off (cannot scan)
wq-lockup	[   12.345678] BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 31s!
hung-task	[   72.345678] INFO: task kworker/u4:2:57 blocked for more than 60 seconds.
rcu-stall	[   32.345678] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
rcu-stall	[   32.345678] rcu: INFO: rcu_preempt self-detected stall on CPU
rcu-stall	[   32.345678] rcu: rcu_preempt kthread starved for 2503 jiffies! g1234 f0x0 RCU_GP_WAIT_FQS(5)
softlockup	[   32.345678] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [rtd_torture:88]
hardlockup	[   32.345678] Watchdog detected hard LOCKUP on cpu 1
warning	[   12.345678] WARNING: CPU: 0 PID: 88 at src/timer.c:210 rtd_timer_cancel+0x1c/0x90 [rtdefer]
bug	[   12.345678] BUG: unable to handle page fault for address: ffffffffc0001000
oops	[   12.345678] Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP
call-trace	[   12.345678]  Call Trace:
panic	[   12.345678] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009
lockup	[   12.345678] rtd_torture: CPU 1 lockup suspected
nohz	[   12.345678] NOHZ tick-stop error: local softirq work is pending, handler #40!!!
nohz	[   12.345678] NOHZ tick-stop error: local softirq work is pending, handler #01!!!'

# BANNER-LABEL<tab>checker<tab>the clean console's line that shows it on
BANNERS='lockdep-banner	lockdep	Lock dependency validator
lockdep-at-end	lockdep	debug_locks on
prove-rcu-banner	prove-rcu	RCU lockdep checking is enabled
kasan-banner	kasan	KernelAddressSanitizer initialized
kcsan-banner	kcsan	kcsan: enabled early
kfence-banner	kfence	kfence: initialized
debug-objects-on	debug-objects	debug_objects: on
kmemleak-scan	kmemleak	kmemleak: scanned'

# scan [--checkers W] FILE: run the scan; sets $out and $rc.
scan() {
	out=$("$SCAN" "$@" 2>&1)
	rc=$?
}

# result NAME CONDITION...: one result line.
result() {
	local name=$1
	shift
	if "$@"; then
		echo "ok $name"
	else
		echo "not ok $name # rc=$rc out='$(echo "$out" | tr '\n' '|')'"
		failed=1
	fi
}

scan --checkers "$CHECKERS" "$T/clean"
result clean eval '[ $rc = 0 ] && [ -z "$out" ]'
scan "$T/clean"
result clean-stock eval '[ $rc = 0 ] && [ -z "$out" ]'

# every sample in a console of its own: exactly one line, with its label
declare -A seen
while IFS=$'\t' read -r label line; do
	{ cat "$T/clean"; printf '%s\n' "$line"; } >"$T/console"
	scan --checkers "$CHECKERS" "$T/console"
	n=$((${seen[$label]:-0} + 1))
	seen[$label]=$n
	result "$label${n#1}" eval '[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
		[ "${out%%: *}" = "$label" ]'
done <<<"$SAMPLES"

# every banner missing in turn: named as missing, for its checker only
while IFS=$'\t' read -r label checker line; do
	grep -v -F -e "$line" "$T/clean" >"$T/console"
	scan --checkers "$checker" "$T/console"
	result "missing-$label" eval '[ $rc = 1 ] && [ "$out" = "missing $label: $(echo "$out" | cut -d" " -f3-)" ] &&
		[ "$(echo "$out" | wc -l)" = 1 ]'
	seen["missing $label"]=1
	scan "$T/console"
	result "missing-$label-stock" eval '[ $rc = 0 ] && [ -z "$out" ]'
done <<<"$BANNERS"

# a guest that died before the end: no end-of-run lines are asked for
sed '/^rtdefer-guest: checker state/,$d' "$T/clean" >"$T/console"
scan --checkers "$CHECKERS" "$T/console"
result died-early eval '[ $rc = 0 ] && [ -z "$out" ]'

# PREEMPT_RT: a softirq of rtdefer's left pending into idle is let pass
{
	sed 's/PREEMPT_DYNAMIC/PREEMPT_RT/' "$T/clean"
	echo '[   12.345678] NOHZ tick-stop error: local softirq work is pending, handler #40!!!'
} >"$T/console"
scan --checkers "$CHECKERS" "$T/console"
result nohz-rt eval '[ $rc = 0 ] && [ -z "$out" ]'

# every label the scan knows has a case above
missing=$("$SCAN" --labels | while read -r l; do [ -n "${seen[$l]:-}" ] || echo "$l"; done)
out=$missing rc=-
result coverage eval '[ -z "$missing" ]'

exit $failed
