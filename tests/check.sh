#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh: rtdefer's test command (make check).
#
# Installs missing Debian packages, fetches the kernel matrix, runs the static
# checks (checkpatch --strict; a W=1 -Werror build per kernel), boots every
# kernel in QEMU with the modules and test programs, and prints a per-kernel
# table and a last line "N passed, N failed[, N skipped]". Exits non-zero on
# any failure or any kernel that did not report. Also: rtdefer installed
# through DKMS per kernel and loaded with modprobe in the guest, the sample
# consumer built against it (tests/dkms-kernel.sh), the Debian package and its
# maintainer scripts (tests/package-check.sh), the API docs (make docs), a
# benchmark smoke run and a short torture run (tests/torture/) per kernel,
# and the litmus tests of the ordering promises (tests/lkmm/, herd7).
#
# The matrix is what scripts/resolve-kernels.sh makes of scripts/kernels.conf
# and scripts/kernels.lock today (one line per kernel says which packages).
# KERNELS="6.1 7.3+full" runs a subset (KERNELS=canary the experimental one); RTD_TIMEOUT sets the per-guest timeout,
# RTD_JOBS how many kernels are built and booted at once (default: CPUs).
# ARCH=arm64 (make check ARCH=arm64) runs every arm64 entry.
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
# ARCH means the matrix's architecture here; never let it reach a kbuild
# (tests/build-kernel.sh gives each build its own)
RTD_ARCH=${ARCH:-}
unset ARCH

T0=$(date +%s)
BUILD=$RTD_TOP/build
RESULTS=$BUILD/results
KERNELS=${KERNELS:-}
TIMEOUT=${RTD_TIMEOUT:-300}
JOBS=${RTD_JOBS:-$(nproc)}
KSRC=$RTD_CACHE/ksrc
SUMMARY=$RESULTS/summary.tsv

# The machine's packages this needs (Debian bookworm names).
DEPS="qemu-system-x86 busybox-static cpio dwarves debootstrap zstd xz-utils
rsync file gcc-12 make libelf-dev libssl-dev bc kmod perl"

# DKMS and Debian packaging, installed without their Recommends (dkms would
# bring the headers of some kernel along).
PKG_DEPS="dkms dh-dkms debhelper lintian dpkg-dev build-essential"

# install_deps PACKAGES [APT-GET-OPTION...]
install_deps() {
	local missing p
	missing=$(for p in $1; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
	done)
	shift
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || rtd_die "missing packages (install as root): $missing"
	rtd_log "installing: $(echo $missing)"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" $missing; } \
		>"$BUILD/apt-install.log" 2>&1 ||
		{ tail -20 "$BUILD/apt-install.log" >&2; rtd_die "apt-get install failed"; }
}

# record KERNEL TEST RESULT [DETAIL]
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$SUMMARY"; }

# record_results KERNEL FILE: record lines "ok NAME", "skip NAME",
# "not ok NAME [# DETAIL]" (the guest's results, the test scripts' output).
# record_results KERNEL FILE [PREFIX]: PREFIX (e.g. "bench:") goes before
# every test name.
record_results() {
	local line p=${3:-}
	while read -r line; do
		case $line in
		"ok "*) record "$1" "$p${line#ok }" ok ;;
		"skip "*) record "$1" "$p${line#skip }" skip ;;
		"not ok "*"#"*) line=${line#not ok }; record "$1" "$p${line%% #*}" "not ok" "${line#*#}" ;;
		"not ok "*) record "$1" "$p${line#not ok }" "not ok" ;;
		esac
	done <"$2"
	grep '^not ok' "$2" | sed "s/^/  $1: $p/" >&2
}

