#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh: make bench. Boot every kernel of the matrix (one after another,
# BOOTS times each) with the benchmark only, then write build/bench/
# results.csv, report.md and plots/ (bench/report.sh).
#
# KERNELS="6.1 7.3" for a subset; BOOTS (default 3) boots per kernel (the
# report gives the median of the per-boot ratios, their range and the worst
# boot, which decides a goal); RTD_BENCH_PARAMS for
# other rtd_bench module parameters; RTD_BENCH_TIMEOUT per guest (s).
# The boots of kernels not in KERNELS that an earlier run left in
# build/bench/runs are kept and go into the report too, so the matrix can be
# run one kernel at a time (rm -rf build/bench to start afresh).
# Nothing is loaded into this machine's kernel: everything runs in QEMU.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

OUT=$RTD_TOP/build/bench
# by default the x86 entries of make check's default matrix
KERNELS=$("$RTD_TOP/scripts/resolve-kernels.sh" ${KERNELS:---arch x86_64}) || exit 1
BOOTS=${BOOTS:-3}
TIMEOUT=${RTD_BENCH_TIMEOUT:-1500}
DEPS="qemu-system-x86 busybox-static cpio gnuplot-nox debootstrap dwarves zstd
xz-utils file gcc-12 make libelf-dev libssl-dev bc kmod perl"

# cyclic_boot ID KB DIR: goal G5's own boot (scripts/bench-boot.sh cyclic)
# into DIR/cyclic, "ok" there when it passed; its figures join DIR's
# results.csv. RTD_CYCLIC_ROUNDS=0 leaves it out.
cyclic_boot() {
	[ "${RTD_CYCLIC_ROUNDS:-}" != 0 ] || return 0
	rtd_log "$1: cyclictest boot"
	if "$RTD_TOP/scripts/bench-boot.sh" "$1" "$2" "$3/cyclic" cyclic "$TIMEOUT"; then
		touch "$3/cyclic/ok"
		tail -n +2 "$3/cyclic/results.csv" >>"$3/results.csv"
	else
		grep '^not ok' "$3/cyclic/results" | sed "s|^|  $1 cyclictest: |" >&2
		return 1
	fi
}

# bench_kernel ID: build, then boot BOOTS times; a boot that passed gets "ok".
bench_kernel() {
	local id=$1 kb b dir failed=0
	kb=$OUT/k/$(rtd_id_dir "$1")
	rtd_log "$id: building"
	"$RTD_TOP/tests/build-kernel.sh" "$id" "$kb" 2>"$OUT/$id.build.err" ||
		{ cat "$OUT/$id.build.err" >&2; return 1; }
	for b in $(seq 1 "$BOOTS"); do
		dir=$OUT/runs/$id/boot$(printf %02d "$b")
		rm -rf "$dir"
		mkdir -p "$dir"
		rtd_code_line >"$dir/code"
		rtd_log "$id: boot $b of $BOOTS"
		if "$RTD_TOP/scripts/bench-boot.sh" "$id" "$kb" "$dir" full "$TIMEOUT"; then
			touch "$dir/ok"
			cyclic_boot "$id" "$kb" "$dir" || failed=1
		else
			grep '^not ok' "$dir/results" | sed "s|^|  $id boot $b: |" >&2
			failed=1
		fi
	done
	return $failed
}

main() {
	local id failed=0
	mkdir -p "$OUT"
	rtd_install_packages "$OUT/apt-install.log" $DEPS
	"$RTD_TOP/scripts/fetch-kernels.sh" $KERNELS || rtd_die "fetching kernels failed"
	for id in $KERNELS; do
		rm -rf "$OUT/runs/$id"
	done
	for id in $KERNELS; do
		bench_kernel "$id" || failed=1
	done
	"$RTD_TOP/bench/report.sh" "$OUT" || failed=1
	rtd_log "report: $OUT/report.md"
	exit $failed
}

main "$@"
