#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-kernel.sh VMLINUX INITRAMFS OUTDIR [TIMEOUT]
# RTD_CMDLINE: more kernel parameters (e.g. preempt=full). RTD_SMP: vCPUs
# (default 2). RTD_TCG_ICOUNT:
# on TCG, QEMU's -icount with these options (the guest's clock counts
# instructions; the cyclictest benchmark, bench/README.md). TIMEOUT (seconds,
# default 300) is for a stock kernel: a debug kernel gets several times more.
#
# Boot one kernel in QEMU and decide whether its run passed. OUTDIR receives
# console.log (serial 0), ktap.log (serial 1), qemu.log and results: one line
# per leaf test ("ok NAME" / "not ok NAME"), with a last pseudo-test "guest"
# that fails when the run itself went wrong:
#  - no sentinel line at the end of the KTAP (the guest died or hung);
#  - QEMU did not leave through the isa-debug-exit device (on arm64:
#    semihosting) (a panic with -no-reboot exits 0, so the exit code is not
#    trusted on its own);
#  - the timeout killed the guest;
#  - the console shows a WARNING, BUG, Oops, call trace, panic or lockup, a
#    softirq of rtdefer's (HI, TASKLET) left pending into idle ("NOHZ
#    tick-stop error"), or any report of a debug kernel's checkers (lockdep,
#    KASAN, KCSAN, KFENCE, UBSAN, ODEBUG, kmemleak, the debug lists, atomic
#    sleep, hung tasks, workqueue and RCU stalls, lockdep switching itself
#    off); on a debug kernel, also a checker that does not show itself on
#    (tests/vm/console-scan.sh says which, in OUTDIR/console-scan).
# Exit status: 0 when every line of results is "ok".
set -uo pipefail
vmlinux=$1 initrd=$2 out=$3 timeout=${4:-300}
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
rm -f "$out"/{console.log,ktap.log,qemu.log,results,boot-modules.cpio.gz,initrd.cpio.gz}

# The kernel's architecture: an arm64 Image carries "ARM\x64" at offset 56
# (scripts/fetch-kernels.sh unpacks an arm64 kernel as its Image), anything
# else is an x86 kernel.
arch=x86_64
[ "$(od -An -tx1 -j56 -N4 "$vmlinux" | tr -d ' ')" = 41524d64 ] && arch=arm64

console=ttyS0
[ $arch = arm64 ] && console=ttyAMA0
CMDLINE="console=$console panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1
hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs=60 slub_debug=FZPU
rtdefer_guest=1"
# arm64: pseudo-NMI where the kernel has it (the NMI tests need it; a
# kernel without CONFIG_ARM64_PSEUDO_NMI ignores the parameter)
[ $arch = arm64 ] && CMDLINE="$CMDLINE irqchip.gicv3_pseudo_nmi=1"

# A debug kernel (scripts/build-debug-kernel.sh) names its checkers in a file
# beside its vmlinux; the console must show each of them on. kmemleak is off
# unless booted with kmemleak=on: the guest scans once at the end.
# The same guest runs several times longer there (KASAN, lockdep and
# kmemleak under TCG: the suite's guest took 72-93 s on the stock kernels
# and 184-296 s on the debug ones only to reach its fifth program of nine),
# so the timeout given is multiplied by RTD_DEBUG_TIMEOUT_FACTOR (default 3)
# on a debug kernel, and so is each test's own timeout (the guest's /init
# reads rtd_guest.timeout_factor=).
checkers=
if [ -f "$(dirname "$vmlinux")/checkers" ]; then
	checkers=$(cat "$(dirname "$vmlinux")/checkers")
	case " $checkers " in
	*" kmemleak "*) CMDLINE="$CMDLINE kmemleak=on" ;;
	esac
	timeout=$((timeout * ${RTD_DEBUG_TIMEOUT_FACTOR:-3}))
	CMDLINE="$CMDLINE rtd_guest.timeout_factor=${RTD_DEBUG_TIMEOUT_FACTOR:-3}"
