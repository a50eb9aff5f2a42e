#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktap-results.sh KTAP: print one line per leaf test of the guest's KTAP:
# "ok PROGRAM.TEST", "not ok PROGRAM.TEST" or "skip PROGRAM.TEST" (a skipped
# test is never counted as passed). A program whose own results are missing
# or do not explain its failing exit (it crashed, hung or refused) adds a
# failed "PROGRAM.exit"; so does one that never finished (the guest died).
awk '
function flush(prog, r,  i, w, failed) {
	failed = 0
	for (i = 1; i <= n; i++) {
		split(leaf[i], w, " ")
		if (w[1] == "not") failed = 1
		sub(/[^ ]+$/, prog "." w[w[1] == "not" ? 3 : 2], leaf[i])
		print leaf[i]
	}
	if (n == 0 || (r ~ /^not ok/ && !failed)) print "not ok " prog ".exit"
	n = 0
	running = ""
}
function result(  ok, name) {
	ok = ($1 == "ok"); name = ok ? $3 : $4
	# the harness names no test in its skip lines ("ok 7 # SKIP why"):
	# the name is the one its "#  RUN" line gave
	if (name == "#" && run != "") name = run
	# a skip is an "ok" line with the directive; "not ok" stays a failure
	if (ok && $0 ~ /# *[Ss][Kk][Ii][Pp]/) return "skip " name
	return (ok ? "ok " : "not ok ") name
}
/^    #  RUN  / { run = $3; next }
/^    (ok|not ok) [0-9]+ / { sub(/^    /, ""); leaf[++n] = result(); run = ""; next }
/^# running / { running = $3; next }
/^(ok|not ok) [0-9]+ / {
	r = result(); prog = r; sub(/^[a-z ]* /, "", prog)
	flush(prog, r)
}
END { if (running != "") flush(running, "not ok # did not finish") }
' "$1" 2>/dev/null
