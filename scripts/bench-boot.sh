#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-boot.sh ID KB OUTDIR MODE [TIMEOUT]
#
# Boot kernel ID of the matrix once with the benchmark and nothing else:
# KB is where tests/build-kernel.sh built rtdefer and rtd_bench for it, MODE
# "full" (counts from $RTD_BENCH_PARAMS, default below) or "smoke" (tiny
# counts: checks the CSV, not timing). The guest runs bench/guest/rtd_bench
# only. OUTDIR receives what tests/vm/run-kernel.sh writes (console.log,
# ktap.log, results) plus results.csv and quantiles.csv. Exit status: 0 when
# the guest ran cleanly and its checks passed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
id=$1 kb=$2 out=$3 mode=$4 timeout=${5:-900}

FULL_PARAMS="samples=5000 load_samples=2000 storm_small=1000 storm_large=1000000 storm_rounds=10"
SMOKE_PARAMS="samples=20 load_samples=20 storm_small=50 storm_large=400 storm_rounds=2 pool=64"

case $mode in
full) params=${RTD_BENCH_PARAMS:-$FULL_PARAMS} idle_secs=${RTD_BENCH_IDLE_SECS:-5} ;;
smoke) params=$SMOKE_PARAMS idle_secs=1 ;;
*) rtd_die "mode must be full or smoke" ;;
esac

mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The hog and the checker ride in a second cpio archive appended to the
# one tests/vm/mkinitramfs.sh builds (the kernel unpacks both).
mkdir -p "$stage/rtd/bench"
rtd_guest_cc "$(rtd_kernel_arch "$id")" -I"$RTD_TOP/tests/selftests" \
	-o "$stage/rtd/bench/rtd_hog" "$RTD_TOP/bench/guest/rtd_hog.c" ||
	rtd_die "cannot build rtd_hog"
cp "$RTD_TOP/bench/csv-check.awk" "$stage/rtd/bench/"
printf 'PARAMS="%s"\nIDLE_SECS=%s\n' "$params" "$idle_secs" >"$stage/rtd/bench/bench.conf"
echo "$params" >"$out/params"
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
"$RTD_TOP/tests/vm/mkinitramfs.sh" "$stage/base.cpio.gz" "$version" \
	"$kb/rtdefer/rtdefer.ko" "$kb/bench/rtd_bench.ko" -- \
	"$RTD_TOP/bench/guest/rtd_bench" || rtd_die "initramfs failed"
(cd "$stage" && find rtd | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 >"$stage/bench.cpio.gz"
cat "$stage/base.cpio.gz" "$stage/bench.cpio.gz" >"$out/initramfs.cpio.gz"

RTD_CMDLINE=$(rtd_preempt_arg "$id") "$RTD_TOP/tests/vm/run-kernel.sh" \
	"$(rtd_kroot "$id")/vmlinux" "$out/initramfs.cpio.gz" "$out" "$timeout"
rc=$?
{
	echo kernel,mechanism,scenario,metric,value
	sed -n 's/^ *# csv: //p' "$out/ktap.log"
} >"$out/results.csv"
{
	echo kernel,mechanism,scenario,q,ns
	sed -n 's/^ *# q: //p' "$out/ktap.log"
} >"$out/quantiles.csv"
exit $rc
