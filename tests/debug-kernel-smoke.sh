#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel-smoke.sh KDIR OUTDIR: check a kernel that
# scripts/build-debug-kernel.sh made (KDIR is the directory it printed):
#  1. rtdefer builds against KDIR/usr/src/linux-headers-KVER with W=1
#     -Werror and no compiler or modpost warning (inside the trixie chroot,
#     from a copy of the sources in OUTDIR/rtdefer, as tests/build-kernel.sh
#     does);
#  2. KDIR/vmlinux boots in QEMU with an initramfs that runs no test
#     (tests/vm/run-kernel.sh, results in OUTDIR/boot), by default with
#     preempt=full (RTD_CMDLINE overrides).
# Prints the boot time and the checker reports the kernel printed by
# itself. Exit status 0 when both passed.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
[ $# = 2 ] || rtd_die "usage: $0 KDIR OUTDIR"
kdir=$(cd "$1" && pwd) out=$2
[ -f "$kdir/.complete" ] || rtd_die "$kdir: not a complete debug kernel"
kver=$(cat "$kdir/kver")
headers=$kdir/usr/src/linux-headers-$kver
rc=0

rm -rf "$out"
mkdir -p "$out/rtdefer" "$out/boot"
out=$(cd "$out" && pwd)
case $out in
"$RTD_TOP"/*) ;;
*) rtd_die "OUTDIR must be inside $RTD_TOP (the chroot sees only that and KDIR)" ;;
esac
cp -r "$RTD_TOP"/{Kbuild,dkms.conf,include,src} "$out/rtdefer/"

# The chroot binds its working directory: run make from the headers so that
# they are visible, with the module copy under $RTD_TOP.
rtd_log "building rtdefer against $kver"
start=$(date +%s)
if (cd "$headers" && "$RTD_TOP/scripts/chroot.sh" trixie-kbuild run \
	make -C "$headers" M="$out/rtdefer" CC=gcc-14 W=1 KCFLAGS=-Werror modules) \
	>"$out/build.log" 2>&1 && rtd_build_log_clean "$out/build.log" >&2; then
	rtd_log "ok: rtdefer.ko built in $(($(date +%s) - start)) s"
else
	tail -30 "$out/build.log" >&2
	rtd_log "not ok: rtdefer does not build cleanly (see $out/build.log)"
	rc=1
fi

rtd_log "booting $kdir/vmlinux"
"$RTD_TOP/tests/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" 0 --
# With no test program, /init runs its unmatched glob "/rtd/tests/*" as one
# (not ok): only the "guest" verdict counts here.
RTD_CMDLINE=${RTD_CMDLINE-preempt=full} \
	"$RTD_TOP/tests/vm/run-kernel.sh" "$kdir/vmlinux" "$out/initramfs.cpio.gz" "$out/boot" 300 || true
grep '^ok guest$' "$out/boot/results" >/dev/null || rc=1
cat "$out/boot/results" >&2
# wall time of the whole QEMU run, and the kernel's clock when it ran /init
rtd_log "qemu $(grep '^exit:' "$out/boot/qemu.log" || echo 'exit: ?'); $(grep -m1 -o '\[ *[0-9.]*\] Run /init' "$out/boot/console.log" || echo 'no /init')"
grep -n -E 'BUG:|WARNING:|KASAN|UBSAN|KCSAN|ODEBUG|kmemleak|lockdep|possible (recursive|circular|irq)|inconsistent lock|suspicious RCU|hung_task|soft lockup|hard LOCKUP|Workqueue:.*stall' \
	"$out/boot/console.log" >"$out/reports" || true
if [ -s "$out/reports" ]; then
	rtd_log "kernel messages about checkers (see $out/reports):"
	head -40 "$out/reports" >&2
fi
exit $rc
