#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# resolve-kernels.sh [OPTION...] [ID...]: turn the series of
# scripts/kernels.conf into exact packages, and print the matrix entries to
# test (IDs, or the default ones) on one line of standard output.
#
# Per series: the set scripts/kernels.lock records, when the archive still
# holds every package of it (same version, same SHA256); else the newest
# complete set: image, headers, kbuild and the rest of one version, the
# newest version for which all of them exist. One line per entry on
# standard error says which ("6.1: locked 6.1.0-56 gone, testing
# 6.1.0-57-amd64 (6.1.192-3)"). A fallback is not an error; a named series
# the archive holds no complete set of is.
#
# Writes the resolution to $RTD_RESOLVED (build/kernels.resolved), which
# rtd_kernel_field and the scripts read.
#
#   --lists DIR   read the Packages indexes in DIR (an apt lists directory)
#                 instead of refreshing the private apt state: the resolver
#                 test's fake archive
#   --lock FILE   the lock to use (default scripts/kernels.lock)
#   --update      rewrite the lock (and the README's kernel table) from the
#                 newest complete sets: make kernels-update
#   --table       print the README's kernel table for the lock, nothing else
#   --readme      write that table into README.md, between its markers
#   --arch ARCH   with no ID: every entry of ARCH (arm64: the series whose
#                 key starts with "arm64:", optional ones included, not the
#                 canaries; x86_64: the default x86 entries)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LISTS=
LOCK=$RTD_LOCK
UPDATE=0
TABLE=0
ARCH_WANT=
while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCH_WANT=$2; shift 2 ;;
	--lists) LISTS=$2; shift 2 ;;
	--lock) LOCK=$2; shift 2 ;;
	--update) UPDATE=1; shift ;;
	--table) TABLE=1; shift ;;
	--readme) TABLE=2; shift ;;
	-*) rtd_die "unknown option $1" ;;
	*) break ;;
	esac
done
WANT="$*"
INDEX=$(mktemp)
trap 'rm -f "$INDEX" "$INDEX".*' EXIT

# series_lines: the series of the configuration, one per line.
series_lines() { awk '!/^#/ && NF && $1 != "variant"' "$RTD_CONF"; }

