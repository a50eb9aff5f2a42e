#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# doc-links.sh: check the relative links of rtdefer's Markdown docs.
#
# In README.md, docs/*.md, bench/results/README.md and
# tests/torture/results/results.md, every link [text](target) outside fenced
# code blocks and code spans, except http:, https: and mailto: ones, must name
# a file or directory that exists, relative to the file holding the link (a
# target starting with / is relative to the repository's top). A #anchor must
# be the GitHub slug of a heading of the target Markdown file, or an
# <a id="..."> / <a name="..."> there; a target of only #anchor is the same
# file. Slugs as GitHub makes them: the heading's text lower-cased (ASCII
# letters), punctuation other than - and _ dropped (ASCII, and Unicode's
# General Punctuation such as an em dash), spaces turned into -, repeated
# headings numbered -1, -2, ...
#
# Runs from any directory, without network. Prints "ok doc-links", or one
# "not ok doc-links # FILE: broken link TARGET" line per broken link (each
# followed by a "# " line saying where and why) and exits 1.
set -uo pipefail
shopt -s nullglob

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || exit 2
export LC_ALL=C

# links FILE: "LINE<TAB>TARGET" for every link of FILE.
links() {
	awk '
		/^[ \t]*(```|~~~)/ { fence = !fence; next }
		fence { next }
		{
			line = $0
			gsub(/`[^`]*`/, "", line)            # code spans
			while (match(line, /\]\([^)]*\)/)) {
				t = substr(line, RSTART + 2, RLENGTH - 3)
				line = substr(line, RSTART + RLENGTH)
				sub(/^[ \t]+/, "", t)
				sub(/[ \t].*$/, "", t)        # a "title" after the target
				if (t ~ /^<.*>$/)
					t = substr(t, 2, length(t) - 2)
				print FNR "\t" t
			}
		}' "$1"
}

# anchors FILE: the anchors FILE offers, one per line.
anchors() {
	awk '
		/^[ \t]*(```|~~~)/ { fence = !fence; next }
		fence { next }
		/^ ? ? ?#+([ \t]|$)/ && !/^ *#######/ {     # no {m,n} in mawk
			h = $0
			sub(/^ *#+[ \t]*/, "", h)
			sub(/[ \t]+#+[ \t]*$/, "", h)       # closing hashes
			sub(/[ \t]+$/, "", h)
			gsub(/\]\([^)]*\)/, "]", h)         # a link: its text only
			h = tolower(h)
			# punctuation but - and _: ASCII, and U+2000..U+206F in UTF-8
			gsub(/\342\200[\200-\277]|\342\201[\200-\257]/, "", h)
			gsub(/[^a-z0-9 _\200-\377-]/, "", h)
			gsub(/ /, "-", h)
			s = h
			if (h in n)
				s = h "-" n[h]
			n[h]++
			print s
		}
		{
			line = $0
			while (match(line, /<a[ \t][^>]*(id|name)="[^"]*"/)) {
				a = substr(line, RSTART, RLENGTH)
				line = substr(line, RSTART + RLENGTH)
				sub(/.*(id|name)="/, "", a)
				sub(/"$/, "", a)
				print a
			}
		}' "$1"
}

broken=0

# broken FILE TARGET WHY
broken() {
	echo "not ok doc-links # $1: broken link $2"
	echo "# $3"
	broken=$((broken + 1))
}

cd "$top" || exit 2
files=(README.md docs/*.md bench/results/README.md tests/torture/results/results.md)
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	while IFS=$'\t' read -r line target; do
		case $target in
		http:* | https:* | mailto:*) continue ;;
		esac
		path=${target%%#*}
		anchor=
		case $target in
		*#*) anchor=${target#*#} ;;
		esac
		path=${path//%20/ }
		if [ -z "$path" ]; then
			dest=$f
		elif [ "${path#/}" != "$path" ]; then
			dest=${path#/}
		elif [ "${f%/*}" = "$f" ]; then
			dest=$path
		else
			dest=${f%/*}/$path
		fi
		if [ -z "$target" ]; then
			broken "$f" "(empty)" "$f:$line: a link without a target"
		elif [ ! -e "$dest" ]; then
			broken "$f" "$target" "$f:$line: no such file: $dest"
		elif [ -n "$anchor" ]; then
			case $dest in
			*.md | *.markdown) ;;
			*) continue ;;                # line anchors of source files
			esac
			if [ -d "$dest" ]; then
				broken "$f" "$target" "$f:$line: an #anchor on a directory"
			elif ! grep -qxF -- "$anchor" <<<"$(anchors "$dest")"; then
				broken "$f" "$target" "$f:$line: no heading with the anchor #$anchor in $dest"
			fi
		fi
	done < <(links "$f")
done

if [ $broken = 0 ]; then
	echo "ok doc-links"
	exit 0
fi
echo "# $broken broken link(s)"
exit 1
