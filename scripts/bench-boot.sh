#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-boot.sh ID KB OUTDIR MODE [TIMEOUT]
#
# Boot kernel ID of the matrix once with the benchmark and nothing else:
# KB is where tests/build-kernel.sh built rtdefer and rtd_bench for it, MODE
# "full" (counts from $RTD_BENCH_PARAMS, default below) or "smoke" (tiny
# counts: checks the CSV, not timing) or "cyclic" (goal G5 alone, below).
# The guest runs bench/guest/rtd_bench and/or bench/guest/rtd_cyclic only.
# OUTDIR receives what tests/vm/run-kernel.sh writes (console.log, ktap.log,
# results) plus results.csv, quantiles.csv and cyclic-hist.csv. Exit status: 0 when
# the guest ran cleanly and its checks passed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
id=$1 kb=$2 out=$3 mode=$4 timeout=${5:-900}

FULL_PARAMS="samples=5000 load_samples=2000 storm_small=1000 storm_large=1000000 storm_rounds=10 storm_window=128"
SMOKE_PARAMS="samples=20 load_samples=20 storm_small=50 storm_large=400 storm_rounds=2 pool=64 storm_window=16"

case $mode in
full) params=${RTD_BENCH_PARAMS:-$FULL_PARAMS} idle_secs=${RTD_BENCH_IDLE_SECS:-5} ;;
smoke) params=$SMOKE_PARAMS idle_secs=1 ;;
cyclic) params=$SMOKE_PARAMS idle_secs=1 ;;
*) rtd_die "mode must be full, smoke or cyclic" ;;
esac

# G5 (bench/guest/rtd_cyclic, bench/README.md "cyclictest"): ROUNDS rounds
# of one cyclictest run of SECS seconds per variant. Mode "cyclic" runs it
# alone, on TCG with an instruction-counting clock (-icount, see the
# README; RTD_CYCLIC_ICOUNT=0: the host's clock); "smoke" after rtd_bench,
# one round of one second (the CSV's shape only); "full" leaves it out.
cyc_rounds=0 cyc_secs=0 bench_mod=$kb/bench/rtd_bench.ko bench_prog=$RTD_TOP/bench/guest/rtd_bench
case $mode in
smoke)
	# cyclictest is fetched for amd64 only (bench/cyclic-fetch.sh)
	[ "$(rtd_kernel_arch "$id")" != x86_64 ] || cyc_rounds=1 cyc_secs=1
	;;
cyclic)
	cyc_rounds=${RTD_CYCLIC_ROUNDS:-5} cyc_secs=${RTD_CYCLIC_SECS:-4} bench_mod='' bench_prog=''
	[ "${RTD_CYCLIC_ICOUNT:-1}" = 0 ] || export RTD_TCG_ICOUNT="shift=0,sleep=off"
	;;
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
cyc_mod='' cyc_prog=''
if [ "$cyc_rounds" -gt 0 ]; then
	"$RTD_TOP/bench/cyclic-fetch.sh" "$stage/rtd/cyclic" || rtd_die "cannot fetch cyclictest"
	# on the host's clock (smoke) a busy host delays bottom halves past
	# the next interrupt: there the check is only that they ran
	printf 'ROUNDS=%s\nSECS=%s\nINTERVAL=1000\nHIST_US=20000\nDRV_PARAMS="%s"\nREFUSED_PCT=%s\nHIST_LINES=%s\n' \
		"$cyc_rounds" "$cyc_secs" "period_us=1000 jitter_us=500 work_us=200" \
		"$([ "$mode" = cyclic ] && echo 10 || echo 100)" \
		"$([ "$mode" = cyclic ] && echo 1 || echo 0)" >"$stage/rtd/cyclic/cyclic.conf"
	cyc_mod=$kb/bench/rtd_cyclic.ko cyc_prog=$RTD_TOP/bench/guest/rtd_cyclic
fi
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
# shellcheck disable=SC2086 # empty when left out
"$RTD_TOP/tests/vm/mkinitramfs.sh" "$stage/base.cpio.gz" "$version" \
	"$kb/rtdefer/rtdefer.ko" $bench_mod $cyc_mod -- \
	$bench_prog $cyc_prog || rtd_die "initramfs failed"
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
{
	echo kernel,mechanism,scenario,bucket_us,count
	sed -n 's/^ *# cyc: //p' "$out/ktap.log"
} >"$out/cyclic-hist.csv"
exit $rc