checkpatch() {
	local log=$RESULTS/checkpatch.log files
	files=$(cd "$RTD_TOP" && git ls-files --cached --others --exclude-standard -- 'src/*.[ch]' 'include/*.h' 'tests/module/*.[ch]' \
		'tests/selftests/*.[ch]' 'samples/*.c' 'bench/*.c' 'tests/torture/*.[ch]' 2>/dev/null)
	[ -n "$files" ] || files=$(cd "$RTD_TOP" && find src include tests/module tests/selftests -name '*.[ch]')
	if (cd "$RTD_TOP" && perl "$KSRC/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types -f $files) >"$log" 2>&1; then
		record - checkpatch ok
	else
		grep -E 'ERROR|WARNING|CHECK' "$log" | head -20 >&2
		record - checkpatch "not ok" "see $log"
	fi
}

# Every export and every kernel-doc comment must parse cleanly.
kerneldoc() {
	local log=$RESULTS/kernel-doc.log
	(cd "$RTD_TOP" && perl "$KSRC/scripts/kernel-doc" -none src/*.c include/rtdefer/*.h) >"$log" 2>&1
	if [ -s "$log" ] || ! missing_docs >>"$log"; then
		cat "$log" >&2
		record - kernel-doc "not ok" "see $log"
	else
		record - kernel-doc ok
	fi
}

# Each export needs a doc comment: kernel-doc "name() -" for a function,
# " * name - " for a variable.
missing_docs() {
	local sym ok=0
	for sym in $(cd "$RTD_TOP" && sed -n 's/^EXPORT_SYMBOL_RTDEFER(\(.*\));/\1/p' src/*.c); do
		if ! grep -q "^ \* $sym\(()\)\? - " "$RTD_TOP"/src/*.c "$RTD_TOP"/include/rtdefer/*.h; then
			echo "export without kernel-doc: $sym"
			ok=1
		fi
	done
	return $ok
}

# selftests_dir ARCH: where build_selftests puts the guest programs of ARCH.
selftests_dir() {
	if [ "$1" = arm64 ]; then
		echo "$BUILD/selftests-arm64"
	else
		echo "$BUILD/selftests"
	fi
}

# build_selftests: the static guest programs, for each architecture of the
# run (arm64 ones cross-compiled; their results are "build:arm64:NAME").
build_selftests() {
	local arch out src ok=1 p
	for arch in $(for id in $KERNELS; do rtd_kernel_arch "$id"; done | sort -u); do
		out=$(selftests_dir "$arch")
		p=
		[ "$arch" = arm64 ] && p=arm64:
		rm -rf "$out"
		mkdir -p "$out"
		for src in "$RTD_TOP"/tests/selftests/*.c; do
			if rtd_guest_cc "$arch" -Wno-unused-parameter \
				-I"$RTD_TOP/tests/selftests" -I"$KSRC/tools/testing/selftests" \
				-o "$out/$(basename "$src" .c)" "$src" >>"$RESULTS/selftests-build.log" 2>&1; then
				record - "build:$p$(basename "$src" .c)" ok
			else
				ok=0
				record - "build:$p$(basename "$src" .c)" "not ok"
			fi
		done
	done
	[ $ok = 1 ] || cat "$RESULTS/selftests-build.log" >&2
}

# The guest programs that need DKMS's install and kmod's tools in the
# guest: an arm64 guest has neither (tests/dkms-kernel.sh and the guest's
# kmod are x86 only), so they are reported skipped there.
DKMS_GUEST_PROGRAMS="rtd_dkms rtd_sample"

# guest_programs ID OUT: the test programs entry ID's guest runs; the ones
# it cannot run are recorded as skipped, with the reason.
guest_programs() {
	local id=$1 arch f
	arch=$(rtd_kernel_arch "$id")
	for f in "$(selftests_dir "$arch")"/*; do
		if [ "$arch" = arm64 ] && [[ " $DKMS_GUEST_PROGRAMS " = *" ${f##*/} "* ]]; then
			record "$id" "${f##*/}" skip "arm64: no DKMS install and no kmod in the guest"
			continue
		fi
		echo "$f"
	done
}

# prepare_kernel ID KB OUT: build rtdefer and the test modules for entry ID
# into KB, install it through DKMS, make the guest's initramfs; KB.ready
# says "ok" or "failed" to the variants that boot the same build.
prepare_kernel() {
	local id=$1 kb=$2 out=$3 version roots progs
	rm -f "$kb.ready"
	if "$RTD_TOP/tests/build-kernel.sh" "$id" "$kb" 2>"$out/build.err"; then
		record "$id" build ok
	else
		cat "$out/build.err" >&2
		record "$id" build "not ok"
		echo failed >"$kb.ready"
		return 1
	fi
	# DKMS's install becomes the guest's /lib/modules, with this
	# machine's kmod; on arm64 DKMS is checked by building only
	dkms_kernel "$id" "$kb" "$out"
	roots=()
	if [ "$(rtd_kernel_arch "$id")" = x86_64 ]; then
		roots=(--root "$BUILD/kmod-root")
		[ -f "$kb/dkms/root/lib/modules/$(rtd_kernel_field "$id" kver)/modules.dep" ] &&
			roots+=(--root "$kb/dkms/root")
	fi
	mapfile -t progs < <(guest_programs "$id")
	version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
	if ! "$RTD_TOP/tests/vm/mkinitramfs.sh" "${roots[@]}" "$kb/initramfs.cpio.gz" "$version" \
		"$kb"/rtdefer/rtdefer.ko "$kb"/test-module/*.ko -- "${progs[@]}"; then
		record "$id" initramfs "not ok"
		echo failed >"$kb.ready"
		return 1
	fi
	echo ok >"$kb.ready"
}

run_kernel() {
	local id=$1 kb out=$RESULTS/$1
	kb=$BUILD/k/$(rtd_id_dir "$1")
	rm -rf "$out"
	mkdir -p "$out"
	prepare_kernel "$id" "$kb" "$out" || return
	rtd_log "$id: booting $(rtd_kernel_field "$id" kver)$(checkers "$id")"
	"$RTD_TOP/tests/vm/run-kernel.sh" "$(rtd_kroot "$id")/vmlinux" \
		"$kb/initramfs.cpio.gz" "$out" "$TIMEOUT"
	record_results "$id" "$out/results"
	# a benchmark says nothing on a sanitizer kernel; its format check
	# runs on every stock kernel
	is_debug "$id" || bench_smoke "$id"
	torture_short "$id" "$kb"
}

# is_debug ID: the entry boots a debug kernel (scripts/build-debug-kernel.sh
# wrote which checkers it has).
is_debug() { [ -f "$(rtd_kroot "$1")/checkers" ]; }

# run_variant ID: a preemption-model variant boots its series' build (made
# by that entry's run_kernel when it is in the run, else here) with
# preempt=MODEL; the console must show that the model took effect.
run_variant() {
	local id=$1 base model kb out=$RESULTS/$1
	base=$(rtd_kernel_field "$id" base)
	model=$(rtd_kernel_field "$id" preempt)
	rm -rf "$out"
	mkdir -p "$out"
	case " $KERNELS " in
	*" $base "*)
		kb=$BUILD/k/$(rtd_id_dir "$base")
		wait_ready "$kb"
		[ "$(cat "$kb.ready")" = ok ] ||
			{ record "$id" build "not ok" "$base was not built"; return; }
		;;
	*)
		kb=$BUILD/k/$(rtd_id_dir "$id")
		prepare_kernel "$id" "$kb" "$out" || return
		;;
	esac
	rtd_log "$id: booting $(rtd_kernel_field "$id" kver) with preempt=$model$(checkers "$id")"
	RTD_CMDLINE=$(rtd_preempt_arg "$id") "$RTD_TOP/tests/vm/run-kernel.sh" \
		"$(rtd_kroot "$id")/vmlinux" "$kb/initramfs.cpio.gz" "$out" "$TIMEOUT"
	record_results "$id" "$out/results"
	if grep -q "Dynamic Preempt: $model" "$out/console.log"; then
		record "$id" "preempt=$model" ok
	else
		record "$id" "preempt=$model" "not ok" "the console does not say 'Dynamic Preempt: $model'"
	fi
	# a debug kernel's entry is a variant (booted preempt=full): it runs
	# the short torture too
	is_debug "$id" && torture_short "$id" "$kb"
	return 0
}

# checkers ID: ", checkers: ..." for a debug kernel (what its build turned on).
checkers() {
	local f
	f=$(rtd_kroot "$1")/checkers
	[ -f "$f" ] && printf ', checkers: %s' "$(cat "$f")"
	return 0
}

# wait_ready KB: until the run_kernel that builds into KB says how it went
# (a host-side wait for another job; nothing in a guest depends on it).
wait_ready() {
	while [ ! -s "$1.ready" ]; do
		sleep 2
	done
}

# --- short torture (tests/torture/, issue 8) ---
# One more guest per kernel: rtd_torture for RTD_TORTURE_SECS (30 s) under
# hotplug, knob changes and a consumer loaded in a loop, then 200
# load/unload rounds of rtdefer. make torture runs the long ones. A debug
# kernel runs about ten times slower (KASAN, lockdep): it gets
# RTD_TORTURE_DEBUG_SECS (120 s) and 50 rounds, for a comparable number
# of CPU hotplug operations.
torture_short() {
	local id=$1 kb=$2 out=$RESULTS/$1/torture secs=${RTD_TORTURE_SECS:-30} loads=200
	if is_debug "$id"; then
		secs=${RTD_TORTURE_DEBUG_SECS:-120}
		loads=50
	fi
	"$RTD_TOP/tests/torture/run.sh" "$id" "$kb" "$out" "$secs" "$loads" >"$out.log" 2>&1
	[ -f "$out/results" ] || { record "$id" torture:boot "not ok" "see $out.log"; return; }
	record_results "$id" "$out/results" torture:
}
# --- end of the short torture ---

# --- benchmark smoke run (bench/, issue 7) ---
# The checker must reject malformed CSV before its verdicts are trusted.
bench_csv_check() {
	if "$RTD_TOP/bench/csv-check-test.sh" >"$RESULTS/bench-csv-check.log" 2>&1; then
		record - bench-csv-check ok
	else
		grep '^not ok' "$RESULTS/bench-csv-check.log" >&2
		record - bench-csv-check "not ok" "see $RESULTS/bench-csv-check.log"
	fi
}

# One short extra guest per kernel: the benchmark with tiny counts. It
# asserts the CSV's format and that every mechanism produced samples,
# never timing.
bench_smoke() {
	local id=$1 out=$RESULTS/$1/bench
	"$RTD_TOP/scripts/bench-boot.sh" "$id" "$BUILD/k/$(rtd_id_dir "$id")" "$out" smoke 240 \
		>"$out.log" 2>&1
	[ -f "$out/results" ] || { record "$id" bench:boot "not ok" "see $out.log"; return; }
	record_results "$id" "$out/results" bench:
}
# --- end of the benchmark smoke run ---

# release ID: the kernel an entry booted, and how.
release() {
	local kver model
	kver=$(rtd_kernel_field "$1" kver 2>/dev/null) || { echo '?'; return; }
	model=$(rtd_kernel_field "$1" preempt)
	[ "$model" = - ] && echo "$kver" || echo "$kver preempt=$model"
}

report() {
	local id p f s
	printf '\n%-13s %-40s %7s %7s %7s\n' kernel release passed failed skipped
	for id in - $KERNELS; do
		p=$(awk -F'\t' -v k="$id" '$1 == k && $3 == "ok"' "$SUMMARY" | wc -l)
		f=$(awk -F'\t' -v k="$id" '$1 == k && $3 == "not ok"' "$SUMMARY" | wc -l)
		s=$(awk -F'\t' -v k="$id" '$1 == k && $3 == "skip"' "$SUMMARY" | wc -l)
		if [ "$id" = - ]; then
			printf '%-13s %-40s %7d %7d %7d\n' static "checkpatch, kernel-doc, ..." "$p" "$f" "$s"
		else
			printf '%-13s %-40s %7d %7d %7d\n' "$id" "$(release "$id")" "$p" "$f" "$s"
		fi
	done
	awk -F'\t' '$3 == "not ok" { printf "FAILED %s %s %s\n", $1, $2, $4 }' "$SUMMARY"
	printf 'wall time: %d s\n' $(($(date +%s) - T0))
	p=$(awk -F'\t' '$3 == "ok"' "$SUMMARY" | wc -l)
	f=$(awk -F'\t' '$3 == "not ok"' "$SUMMARY" | wc -l)
	s=$(awk -F'\t' '$3 == "skip"' "$SUMMARY" | wc -l)
	if [ "$s" -gt 0 ]; then
		printf '%d passed, %d failed, %d skipped\n' "$p" "$f" "$s"
	else
		printf '%d passed, %d failed\n' "$p" "$f"
	fi
	[ "$f" = 0 ] && [ "$p" -gt 0 ]
}

# --- the kernel matrix itself ---

# The resolver against a fake archive (tests/resolver-test.sh, no network).
resolver_test() {
	local log=$RESULTS/resolver-test.log
	"$RTD_TOP/tests/resolver-test.sh" >"$log" 2>&1
	record_results - "$log" resolver:
	grep -q '^ok ' "$log" || record - resolver "not ok" "see $log"
}

# The console scan against fake consoles, one sample per report it knows
# (tests/console-scan-test.sh, no guest).
console_scan_test() {
	local log=$RESULTS/console-scan-test.log
	"$RTD_TOP/tests/console-scan-test.sh" >"$log" 2>&1
	record_results - "$log" console-scan:
	grep -q '^ok ' "$log" || record - console-scan "not ok" "see $log"
}

# The ordering promises against the Linux-kernel memory model: herd7 on the
# litmus tests of tests/lkmm/ (its chroot and the model are cached; seconds).
lkmm_test() {
	local log=$RESULTS/lkmm.log
	"$RTD_TOP/tests/lkmm/run.sh" >"$log" 2>&1
	record_results - "$log" lkmm:
	grep -q '^ok ' "$log" || record - lkmm "not ok" "see $log"
}

# The README's table of tested kernels is the lock's.
kernel_table_check() {
	if "$RTD_TOP/scripts/resolve-kernels.sh" --table |
		cmp -s - <(sed -n '/^<!-- kernel-table:begin/,/^<!-- kernel-table:end/{//!p}' "$RTD_TOP/README.md"); then
		record - readme:kernel-table ok
	else
		record - readme:kernel-table "not ok" "README's kernel table is not the lock's: make kernels-update"
	fi
}

# --- DKMS, the Debian package and the API docs ---

# dkms_kernel ID KB OUT: rtdefer through DKMS for kernel ID into KB/dkms
# (tests/dkms-kernel.sh), whose root becomes the guest's /lib/modules.
dkms_kernel() {
	"$RTD_TOP/tests/dkms-kernel.sh" "$1" "$2/dkms" >"$3/dkms.results" 2>"$3/dkms.err"
	[ -s "$3/dkms.results" ] || echo "not ok dkms # see $3/dkms.err" >"$3/dkms.results"
	record_results "$1" "$3/dkms.results"
}

# What the DKMS and package tests share, made before anything runs in
# parallel: kmod for the guests, and the chroots (created once, cached).
dkms_prepare() {
	local id
	"$RTD_TOP/tests/vm/kmod-root.sh" "$BUILD/kmod-root" || record - kmod-root "not ok"
	"$RTD_TOP/scripts/chroot.sh" bookworm-dkms || record - chroot:bookworm-dkms "not ok"
	for id in $KERNELS; do
		[ "$(rtd_kernel_field "$id" build)" = trixie ] || continue
		if [ "$(rtd_kernel_arch "$id")" = arm64 ]; then
			echo trixie-dkms-arm64
		else
			echo trixie-dkms
		fi
	done | sort -u | while read -r id; do
		"$RTD_TOP/scripts/chroot.sh" "$id" || record - "chroot:$id" "not ok"
	done
}

# package_checks: tests/package-check.sh, its chroot part with the headers of
# 6.1 (Debian 12's own kernel) or else the first host-built kernel of the run,
# its arm64 part with the first arm64 kernel of the run, if any.
package_checks() {
	local id kid=- aid=
	for id in 6.1 $KERNELS; do
		case " $KERNELS " in *" $id "*) ;; *) continue ;; esac
		if [ "$(rtd_kernel_field "$id" build)" = host ] &&
			[ "$(rtd_kernel_arch "$id")" = x86_64 ]; then
			kid=$id
			break
		fi
	done
	for id in $KERNELS; do
		[ "$(rtd_kernel_arch "$id")" = arm64 ] && { aid=$id; break; }
	done
	[ "$kid" = - ] && [ -z "$aid" ] && kid=
	"$RTD_TOP/tests/package-check.sh" "$BUILD/package" $kid $aid \
		>"$RESULTS/package.results" 2>"$RESULTS/package.err"
	[ -s "$RESULTS/package.results" ] ||
		echo "not ok package # see $RESULTS/package.err" >"$RESULTS/package.results"
	record_results - "$RESULTS/package.results"
}

# Every relative link and anchor of the README and docs/ resolves.
doc_links() {
	local log=$RESULTS/doc-links.log
	"$RTD_TOP/tests/doc-links.sh" >"$log" 2>&1
	record_results - "$log"
	grep -q '^ok doc-links' "$log" || grep -q '^not ok' "$log" ||
		record - doc-links "not ok" "see $log"
}

# Every export and public macro is called by a guest test's code, and
# docs/coverage.md (which says by which) is current.
api_coverage() {
	local log=$RESULTS/api-coverage.log
	if "$RTD_TOP/tests/api-coverage.pl" --check >"$log" 2>&1; then
		record - api-coverage ok
	else
		record - api-coverage "not ok" "$(head -3 "$log" | tr '\n' ' ')"
	fi
	if "$RTD_TOP/tests/api-coverage.pl" 2>>"$log" | cmp -s - "$RTD_TOP/docs/coverage.md"; then
		record - api-coverage:current ok
	else
		record - api-coverage:current "not ok" "docs/coverage.md is stale: run make docs"
	fi
}

# The API reference builds without a warning, and docs/api.md is current.
docs_check() {
	local log=$RESULTS/docs.log
	if "$RTD_TOP/scripts/mkdocs.sh" "$BUILD/docs/api.md" 2>"$log"; then
		record - docs ok
		if cmp -s "$BUILD/docs/api.md" "$RTD_TOP/docs/api.md"; then
			record - docs:current ok
		else
			record - docs:current "not ok" "docs/api.md is stale: run make docs"
		fi
	else
		cat "$log" >&2
		record - docs "not ok" "see $log"
	fi
}

# order_entries: the run's entries in the order they start: debug kernels,
# then series, then the other variants.
order_entries() {
	local id
	for id in $KERNELS; do
		is_debug "$id" && echo "$id"
	done
	for id in $KERNELS; do
		is_debug "$id" || [ "$(rtd_kernel_field "$id" preempt)" != - ] || echo "$id"
	done
	for id in $KERNELS; do
		is_debug "$id" || [ "$(rtd_kernel_field "$id" preempt)" = - ] || echo "$id"
	done
}

main() {
	local id
	mkdir -p "$RESULTS"
	: >"$SUMMARY"
	install_deps "$DEPS"
	install_deps "$PKG_DEPS" --no-install-recommends
	resolver_test
	console_scan_test
	lkmm_test
	# names, series keys or nothing (the default entries, or with ARCH
	# every entry of that architecture) in, entries out
	if ! KERNELS=$("$RTD_TOP/scripts/resolve-kernels.sh" ${RTD_ARCH:+--arch "$RTD_ARCH"} $KERNELS); then
		record - resolve "not ok"
		report
		exit 1
	fi
	kernel_table_check
	for id in $KERNELS; do
		if [ "$(rtd_kernel_arch "$id")" = arm64 ]; then
			install_deps "$RTD_ARM64_DEPS"
			break
		fi
	done
	if ! "$RTD_TOP/scripts/fetch-kernels.sh" $KERNELS; then
		record - fetch "not ok"
		report
		exit 1
	fi
	checkpatch
	kerneldoc
	docs_check
	api_coverage
	doc_links
	bench_csv_check
	build_selftests
	dkms_prepare
	# one guest per host CPU at a time: each TCG guest uses one host thread;
	# the package checks take a slot too
	package_checks &
	# debug kernels first (the longest guests), then the series: a variant
	# waits for its series' build
	for id in $(order_entries); do
		rtd_wait_slot "$JOBS"
		if [ "$(rtd_kernel_field "$id" preempt)" = - ]; then
			run_kernel "$id" &
		else
			run_variant "$id" &
		fi
	done
	wait
	for id in $KERNELS; do
		# a kernel that reported nothing at all is a failure too
		grep -q "^$id	" "$SUMMARY" || record "$id" report "not ok" "no results"
	done
	report
}

main "$@"
