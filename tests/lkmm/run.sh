#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [NAME...]: the litmus tests of tests/lkmm/ (all, or those named)
# under herd7 with the Linux-kernel memory model. Prints one "ok NAME" /
# "not ok NAME # why" line per test (tests/check.sh records them as
# lkmm:NAME) and a "# NAME: ..." line with what herd7 said; exit 1 if any
# failed.
#
# A test passes when herd7 says its "exists" outcome is Never, and when
# every weakened variant of it says Sometimes: a line tagged
#     CODE /* weaken[G]: OTHER */
# reads OTHER in variant G (OTHER may be empty: the line is dropped), so
# each variant takes away the ordering the test relies on, and proves that
# the test can fail. A test needs at least one tag. herd7 must not flag a
# data race in a test either (LKMM's "Flag data-race").
#
# herd7 comes from Debian's herdtools7 in a minimal chroot (scripts/chroot.sh
# forky-herd: no older suite has the package), the model (tools/memory-model:
# *.cat, *.bell, *.def, *.cfg) from the newest linux-source-N.M of
# trixie-backports, the matrix's newest series. Both are cached under
# $RTD_CACHE; the first run takes about a minute or two, later ones seconds.
# RTD_LKMM_OUT sets where the variants and herd7's log go (build/lkmm).
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

HERE=$RTD_TOP/tests/lkmm
OUT=${RTD_LKMM_OUT:-$RTD_TOP/build/lkmm}
MODEL=$RTD_CACHE/lkmm-model
SUITE=trixie-backports
FILES="linux-kernel.bell linux-kernel.cat linux-kernel.cfg linux-kernel.def lock.cat"

