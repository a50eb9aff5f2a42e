#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-kernel.sh VMLINUX INITRAMFS OUTDIR [TIMEOUT]
# RTD_CMDLINE: more kernel parameters (e.g. preempt=full).
#
# Boot one kernel in QEMU and decide whether its run passed. OUTDIR receives
# console.log (serial 0), ktap.log (serial 1), qemu.log and results: one line
# per leaf test ("ok NAME" / "not ok NAME"), with a last pseudo-test "guest"
# that fails when the run itself went wrong:
#  - no sentinel line at the end of the KTAP (the guest died or hung);
#  - QEMU did not leave through the isa-debug-exit device (a panic with
#    -no-reboot exits 0, so the exit code is not trusted on its own);
#  - the timeout killed the guest;
#  - the console shows a WARNING, BUG, Oops, call trace, panic or lockup, or
#    a softirq of rtdefer's (HI, TASKLET) left pending into idle ("NOHZ
#    tick-stop error", see nohz_bad below); on debug
#    kernels also a UBSAN report, lockdep switching itself off (one report
#    can blind the rest) or a kmemleak suspect (KASAN's reports say BUG:,
#    lockdep's, ODEBUG's and the debug lists' WARNING:).
# Exit status: 0 when every line of results is "ok".
set -uo pipefail
vmlinux=$1 initrd=$2 out=$3 timeout=${4:-300}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
rm -f "$out"/{console.log,ktap.log,qemu.log,results}

CMDLINE="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1
hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs=60 slub_debug=FZPU
rtdefer_guest=1 ${RTD_CMDLINE:-}"

qemu() { # qemu TIMEOUT ACCEL EXTRA-CMDLINE CONSOLE KTAP
	timeout -k 10 "$1" qemu-system-x86_64 -accel "$2" -cpu max -m 1024 -smp 2 \
		-nodefaults -display none -monitor none -no-reboot \
		-kernel "$vmlinux" -initrd "$initrd" \
		-append "$(echo $CMDLINE) $3" \
		-serial "file:$4" -serial "file:$5" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
}

# KVM only where a short boot proves it works (it hangs on some hosts).
pick_accel() {
	local probe=$out/kvm-probe
	if [ -n "${RTD_ACCEL:-}" ]; then
		echo "$RTD_ACCEL"
		return
	fi
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		qemu 20 kvm rtdefer_probe=1 "$probe.console" /dev/null \
			>"$probe.log" 2>&1
		if [ $? = 33 ]; then
			echo kvm
			return
		fi
	fi
	# Single-threaded TCG: with thread=multi, a vCPU sometimes runs stale
	# translated code across the kernel's int3-based text patching
	# (static keys) and the guest oopses in "int3" during boot (seen on
	# 6.12); one host thread for all vCPUs removes that race.
	echo tcg,thread=single
}

accel=$(pick_accel)
echo "accel: $accel" >"$out/qemu.log"
start=$(date +%s)
qemu "$timeout" "$accel" "" "$out/console.log" "$out/ktap.log" \
	>>"$out/qemu.log" 2>&1
rc=$?
echo "exit: $rc after $(($(date +%s) - start)) s" >>"$out/qemu.log"

"$top/tests/vm/ktap-results.sh" "$out/ktap.log" >"$out/results"

why=
grep -q '^# rtdefer-guest: done' "$out/ktap.log" 2>/dev/null || why="$why no-sentinel"
case $rc in
33) ;;
124 | 137) why="$why timeout(${timeout}s)" ;;
*) why="$why qemu-exit-$rc" ;;
esac
# Scan the console; the command line itself names panic_on_warn etc.
# "Oops" is case-sensitive ("loops_per_jiffy"); panic and lockup are not.
bad=$(grep -n -v -e 'Command line:' -e 'command line:' "$out/console.log" 2>/dev/null |
	grep -E 'WARNING:|BUG:|Oops|Call Trace|[Pp][Aa][Nn][Ii][Cc]|[Ll][Oo][Cc][Kk][Uu][Pp]|UBSAN:|turning off the locking correctness validator|kmemleak: .* new suspected' | head -5)
[ -z "$bad" ] || why="$why console:$(echo "$bad" | head -1 | tr -s ' ' | cut -c1-120)"

# "NOHZ tick-stop error: ... pending, handler #XX": a softirq left pending
# into idle. It counts when XX (the pending mask) holds HI_SOFTIRQ (0x01) or
# TASKLET_SOFTIRQ (0x40), the only softirqs rtdefer raises (its BH pools).
# Others are the kernel's own: 5.10 reports TIMER_SOFTIRQ (#02) now and then
# while a CPU goes down, rtdefer loaded or not.
nohz_bad() {
	local line mask
	grep -o 'NOHZ tick-stop error.*handler #[0-9a-fA-F]*' "$out/console.log" 2>/dev/null |
		while read -r line; do
			mask=${line##*#}
			if [ $((16#$mask & 0x41)) != 0 ]; then
				echo "$line"
				break
			fi
		done
}
# Named exception, on PREEMPT_RT only: there softirqs raised on a CPU just
# before it starts going down are left to its ksoftirqd, which smpboot may
# park before it runs them; they stay pending into idle (the kernel prints
# the message) until the CPU dies and rtdefer adopts the pools' work. Seen
# once on 7.3-rt after the pools stopped raising on CPUs going down.
if grep -m1 'Linux version' "$out/console.log" 2>/dev/null | grep -q 'PREEMPT_RT'; then
	nohz=
else
	nohz=$(nohz_bad)
fi
[ -z "$nohz" ] || why="$why console:$(echo "$nohz" | cut -c1-120)"

if [ -z "$why" ]; then
	echo "ok guest" >>"$out/results"
else
	echo "not ok guest #$why" >>"$out/results"
fi
! grep -q '^not ok' "$out/results"
