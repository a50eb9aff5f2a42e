#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# quick.sh ID PROGRAM...: a developer's shortcut, not a substitute for make
# check: build rtdefer and the test modules for one entry of the matrix
# (e.g. 6.12, 7.3+full), boot it once with only the named guest programs
# (tests/selftests/PROGRAM.c, e.g. rtd_timer) and print their results.
# Writes build/quick/ID. Exit status 0 when every result is "ok".
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
[ $# -ge 2 ] || rtd_die "usage: $0 KERNEL PROGRAM..."
id=$("$RTD_TOP/scripts/resolve-kernels.sh" "$1") || exit 1
shift
out=$RTD_TOP/build/quick/$(rtd_id_dir "$id")
kb=$out/k
ksrc=$RTD_CACHE/ksrc
"$RTD_TOP/scripts/fetch-kernels.sh" "$id" || exit 1
"$RTD_TOP/tests/build-kernel.sh" "$id" "$kb" || exit 1
mkdir -p "$out/bin"
progs=()
for p in "$@"; do
	rtd_guest_cc "$(rtd_kernel_arch "$id")" -Wno-unused-parameter \
		-I"$RTD_TOP/tests/selftests" -I"$ksrc/tools/testing/selftests" \
		-o "$out/bin/$p" "$RTD_TOP/tests/selftests/$p.c" || exit 1
	progs+=("$out/bin/$p")
done
"$RTD_TOP/tests/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")" \
	"$kb"/rtdefer/rtdefer.ko "$kb"/test-module/*.ko -- "${progs[@]}" || exit 1
RTD_CMDLINE=$(rtd_preempt_arg "$id") "$RTD_TOP/tests/vm/run-kernel.sh" \
	"$(rtd_kroot "$id")/vmlinux" "$out/initramfs.cpio.gz" "$out/guest" \
	"${RTD_TIMEOUT:-300}"
rc=$?
grep -E '^(not )?ok' "$out/guest/results"
exit $rc
