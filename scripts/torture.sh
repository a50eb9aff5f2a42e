#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# torture.sh: make torture [KERNELS="6.1 7.3"] [DURATION=600] [LOADS=200]
#             [CPUS=4]
#
# Long torture runs (tests/torture/): for each kernel, build rtdefer and the
# torture modules (tests/build-kernel.sh), boot it once and run rtd_torture
# for DURATION seconds on CPUS vCPUs under CPU hotplug (every CPU but the
# boot CPU in turn), knob, statistics and tracepoint changes and a consumer
# loaded in a loop, then LOADS load/unload rounds of rtdefer. Writes
# build/torture/KERNEL/ (console, KTAP, results) and build/torture/results.md,
# a table per kernel: items per queue, cancels, lost, duplicates, hotplug
# events, duration, verdict. RTD_JOBS kernels at a time (default 1).
# torture.sh --table only rewrites the table from the runs already there;
# --publish also publishes it as below.
# A run of every default kernel also replaces tests/torture/results/ (the
# table and each kernel's KTAP log): the committed results are this
# script's output, with the commit it ran and whether the tree was clean.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
# by default the x86 entries of make check's default matrix
KERNELS=$("$RTD_TOP/scripts/resolve-kernels.sh" ${KERNELS:---arch x86_64}) || exit 1
DURATION=${DURATION:-600}
LOADS=${LOADS:-200}
CPUS=${CPUS:-4}
JOBS=${RTD_JOBS:-1}
OUT=$RTD_TOP/build/torture

one() {
	local id=$1 kb out=$OUT/$1
	kb=$OUT/k/$(rtd_id_dir "$1")
	rm -rf "$out"
	mkdir -p "$out"
	echo "$JOBS" >"$out/jobs"
	if ! "$RTD_TOP/tests/build-kernel.sh" "$id" "$kb" 2>"$out/build.err"; then
		echo "not ok build" >"$out/results"
		return
	fi
	rtd_log "$id: torture, ${DURATION}s and $LOADS loads"
	RTD_SMP=$CPUS "$RTD_TOP/tests/torture/run.sh" "$id" "$kb" "$out" "$DURATION" "$LOADS" \
		>"$out/run.log" 2>&1
}

# table KERNEL...: one row per kernel and queue, from the guests' KTAP
table() {
	local id kver
	echo "# rtd_torture results"
	echo
	echo "Run $(run_date "$@") by \`make torture\`: $(run_field duration "$@") s of torture per kernel"
	echo "($(run_field cpus "$@") vCPUs, QEMU TCG, $(run_values jobs p "$@") guests at a time on $(nproc) host CPUs),"
	echo "then $(run_values ktap.log 's/^ *# memory after \([0-9]*\) loads.*/\1/p' "$@") load/unload rounds of rtdefer."
	echo "Code: $(rtd_code_line)."
	echo "Chaos: $(run_field chaos "$@") operations per 100 producer rounds (rtd_torture's"
	echo "\`chaos\` parameter); the share of the queueings cancels took back is in"
	echo "parentheses."
	echo "Columns: the torture's own accounting (tests/torture/rtt_acct.c);"
	echo "\"bad\" sums duplicates, wrong context, wrong CPU, overtaken order,"
	echo "contradicted API results and runs concurrent with themselves."
	echo
	echo "| kernel | queue | queued | ran | cancelled | dropped at task exit | refused | lost | bad | verdict |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
	for id in "$@"; do
		kver=$(rtd_kernel_field "$id" kver)
		awk -v k="$kver" '$1 == "#" && $3 == "queued" {
				sub(/:$/, "", $2)
				bad = $16 + $18 + $20 + $22 + $24 + $26
				ok = ($4 == $6 + $8 + $10 && $14 == 0 && bad == 0) ? "pass" : "**FAIL**"
				printf "| %s | %s | %d | %d | %d (%.2f %%) | %d | %d | %d | %d | %s |\n", k, $2, $4, $6, $8, $4 ? 100 * $8 / $4 : 0, $10, $12, $14, bad, ok
			}' "$OUT/$id/ktap.log" 2>/dev/null
	done
	echo
	echo "| kernel | guests at a time | CPU time | hotplug offlines | consumer loads | memory after loads | WARN/lockup/oops | tests | verdict |"
	echo "|---|---:|---|---:|---:|---|---|---|---|"
	for id in "$@"; do
		local k=$OUT/$id/ktap.log r=$OUT/$id/results p f hp cl mem warn cpu
		p=$(grep -c '^ok ' "$r" 2>/dev/null)
		f=$(grep -c '^not ok ' "$r" 2>/dev/null)
		hp=$(sed -n 's/.*# hotplug: \([0-9]*\) offlines.*/\1/p' "$k" 2>/dev/null)
		cl=$(sed -n 's/.*consumer loads: \([0-9]*\).*/\1/p' "$k" 2>/dev/null)
		mem=$(sed -n 's/.*# memory after \([0-9]*\) loads: \(.*\) kB over.*/\2 kB/p' "$k" 2>/dev/null)
		cpu=$(sed -n 's/.*# cpu time: //p' "$k" 2>/dev/null)
		warn=none
		grep -q 'not ok guest' "$r" 2>/dev/null && warn=$(grep 'not ok guest' "$r")
		printf '| %s | %s | %s | %s | %s | %s | %s | %s passed, %s failed | %s |\n' \
			"$(rtd_kernel_field "$id" kver)" "$(run_values jobs p "$id")" \
			"${cpu:-?}" "${hp:-?}" "${cl:-?}" "${mem:-?}" "$warn" \
			"${p:-0}" "${f:-0}" "$([ "${f:-1}" = 0 ] && [ "${p:-0}" -gt 0 ] && echo pass || echo '**FAIL**')"
	done
}