# source_spec: PKG=VER of the newest linux-source-N.M in $SUITE.
source_spec() {
	local names pkg p v ver=''
	names=$(rtd_apt_cache pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$') ||
		rtd_die "no linux-source package in the archive index"
	# madison: "PKG | VERSION | URI SUITE/COMPONENT ARCH Packages"
	# shellcheck disable=SC2086
	rtd_apt_cache madison $names 2>/dev/null |
		awk -F' *[|] *' -v s="$SUITE/" 'index($3, " " s) { print $1, $2 }' >"$OUT/sources"
	[ -s "$OUT/sources" ] || rtd_die "no linux-source-N.M in $SUITE"
	pkg=$(cut -d' ' -f1 "$OUT/sources" | sort -V | tail -1)
	while read -r p v; do
		[ "$p" = "$pkg" ] || continue
		if [ -z "$ver" ] || dpkg --compare-versions "$v" gt "$ver"; then
			ver=$v
		fi
	done <"$OUT/sources"
	printf '%s=%s\n' "$pkg" "$ver"
}

# model: the model files of the newest source into $MODEL (once per
# version). A debug kernel built from that very package
# (scripts/build-debug-kernel.sh) has them unpacked already; otherwise they
# come out of the cached .deb.
model() {
	local spec series tree d root deb f members
	rtd_apt_setup
	spec=$(source_spec)
	[ "$(cat "$MODEL/.complete" 2>/dev/null)" = "$spec" ] && return 0
	series=${spec%%=*}
	series=${series#linux-source-}
	rm -rf "$MODEL.partial"
	mkdir -p "$MODEL.partial"
	tree=
	for d in "$RTD_CACHE"/debug-kernels/*/usr/src/linux-headers-*/tools/memory-model; do
		root=${d%%/usr/src/*}
		if [ -f "$root/.complete" ] && [ "$(cat "$root/source" 2>/dev/null)" = "$spec" ]; then
			tree=$d
			break
		fi
	done
	if [ -n "$tree" ]; then
		rtd_log "model files of $spec from the debug kernel tree ${root##*/}"
		for f in $FILES; do
			cp "$tree/$f" "$MODEL.partial/"
		done
	else
		deb=$(rtd_fetch_deb "$spec")
		rtd_log "unpacking the model files of $spec (about 20 seconds)"
		members=()
		for f in $FILES; do
			members+=("linux-source-$series/tools/memory-model/$f")
		done
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$series.tar.xz" |
			tar -xJ -C "$MODEL.partial" --strip-components=3 "${members[@]}"
	fi
	for f in $FILES; do
		[ -s "$MODEL.partial/$f" ] || rtd_die "$spec has no tools/memory-model/$f"
	done
	printf '%s\n' "$spec" >"$MODEL.partial/.complete"
	rm -rf "$MODEL"
	mv "$MODEL.partial" "$MODEL"
}

# groups FILE: the weaken[G] tags of a test, one per line (in code: a
# comment that starts with the tag; the header may name them in prose).
groups() {
	grep -o '/\* weaken\[[A-Za-z0-9]*\]:' "$1" | sed 's/^.*\[\(.*\)\]:$/\1/' | sort -u
}

# weaken FILE NAME G: variant G of a test on stdout, its name NAME+weak-G.
weaken() {
	sed -E -e "1s/^C +$2\$/C $2+weak-$3/" \
		-e "s#^([[:space:]]*)[^[:space:]].*/\\* weaken\\[$3\\]: ?(.*[^ ])? *\\*/[[:space:]]*\$#\\1\\2#" "$1"
}

# observation NAME: what herd7 said of test NAME (Never, Sometimes, ...).
observation() {
	awk -v n="$1" '$1 == "Observation" && $2 == n { print $3; exit }' "$OUT/herd.log"
}

# complaint NAME: herd7's warning about the file of test NAME, if any.
complaint() {
	grep -F "/$1.litmus\"" "$OUT/herd.log" | head -1 | sed 's/^.*\.litmus", //'
}

# race NAME: whether herd7 flagged a data race in test NAME.
race() {
	awk -v n="$1" '$1 == "Test" { t = $2 } t == n && /^Flag data-race/ { f = 1 }
		END { exit !f }' "$OUT/herd.log"
}

main() {
	local tests=() t name g obs why detail failed=0 files=()
	mkdir -p "$OUT"
	rm -f "$OUT"/*.litmus "$OUT/herd.log"
	if [ $# -gt 0 ]; then
		for name in "$@"; do
			tests+=("$HERE/$name.litmus")
		done
	else
		tests=("$HERE"/*.litmus)
	fi
	"$RTD_TOP/scripts/chroot.sh" forky-herd
	model
	for t in "${tests[@]}"; do
		[ -f "$t" ] || rtd_die "no test $t"
		name=$(basename "$t" .litmus)
		head -1 "$t" | grep -qx "C $name" || rtd_die "$t: the first line must be 'C $name'"
		cp "$t" "$OUT/$name.litmus"
		files+=("$OUT/$name.litmus")
		for g in $(groups "$t"); do
			weaken "$t" "$name" "$g" >"$OUT/$name+weak-$g.litmus"
			files+=("$OUT/$name+weak-$g.litmus")
		done
	done
	# herd7 in the chroot, from the model's directory (chroot.sh binds the
	# working directory and the source tree, build/ included)
	(cd "$MODEL" && timeout 600 "$RTD_TOP/scripts/chroot.sh" forky-herd run \
		herd7 -conf linux-kernel.cfg "${files[@]}") >"$OUT/herd.log" 2>&1 ||
		{ tail -20 "$OUT/herd.log" >&2; rtd_die "herd7 failed (log: $OUT/herd.log)"; }
	for t in "${tests[@]}"; do
		name=$(basename "$t" .litmus)
		obs=$(observation "$name")
		why=
		[ -n "$obs" ] || obs="nothing ($(complaint "$name"))"
		detail="$name: $obs"
		[ "$obs" = Never ] || why="herd7 says $obs, expected Never"
		! race "$name" || why="${why:+$why; }herd7 flags a data race"
		# (a test that fails as it is needs no proof that it can)
		[ -n "$why" ] || [ -n "$(groups "$t")" ] || why="no weaken[] tag: not proven able to fail"
		for g in $(groups "$t"); do
			obs=$(observation "$name+weak-$g")
			[ -n "$obs" ] || obs="nothing ($(complaint "$name+weak-$g"))"
			detail="$detail, weaken[$g]: $obs"
			case $obs in
			Sometimes | Always) ;;
			*) why="${why:+$why; }weaken[$g] says $obs, expected Sometimes" ;;
			esac
		done
		echo "# $detail"
		if [ -z "$why" ]; then
			echo "ok $name"
		else
			echo "not ok $name # $why"
			failed=1
		fi
	done
	return $failed
}

main "$@"