fi
CMDLINE="$CMDLINE ${RTD_CMDLINE:-}"

qemu() { # qemu TIMEOUT ACCEL EXTRA-CMDLINE CONSOLE KTAP [QEMU-ARG...]
	if [ $arch = arm64 ]; then
		qemu_arm64 "$@"
		return
	fi
	timeout -k 10 "$1" qemu-system-x86_64 -accel "$2" -cpu max -m 1024 -smp "${RTD_SMP:-2}" \
		-nodefaults -display none -monitor none -no-reboot \
		-kernel "$vmlinux" -initrd "$initrd" \
		-append "$(echo $CMDLINE) $3" \
		-serial "file:$4" -serial "file:$5" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "${@:6}"
}

# arm64: the virt machine with a GICv3 (pseudo-NMI needs one), the console
# on its PL011, the KTAP on a virtio console (virt has one UART only), and
# semihosting for /init's exit code (tests/vm/rtd-exit.c). -cpu max with
# QEMU's own pointer-authentication algorithm: the architected one (QARMA)
# costs much time under TCG.
qemu_arm64() {
	timeout -k 10 "$1" qemu-system-aarch64 -M virt,gic-version=3 -accel "$2" \
		-cpu max,pauth-impdef=on -m 1024 -smp "${RTD_SMP:-2}" \
		-nodefaults -display none -monitor none -no-reboot \
		-kernel "$vmlinux" -initrd "$initrd" \
		-append "$(echo $CMDLINE) $3" \
		-serial "file:$4" \
		-device virtio-serial-pci -chardev "file,id=ktap,path=$5" \
		-device virtconsole,chardev=ktap \
		-semihosting-config enable=on,target=native,userspace=on "${@:6}"
}

# KVM only where a short boot proves it works (it hangs on some hosts).
pick_accel() {
	local probe=$out/kvm-probe
	if [ -n "${RTD_ACCEL:-}" ]; then
		echo "$RTD_ACCEL"
		return
	fi
	if [ $arch = x86_64 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
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

# arm64: a kernel that builds the virtio console (the KTAP's port) or
# virtio-pci as modules (6.1) gets them from its own package, loaded by
# /init first (tests/vm/boot-modules.sh), in an archive appended to the
# initramfs
if [ $arch = arm64 ]; then
	kroot=$(dirname "$vmlinux")
	"$top/tests/vm/boot-modules.sh" "$kroot" "$(basename "$kroot")" "$out/boot-modules.cpio.gz" \
		virtio_pci virtio_console || exit 1
	if [ -f "$out/boot-modules.cpio.gz" ]; then
		cat "$initrd" "$out/boot-modules.cpio.gz" >"$out/initrd.cpio.gz"
		initrd=$out/initrd.cpio.gz
	fi
fi

accel=$(pick_accel)
icount=()
case $accel in
tcg*) [ -z "${RTD_TCG_ICOUNT:-}" ] || icount=(-icount "$RTD_TCG_ICOUNT") ;;
esac
echo "accel: $accel${icount[*]:+ ${icount[*]}}" >"$out/qemu.log"
start=$(date +%s)
qemu "$timeout" "$accel" "" "$out/console.log" "$out/ktap.log" "${icount[@]}" \
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
# The console's verdict (tests/vm/console-scan.sh): every report, and on a
# debug kernel every checker's proof of life; all of it in console-scan.
"$top/tests/vm/console-scan.sh" ${checkers:+--checkers "$checkers"} "$out/console.log" \
	>"$out/console-scan"
bad=$(head -1 "$out/console-scan")
[ -z "$bad" ] || why="$why console:$(echo "$bad" | cut -c1-140)"
[ "$(wc -l <"$out/console-scan")" -le 1 ] ||
	why="$why (and $(($(wc -l <"$out/console-scan") - 1)) more in console-scan)"

if [ -z "$why" ]; then
	echo "ok guest" >>"$out/results"
else
	echo "not ok guest #$why" >>"$out/results"
fi
! grep -q '^not ok' "$out/results"
