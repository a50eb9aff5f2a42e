#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel-smoke.sh KDIR OUTDIR: check a kernel that
# scripts/build-debug-kernel.sh made (KDIR is the directory it printed):
#  1. rtdefer and the test modules build against
#     KDIR/usr/src/linux-headers-KVER with W=1 -Werror and no compiler or
#     modpost warning (inside the trixie-kbuild chroot, from copies of the
#     sources in OUTDIR/rtdefer and OUTDIR/test-module, as
#     tests/build-kernel.sh does);
#  2. KDIR/vmlinux boots in QEMU with an initramfs that runs no test
#     (tests/vm/run-kernel.sh, results in OUTDIR/boot), by default with
#     preempt=full (RTD_CMDLINE overrides);
#  3. it boots again with `make demo`'s guest script (tests/vm/demo-guest.sh:
#     rtdefer and test modules loaded, some work, all unloaded), results in
#     OUTDIR/demo.
# Prints the boot time and what tests/vm/console-scan.sh found on the
# console (checker reports, checkers that did not show themselves on).
# Exit status 0 when all passed.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
[ $# = 2 ] || rtd_die "usage: $0 KDIR OUTDIR"
kdir=$(cd "$1" && pwd) out=$2
[ -f "$kdir/.complete" ] || rtd_die "$kdir: not a complete debug kernel"
kver=$(cat "$kdir/kver")
headers=$kdir/usr/src/linux-headers-$kver
rc=0

rm -rf "$out"
mkdir -p "$out/rtdefer" "$out/test-module" "$out/boot" "$out/demo"
out=$(cd "$out" && pwd)
case $out in
"$RTD_TOP"/*) ;;
*) rtd_die "OUTDIR must be inside $RTD_TOP (the chroot sees only that and KDIR)" ;;
esac
cp -r "$RTD_TOP"/{Kbuild,dkms.conf,include,src} "$out/rtdefer/"
cp "$RTD_TOP"/tests/module/{Kbuild,*.c,*.h} "$out/test-module/"

# The chroot binds its working directory: run make from the headers so that
# they are visible, with the module copy under $RTD_TOP.
kmake() {
	(cd "$headers" && "$RTD_TOP/scripts/chroot.sh" trixie-kbuild run \
		make -C "$headers" CC=gcc-14 W=1 KCFLAGS=-Werror "$@" modules)
}
rtd_log "building rtdefer and the test modules against $kver"
start=$(date +%s)
if { kmake M="$out/rtdefer" &&
	kmake M="$out/test-module" RTD_SRC="$RTD_TOP" RTD_BUILD="$out/rtdefer" \
		KBUILD_EXTRA_SYMBOLS="$out/rtdefer/Module.symvers"; } \
	>"$out/build.log" 2>&1 && rtd_build_log_clean "$out/build.log" >&2; then
	rtd_log "ok: built in $(($(date +%s) - start)) s"
else
	tail -30 "$out/build.log" >&2
	rtd_log "not ok: the modules do not build cleanly (see $out/build.log)"
	rc=1
fi

rtd_log "booting $kdir/vmlinux"
"$RTD_TOP/tests/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" 0 --
RTD_CMDLINE=${RTD_CMDLINE-preempt=full} \
	"$RTD_TOP/tests/vm/run-kernel.sh" "$kdir/vmlinux" "$out/initramfs.cpio.gz" "$out/boot" 300 || rc=1
cat "$out/boot/results" >&2
# wall time of the whole QEMU run, and the kernel's clock when it ran /init
rtd_log "qemu $(grep '^exit:' "$out/boot/qemu.log" || echo 'exit: ?'); $(grep -m1 -o '\[ *[0-9.]*\] Run /init' "$out/boot/console.log" || echo 'no /init')"
if [ -s "$out/boot/console-scan" ]; then
	rtd_log "the console scan at boot (see $out/boot/console.log):"
	head -40 "$out/boot/console-scan" >&2
fi

if [ -f "$out/test-module/rtd_test_iw.ko" ]; then
	rtd_log "booting with the demo: rtdefer and the test modules loaded, worked, unloaded"
	RTD_DEMO_SCRIPT=$RTD_TOP/tests/vm/demo-guest.sh "$RTD_TOP/tests/vm/mkinitramfs.sh" \
		"$out/demo.cpio.gz" "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")" \
		"$out/rtdefer/rtdefer.ko" "$out"/test-module/*.ko --
	RTD_CMDLINE=${RTD_CMDLINE-preempt=full} \
		"$RTD_TOP/tests/vm/run-kernel.sh" "$kdir/vmlinux" "$out/demo.cpio.gz" "$out/demo" 600 || true
	cat "$out/demo/results" >&2
	grep -q '^== unloaded cleanly' "$out/demo/console.log" || { rtd_log "not ok: the demo did not finish"; rc=1; }
	grep -q '^ok guest$' "$out/demo/results" || rc=1
	rtd_log "demo: qemu $(grep '^exit:' "$out/demo/qemu.log" || echo 'exit: ?')"
	if [ -s "$out/demo/console-scan" ]; then
		rtd_log "the console scan in the demo (see $out/demo/console.log):"
		head -60 "$out/demo/console-scan" >&2
	fi
fi
exit $rc