# build_index: "suite package version sha256" for every linux-* package of
# every Packages index in the lists directory; a package built for arm64 is
# named PACKAGE:arm64 (amd64 and architecture-independent ones by their
# name alone), as kernels.conf names them.
build_index() {
	local f suite
	for f in "$LISTS"/*_Packages*; do
		[ -f "$f" ] || continue
		suite=${f##*_dists_}
		suite=${suite%%_*}
		/usr/lib/apt/apt-helper cat-file "$f" | awk -v s="$suite" '
			function out() {
				if (p ~ /^linux-/ && (a == "amd64" || a == "all")) print s, p, v, h
				else if (p ~ /^linux-/ && a == "arm64") print s, p ":arm64", v, h
				p = v = h = a = ""
			}
			/^Package: / { p = $2 } /^Version: / { v = $2 } /^SHA256: / { h = $2 }
			/^Architecture: / { a = $2 }
			/^$/ { out() }
			END { out() }'
	done | sort -u >"$INDEX"
	[ -s "$INDEX" ] || rtd_die "no kernel packages in the archive index ($LISTS)"
}

# candidates SUITES ABI PATTERNS: "version abi" for every complete set.
candidates() {
	awk -v suites="$1" -v abi="^($2)\$" -v pats="$3" '
		BEGIN {
			n = split(suites, s, ","); for (i = 1; i <= n; i++) ok[s[i]] = 1
			np = split(pats, P, " ")
			at = index(P[1], "@ABI@")
			pre = substr(P[1], 1, at - 1); suf = substr(P[1], at + 5)
		}
		ok[$1] { have[$2, $3] = 1; pkg[NR] = $2; ver[NR] = $3 }
		END {
			for (r in pkg) {
				p = pkg[r]
				if (length(p) <= length(pre) + length(suf)) continue
				if (substr(p, 1, length(pre)) != pre) continue
				if (substr(p, length(p) - length(suf) + 1) != suf) continue
				a = substr(p, length(pre) + 1, length(p) - length(pre) - length(suf))
				if (a !~ abi) continue
				complete = 1
				for (i = 2; i <= np; i++) {
					q = P[i]; gsub(/@ABI@/, a, q)
					if (!have[q, ver[r]]) complete = 0
				}
				if (complete && !seen[ver[r], a]++) print ver[r], a
			}
		}' "$INDEX"
}

# newest: the line of the newest version among "version abi" lines.
newest() {
	local best= v a
	while read -r v a; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "${best%% *}"; then
			best="$v $a"
		fi
	done
	printf '%s\n' "$best"
}

# locked SERIES SUITES: the lock's "package=version sha256" lines for
# SERIES when the archive holds all of them, with the same checksum;
# status 1 (and nothing printed) when the lock names none; 2 when the
# archive lacks one; 3 when it holds one with another checksum.
locked() {
	local lines
	lines=$(awk -v s="$1" '!/^#/ && $1 == s { print $2, $3 }' "$LOCK" 2>/dev/null)
	[ -n "$lines" ] || return 1
	printf '%s\n' "$lines" | awk -v suites="$2" '
		BEGIN { n = split(suites, s, ","); for (i = 1; i <= n; i++) ok[s[i]] = 1 }
		FNR == NR { if (ok[$1]) sum[$2 "=" $3] = $4; next }
		!($1 in sum) { gone = 1 }
		($1 in sum) && sum[$1] != $2 { changed = 1 }
		{ print }
		END { exit gone ? 2 : changed ? 3 : 0 }' "$INDEX" - || return

}

# abi_of PATTERN PACKAGE: the ABI part of PACKAGE named by PATTERN.
abi_of() {
	local pre=${1%%@ABI@*} suf=${1#*@ABI@} p=$2
	p=${p#"$pre"}
	printf '%s\n' "${p%"$suf"}"
}

# with_abi PATTERN... ABI VERSION: the package=version specs of one set.
with_abi() {
	local args=("$@") n=$#
	local abi=${args[n - 2]} ver=${args[n - 1]} p
	for p in "${args[@]:0:n-2}"; do
		printf '%s=%s\n' "${p//@ABI@/$abi}" "$ver"
	done
}

# upstream VERSION: the upstream part of a Debian version (7.3.4-1~bpo13+1:
# 7.3.4).
upstream() {
	local v=${1#*:}
	printf '%s\n' "${v%-*}"
}

# resolve_series LINE: print the resolved row of one series (tab-separated:
# id series flags build cc kver version how base preempt packages); the
# "how" field says locked/newest and what the lock named.
resolve_series() {
	local series name flags suites build cc abire kverp pats best ver abi how specs st
	read -r series name flags suites build cc abire kverp pats <<<"$1"
	best=$(candidates "$suites" "$abire" "$pats" | newest)
	st=0
	specs=$(locked "$series" "$suites") || st=$?
	if [ $UPDATE = 0 ] && [ $st = 0 ]; then
		ver=${specs%%$'\n'*}
		ver=${ver%% *}
		abi=$(abi_of "${pats%% *}" "${ver%%=*}")
		ver=${ver#*=}
		how=locked
	elif [ -n "$best" ]; then
		ver=${best%% *} abi=${best#* }
		case $st in
		0) how=newest ;;
		1) how=unlocked ;;
		3) how=changed ;;
		*)
			how=$(awk -v s="$series" '!/^#/ && $1 == s { print $2; exit }' "$LOCK")
			how="gone:$(abi_of "${pats%% *}" "${how%%=*}")"
			;;
		esac
	else
		return 1
	fi
	# shellcheck disable=SC2086
	specs=$(with_abi $pats "$abi" "$ver" | tr '\n' ' ')
	name=${name//@MM@/$(printf '%s' "$ver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')}
	kverp=${kverp//@UPSTREAM@/$(upstream "$ver")}
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t%s\n' "$name" "$series" \
		"$flags" "$build" "$cc" "${kverp//@ABI@/$abi}" "$ver" "$how" "$name" "${specs% }"
}

# variants: rows of the preemption-model variants of the resolved series.
variants() {
	awk -F'\t' 'FNR == NR { row[$2] = $0; next }
		$1 == "variant" && ($2 in row) {
			split(row[$2], f, "\t")
			printf "%s+%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				f[1], $3, f[2], $4, f[4], f[5], f[6], f[7], f[8], f[1], $3, f[11]
		}' "$1" <(awk '!/^#/ && NF' "$RTD_CONF" | tr -s ' \t' '\t')
}

# say ROW: the one line that tells what an entry tests.
say() {
	local id series flags build cc kver ver how base preempt
	IFS=$'\t' read -r id series flags build cc kver ver how base preempt _ <<<"$1"
	if [ "$preempt" != - ]; then
		rtd_log "$id: $base booted with preempt=$preempt"
		return
	fi
	case $how in
	locked) rtd_log "$id: testing locked $kver ($ver)" ;;
	gone:*) rtd_log "$id: locked ${how#gone:} gone, testing $kver ($ver)" ;;
	changed) rtd_log "$id: locked set changed in the archive (other checksums), testing $kver ($ver)" ;;
	*) rtd_log "$id: nothing locked, testing $kver ($ver)" ;;
	esac
	case $flags in
	canary:*) canary_note "$id" "${flags#canary:}" "$ver" ;;
	esac
}

# canary_note ID SERIES VERSION: say when experimental is behind SERIES.
canary_note() {
	local other
	other=$(awk -F'\t' -v s="$2" '$2 == s && $10 == "-" { print $7 }' "$OUT")
	if [ -n "$other" ] && dpkg --compare-versions "$3" lt "$other"; then
		rtd_log "$1: experimental holds $3, older than ${2}'s $other"
	fi
}

# write_lock: the lock for the newest sets, with their checksums.
write_lock() {
	{
		echo "# SPDX-License-Identifier: GPL-2.0"
		echo "# Written by make kernels-update ($(date -u +%Y-%m-%d)): the exact packages"
		echo "# make check tests per series while the archive holds them all."
		echo "# series  package=version  sha256"
		awk -F'\t' '$10 == "-" && $3 !~ /^canary/' "$OUT" | while IFS=$'\t' read -r _ series _ _ _ _ _ _ _ _ specs; do
			for s in $specs; do
				printf '%s\t%s\t%s\n' "$series" "$s" \
					"$(awk -v p="${s%%=*}" -v v="${s#*=}" '$2 == p && $3 == v { print $4; exit }' "$INDEX")"
			done
		done
	} >"$LOCK.tmp"
	mv "$LOCK.tmp" "$LOCK"
	rtd_log "wrote $LOCK"
}

# table: the README's table of tested kernels, from the lock.
table() {
	local series name flags suites build cc abire kverp pats img abi ver mm arch
	echo "| entry | arch | kernel release | Debian version | suites |"
	echo "|---|---|---|---|---|"
	while read -r series name flags suites build cc abire kverp pats; do
		img=$(awk -v s="$series" '!/^#/ && $1 == s { print $2; exit }' "$LOCK")
		[ -n "$img" ] || continue
		ver=${img#*=}
		abi=$(abi_of "${pats%% *}" "${img%%=*}")
		mm=$(printf '%s' "$ver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
		kverp=${kverp//@UPSTREAM@/$(upstream "$ver")}
		arch=x86_64
		case $series in arm64:*) arch=arm64 ;; esac
		case $flags in
		default) ;;
		default,source=*) name="$name (debug kernel built from this source)" ;;
		*source=*) name="$name (debug kernel built from this source, optional)" ;;
		*) [ $arch = arm64 ] && name="$name (make check ARCH=arm64)" || name="$name (optional)" ;;
		esac
		printf '| %s | %s | %s | %s | %s |\n' "${name//@MM@/$mm}" "$arch" "${kverp//@ABI@/$abi}" \
			"$ver" "$suites"
	done < <(series_lines)
	awk -v lock="$LOCK" 'BEGIN {
			while ((getline l <lock) > 0) {
				split(l, f, "\t"); v = f[2]; sub(/^[^=]*=/, "", v)
				if (!(f[1] in mm)) { match(v, /^[0-9]+\.[0-9]+/); mm[f[1]] = substr(v, 1, RLENGTH) }
			}
		}
		$1 != "variant" && $1 !~ /^#/ && NF { name[$1] = $2 }
		$1 == "variant" && $4 == "default" && ($2 in mm) {
			n = name[$2]; gsub(/@MM@/, mm[$2], n)
			printf "%s %s", sep, n "+" $3; sep = ","
		}
		END { print "" }' "$RTD_CONF" | sed 's/^ */\nPreemption-model entries (same packages, booted with preempt=): /'
}