# run_date KERNEL...: when the last of the kernels' runs ended
run_date() {
	local id f newest=
	for id in "$@"; do
		f=$OUT/$id/ktap.log
		[ -f "$f" ] && { [ -z "$newest" ] || [ "$f" -nt "$newest" ]; } && newest=$f
	done
	date -u ${newest:+-r "$newest"} '+%Y-%m-%d %H:%M UTC'
}

# run_values FILE SED KERNEL...: what SED prints of each run's FILE, each
# value once
run_values() {
	local f=$1 e=$2 id
	shift 2
	for id in "$@"; do
		sed -n "$e" "$OUT/$id/$f" 2>/dev/null
	done | sort -u | paste -sd/ | grep . || echo "?"
}

# run_field FIELD KERNEL...: a number of the runs' stats lines (duration,
# cpus, chaos)
run_field() {
	local f=$1
	shift
	run_values ktap.log "s/^ *# stats:.* $f \([0-9]*\).*/\1/p" "$@"
}

# publish KERNEL...: a run of every default x86 kernel but the preemption
# variants becomes the committed result
publish() {
	local dir=$RTD_TOP/tests/torture/results id
	[ "$*" = "$("$RTD_TOP/scripts/resolve-kernels.sh" --arch x86_64 2>/dev/null | tr ' ' '\n' |
		grep -v + | xargs)" ] || return 0
	rm -f "$dir"/*.ktap
	for id in "$@"; do
		cp "$OUT/$id/ktap.log" "$dir/$id.ktap" 2>/dev/null
	done
	cp "$OUT/results.md" "$dir/results.md"
}

if [ "${1:-}" = --table ] || [ "${1:-}" = --publish ]; then	# from the runs in build/torture
	table $KERNELS >"$OUT/results.md"
	[ "$1" = --table ] || publish $KERNELS
	cat "$OUT/results.md"
	exit 0
fi
mkdir -p "$OUT"
"$RTD_TOP/scripts/fetch-kernels.sh" $KERNELS || rtd_die "fetching kernels failed"
for id in $KERNELS; do
	rtd_wait_slot "$JOBS"
	one "$id" &
done
wait
table $KERNELS >"$OUT/results.md"
publish $KERNELS
cat "$OUT/results.md"
fails=$(cat "$OUT"/*/results 2>/dev/null | grep -c '^not ok')
passes=$(cat "$OUT"/*/results 2>/dev/null | grep -c '^ok ')
echo "$passes passed, $fails failed"
[ "$fails" = 0 ] && [ "$passes" -gt 0 ]
