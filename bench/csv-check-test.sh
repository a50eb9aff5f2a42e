#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# csv-check-test.sh: bench/csv-check.awk accepts a well-formed CSV and
# rejects every kind of malformed line (make check runs this before the
# benchmark's smoke run trusts the checker). Prints TAP; exit 1 on failure.
# AWK="busybox awk" runs it with the awk of the guest.
here=$(cd "$(dirname "$0")" && pwd)
K=6.1.0-56-amd64
n=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'rtd_irq_work task\n' >"$tmp/mechs.ok"

good="kernel,mechanism,scenario,metric,value
$K,rtd_irq_work,task,samples,20
$K,rtd_irq_work,task,lat_p50_ns,12345
$K,rtd_bh,storm,cost_growth_1e6_over_1e3,1.042
$K,rtd_timer,idle,idle_wakeups_per_s,0.00
$K,rtd_irq_work,storm,stats_cost_ns,-3.5
$K,rtd_irq_work,storm,stats_off_ns,1712"

expect() { # expect 0|1 NAME [AWK-ARGS...]: check $tmp/in.csv
	want=$1 name=$2
	shift 2
	${AWK:-awk} "$@" -f "$here/csv-check.awk" "$tmp/in.csv" >"$tmp/out" 2>&1
	got=$?
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name # exit $got, want $want"
		sed 's/^/# /' "$tmp/out"
		failed=1
	fi
}

csv() { printf '%s\n' "$@" >"$tmp/in.csv"; }

bad() { # bad NAME LINE: the good CSV plus LINE must be rejected
	csv "$good" "$2"
	expect 1 "rejects $1"
}

echo "1..17"
csv "$good"
expect 0 "accepts a well-formed CSV"
expect 0 "accepts the guest's kernel" -v kernel=$K
expect 1 "rejects another kernel" -v kernel=7.2.12+deb13-amd64
bad "four fields" "$K,rtd_bh,task,12"
bad "six fields" "$K,rtd_bh,task,lat_p50_ns,12,3"
bad "an unknown mechanism" "$K,rtd_bh_lowpri,task,lat_p50_ns,12"
bad "an unknown scenario" "$K,rtd_bh,sleepy,lat_p50_ns,12"
bad "an unknown metric" "$K,rtd_bh,task,lat_p42_ns,12"
bad "a negative value" "$K,rtd_bh,task,lat_p50_ns,-12"
bad "a negative stats_off_ns" "$K,rtd_bh,storm,stats_off_ns,-12"
bad "a malformed stats_cost_ns" "$K,rtd_bh,storm,stats_cost_ns,--1"
bad "a non-numeric value" "$K,rtd_bh,task,lat_p50_ns,12us"
bad "a duplicate figure" "$K,rtd_irq_work,task,lat_p50_ns,1"
csv kernel,mechanism,scenario,metric,value
expect 1 "rejects an empty CSV"
printf 'rtd_irq_work task\nrtd_bh task\n' >"$tmp/mechs"
csv "$good"
expect 0 "accepts mechanisms with samples" -v mechanisms="$tmp/mechs.ok"
expect 1 "rejects a mechanism without samples" -v mechanisms="$tmp/mechs"
printf 'rtd_irq_work task\nrtd_timer idle\n' >"$tmp/mechs"
expect 1 "rejects rtd_timer without stats_cost_ns" -v mechanisms="$tmp/mechs"
exit $failed
