#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh ID KB OUTDIR DURATION LOADS [TIMEOUT]
#
# Boot kernel ID of the matrix once with rtdefer, rtd_torture and its
# consumer (KB: where tests/build-kernel.sh built them) and run the torture
# guest program (tests/torture/guest.sh) for DURATION seconds, then LOADS
# load/unload rounds of rtdefer. The guest's command line carries
# panic_on_warn, softlockup_panic, hung_task_panic and slub_debug=FZPU
# (tests/vm/run-kernel.sh): any WARN, lockup, hang or slab corruption ends
# the run as a failure. OUTDIR gets console.log, ktap.log and results.
# TORTURE_PARAMS adds module parameters of rtd_torture.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
id=$1 kb=$2 out=$3 duration=$4 loads=$5
timeout=${6:-$((duration + loads * 3 + 240))}

mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/rtd/torture"
# The slack covers what the first rounds leave in per-CPU caches and the
# slab's own noise (up to ~170 kB seen): over 195 measured rounds it catches
# a leak of about 1.3 kB or more per round, not a few bytes.
cat >"$stage/rtd/torture/torture.conf" <<CONF
DURATION=$duration
LOADS=$loads
MEM_SLACK_KB=${RTD_TORTURE_MEM_SLACK_KB:-256}
TORTURE_PARAMS="${TORTURE_PARAMS:-}"
CONF
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
cp "$RTD_TOP/tests/torture/guest.sh" "$stage/rtd_torture"
"$RTD_TOP/tests/vm/mkinitramfs.sh" "$stage/base.cpio.gz" "$version" \
	"$kb/rtdefer/rtdefer.ko" "$kb/torture/rtd_torture.ko" \
	"$kb/torture/rtd_torture_consumer.ko" -- "$stage/rtd_torture" ||
	rtd_die "initramfs failed"
(cd "$stage" && find rtd | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$stage/torture.cpio.gz"
cat "$stage/base.cpio.gz" "$stage/torture.cpio.gz" >"$out/initramfs.cpio.gz"

RTD_CMDLINE=$(rtd_preempt_arg "$id") "$RTD_TOP/tests/vm/run-kernel.sh" \
	"$(rtd_kroot "$id")/vmlinux" "$out/initramfs.cpio.gz" "$out" "$timeout"
rc=$?
# The guest's consumer check reads the kernel's ring, which a long run can
# wrap past an early report; the serial console keeps every line.
fail=$(grep -m1 'rtd_torture_consumer: FAIL' "$out/console.log")
if [ -n "$fail" ]; then
	echo "not ok rtd_torture.consumer.console # ${fail//#/}" >>"$out/results"
	rc=1
else
	echo "ok rtd_torture.consumer.console" >>"$out/results"
fi
exit $rc