# readme: the table into README.md, between "<!-- kernel-table:begin" and
# "<!-- kernel-table:end" lines.
readme() {
	local f=$RTD_TOP/README.md
	table >"$INDEX.table"
	awk -v t="$INDEX.table" '/^<!-- kernel-table:end/ { skip = 0 }
		!skip { print }
		/^<!-- kernel-table:begin/ { while ((getline l <t) > 0) print l; skip = 1 }' \
		"$f" >"$INDEX.readme"
	grep -q '^<!-- kernel-table:begin' "$f" || rtd_die "README.md has no kernel-table markers"
	cat "$INDEX.readme" >"$f"
}

# select_ids: the entries named in WANT (name or series key), or the
# default ones; a name the resolution lacks is an error.
select_ids() {
	local w id out=
	case $ARCH_WANT in
	'' | x86_64 | arm64) ;;
	*) rtd_die "unknown architecture '$ARCH_WANT' (x86_64 or arm64)" ;;
	esac
	if [ -z "$WANT" ]; then
		awk -F'\t' -v a="$ARCH_WANT" '{ arm = $2 ~ /^arm64:/; d = $3 ~ /^default(,|$)/ }
			a == "" && d ||
			a == "x86_64" && d && !arm ||
			a == "arm64" && arm && $3 !~ /^canary/ { printf "%s ", $1 }' "$OUT"
		return
	fi
	for w in $WANT; do
		id=$(awk -F'\t' -v w="$w" '$1 == w || ($2 == w && $10 == "-") { print $1; exit }' "$OUT")
		if [ -z "$id" ]; then
			id=$(awk -v w="$w" '!/^#/ && NF && $1 != "variant" && $1 == w' "$RTD_CONF")
			[ -n "$id" ] && rtd_die "$w: the archive holds no complete set of this series any more"
			rtd_die "unknown kernel '$w' (see scripts/kernels.conf)"
		fi
		out="$out$id "
	done
	printf '%s' "$out"
}

