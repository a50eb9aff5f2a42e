#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# extract-vmlinux.sh BZIMAGE OUT: write the uncompressed ELF kernel held in a
# bzImage, so that QEMU can boot it through PVH (about twice as fast under TCG).
set -eu
in=$1 out=$2
tmp=$out.tmp
trap 'rm -f "$tmp"' EXIT

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

try() { # try MAGIC-REGEX DECOMPRESSOR...
	local magic=$1 off
	shift
	for off in $(LC_ALL=C grep -abo -P "$magic" "$in" | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null || true
		if [ -s "$tmp" ] && is_elf "$tmp"; then
			mv "$tmp" "$out"
			exit 0
		fi
	done
}

try '\xfd7zXZ\x00' xz -dc
try '\x28\xb5\x2f\xfd' zstd -dc
try '\x1f\x8b\x08' gzip -dc
echo "extract-vmlinux.sh: no compressed ELF kernel found in $in" >&2
exit 1
