#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh [KERNEL]: boot a stock kernel of the matrix (default 6.12) in QEMU
# with rtdefer loaded and show its threads, knobs, statistics and, when the
# benchmark module is built, a short latency comparison. Nothing is loaded
# into this machine's kernel.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
id=$("$RTD_TOP/scripts/resolve-kernels.sh" "${1:-6.12}") || exit 1
out=$RTD_TOP/build/demo/$id
kb=$RTD_TOP/build/k/$(rtd_id_dir "$id")

"$RTD_TOP/scripts/fetch-kernels.sh" "$id"
"$RTD_TOP/tests/build-kernel.sh" "$id" "$kb"
extra=()
if [ -x "$RTD_TOP/bench/build.sh" ] && "$RTD_TOP/bench/build.sh" "$id" "$kb" >/dev/null 2>&1; then
	extra=("$kb"/bench/*.ko)
fi
mkdir -p "$out"
RTD_DEMO_SCRIPT=$RTD_TOP/tests/vm/demo-guest.sh "$RTD_TOP/tests/vm/mkinitramfs.sh" \
	"$out/initramfs.cpio.gz" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")" \
	"$kb"/rtdefer/rtdefer.ko "$kb"/test-module/*.ko "${extra[@]}" --
"$RTD_TOP/tests/vm/run-kernel.sh" "$(rtd_kroot "$id")/vmlinux" \
	"$out/initramfs.cpio.gz" "$out" 300 || true
# the demo's own lines, without the kernel's messages
sed -n '/^== rtdefer on/,/^== unloaded cleanly/p' "$out/console.log" | grep -v '^\[ *[0-9.]*\]'
grep -q '^== unloaded cleanly' "$out/console.log" ||
	rtd_die "the demo did not finish: see $out/console.log"