main() {
	local line ids id failed=0
	if [ $TABLE = 1 ]; then
		table
		return
	elif [ $TABLE = 2 ]; then
		readme
		return
	fi
	if [ -z "$LISTS" ]; then
		rtd_apt_setup
		LISTS=$RTD_APT_DIR/lists
	fi
	build_index
	OUT=$RTD_RESOLVED
	mkdir -p "$(dirname "$OUT")"
	: >"$OUT.tmp"
	while read -r line; do
		if ! resolve_series "$line" >>"$OUT.tmp"; then
			set -- $line
			if [ -n "$WANT" ]; then
				case " $WANT " in
				*" $1 "* | *" $2 "*) ;;
				*) continue ;;
				esac
			elif [ "${3%%,*}" != default ]; then
				continue
			fi
			failed=1
			rtd_log "error: $1: the archive holds no complete set of this series (suites $4)"
		fi
	done < <(series_lines)
	variants "$OUT.tmp" >>"$OUT.tmp.v"
	cat "$OUT.tmp.v" >>"$OUT.tmp"
	rm -f "$OUT.tmp.v"
	mv "$OUT.tmp" "$OUT"
	[ $failed = 0 ] || exit 1
	if [ $UPDATE = 1 ]; then
		write_lock
		return
	fi
	ids=$(select_ids)
	for id in $ids; do
		say "$(awk -F'\t' -v i="$id" '$1 == i' "$OUT")"
	done
	printf '%s\n' "${ids% }"
}

main
