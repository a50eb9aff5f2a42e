#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# console-scan.sh [--checkers "WORD..."] CONSOLE: the verdict of a guest's
# console log (tests/vm/run-kernel.sh). Prints one line per problem and
# exits 1 when there is any:
#   LABEL: LINE          a console line that reports a problem: the first
#                        row of REPORTS below that matches it names it
#   missing LABEL: WHAT  --checkers names a checker (the words of a debug
#                        kernel's "checkers" file, scripts/build-debug-kernel.sh)
#                        whose proof of life (BANNERS below) is not there
# console-scan.sh --labels: every LABEL it knows, one per line (nohz for the
# softirq check below); tests/console-scan-test.sh has a sample of each.
set -uo pipefail
checkers= labels=0
case ${1:-} in
--checkers) checkers=$2; shift 2 ;;
--labels) labels=1; shift ;;
esac
[ $# = 1 ] || [ $labels = 1 ] || { echo "usage: $0 [--checkers WORDS] CONSOLE | --labels" >&2; exit 2; }
console=${1:-}

# REPORTS: LABEL<tab>extended regular expression, most specific first (a
# line counts once, under the first row it matches). The checkers' own
# headers come before the generic WARNING:/BUG: ones, so that each is named
# and a report still counts if its header is cut or mangled by other output.
REPORTS='lockdep-circular	possible circular locking dependency
lockdep-recursive	possible recursive locking
lockdep-inconsistent	inconsistent lock state
lockdep-irq-inversion	possible irq lock inversion dependency
lockdep-irq-order	-safe -> [A-Z_-]+-unsafe lock order
lockdep-rcu	suspicious RCU usage
lockdep-wait-context	Invalid wait context
lockdep-unlock-balance	bad unlock balance
lockdep-held-freed	held lock freed
lockdep-held	still has locks held|lock held when returning to user space|Nested lock was not taken
lockdep-off	turning off the locking correctness validator|lockdep is turned off|debug_locks off
lockdep-other	bad contention detected|chain_key collision
lockdep	WARNING:(.*[^A-Za-z])?[Ll]ock
kasan	BUG: KASAN:
kcsan	BUG: KCSAN:
kfence	BUG: KFENCE:
atomic-sleep	BUG: sleeping function called from invalid context|BUG: scheduling while atomic
debug-preempt	BUG: using [^ ]+ in preemptible
odebug	ODEBUG:|debug_objects: on, .*warnings [1-9]
debug-list	list_[a-z_]+ corruption
slub	BUG [^ :]+ \([^)]*\): 
ubsan	UBSAN:
kmemleak	kmemleak: [0-9]+ new suspected|kmemleak: unreferenced object|kmemleak: off
wq-lockup	BUG: workqueue lockup
hung-task	blocked for more than [0-9]+ seconds
rcu-stall	detected stalls? on CPU|rcu_[a-z]+ kthread starved
softlockup	soft lockup
hardlockup	hard LOCKUP
warning	WARNING:
bug	BUG:
oops	Oops
call-trace	Call Trace
panic	[Pp][Aa][Nn][Ii][Cc]
lockup	[Ll][Oo][Cc][Kk][Uu][Pp]'

# Lines that match a row above and are fine: the kernel command line
# (panic_on_warn, ...), debugobjects' selftest.
BENIGN='[Cc]ommand line:|ODEBUG: selftest passed'

# BANNERS: CHECKER<tab>LABEL<tab>extended regular expression of the line that
# shows the checker on. The guest's /init prints the "rtdefer-guest:" lines at
# the end of the run (tests/vm/init, checker_state): lockdep still on then,
# debugobjects on at boot (it prints no banner of its own), kmemleak's scan.
# They are looked for only when the guest got there ("rtdefer-guest: checker
# state"): a guest that died earlier fails for that already.
BANNERS='lockdep	lockdep-banner	Lock dependency validator: Copyright
lockdep	lockdep-at-end	rtdefer-guest: lockdep: debug_locks on
prove-rcu	prove-rcu-banner	RCU lockdep checking is enabled
kasan	kasan-banner	KernelAddressSanitizer initialized
kcsan	kcsan-banner	kcsan: enabled early
kfence	kfence-banner	kfence: initialized
debug-objects	debug-objects-on	rtdefer-guest: debug_objects: on
kmemleak	kmemleak-scan	rtdefer-guest: kmemleak: scanned'

if [ $labels = 1 ]; then
	printf '%s\n' "$REPORTS" | cut -f1
	echo nohz
	printf '%s\n' "$BANNERS" | cut -f2 | sed 's/^/missing /'
	exit 0
fi

bad=0
[ -f "$console" ] || { echo "missing console: $console"; exit 1; }

# reports: every problem line (the first 50), labelled
all=$(printf '%s\n' "$REPORTS" | cut -f2 | paste -sd'|')
while IFS= read -r line; do
	while IFS=$'\t' read -r label re; do
		if [[ $line =~ $re ]]; then
			printf '%s: %s\n' "$label" "${line:0:160}"
			bad=1
			break
		fi
	done <<<"$REPORTS"
done < <(grep -a -E -e "$all" "$console" | grep -a -v -E -e "$BENIGN" | head -50)

# "NOHZ tick-stop error: ... pending, handler #XX": a softirq left pending
# into idle. It counts when XX (the pending mask) holds HI_SOFTIRQ (0x01) or
# TASKLET_SOFTIRQ (0x40), the only softirqs rtdefer raises (its BH pools).
# Others are the kernel's own: 5.10 reports TIMER_SOFTIRQ (#02) now and then
# while a CPU goes down, rtdefer loaded or not.
# Named exception, on PREEMPT_RT only: there softirqs raised on a CPU just
# before it starts going down are left to its ksoftirqd, which smpboot may
# park before it runs them; they stay pending into idle (the kernel prints
# the message) until the CPU dies and rtdefer adopts the pools' work. Seen
# once on 7.3-rt after the pools stopped raising on CPUs going down.
if ! grep -a -m1 'Linux version' "$console" | grep -q 'PREEMPT_RT'; then
	while read -r line; do
		mask=${line##*#}
		if [ $((16#$mask & 0x41)) != 0 ]; then
			printf 'nohz: %s\n' "${line:0:160}"
			bad=1
			break
		fi
	done < <(grep -a -o 'NOHZ tick-stop error.*handler #[0-9a-fA-F]*' "$console")
fi

# banners of the checkers the kernel has
at_end=0
grep -a -q '^rtdefer-guest: checker state' "$console" && at_end=1
for c in $checkers; do
	while IFS=$'\t' read -r name label re; do
		[ "$name" = "$c" ] || continue
		[ $at_end = 1 ] || [ "${re#rtdefer-guest: }" = "$re" ] || continue
		if ! grep -a -q -E -e "$re" "$console"; then
			printf 'missing %s: %s\n' "$label" "$re"
			bad=1
		fi
	done <<<"$BANNERS"
done
exit $bad
