#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# extract-vmlinux.sh BZIMAGE OUT: write the uncompressed ELF kernel held in a
# bzImage, so that QEMU can boot it through PVH (about twice as fast under TCG).
# extract-vmlinux.sh --arm64 VMLINUZ OUT: write the uncompressed arm64 Image
# (the format qemu-system-aarch64 -kernel boots) that Debian's arm64 vmlinuz
# holds (gzip-compressed, or inside an EFI zboot image).
set -eu
want=elf
if [ "$1" = --arm64 ]; then
	want=arm64
	shift
fi
in=$1 out=$2
tmp=$out.tmp
trap 'rm -f "$tmp"' EXIT

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
# an arm64 Image carries "ARM\x64" at offset 56 of its header
is_arm64() { [ "$(tail -c +57 "$1" | head -c 4 | od -An -tx1 | tr -d ' ')" = 41524d64 ]; }
is_wanted() { if [ $want = elf ]; then is_elf "$1"; else is_arm64 "$1"; fi; }

if [ $want = arm64 ] && is_arm64 "$in"; then
	cp "$in" "$out"
	exit 0
fi

try() { # try MAGIC-REGEX DECOMPRESSOR...
	local magic=$1 off
	shift
	for off in $(LC_ALL=C grep -abo -P "$magic" "$in" | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null || true
		if [ -s "$tmp" ] && is_wanted "$tmp"; then
			mv "$tmp" "$out"
			exit 0
		fi
	done
}

try '\xfd7zXZ\x00' xz -dc
try '\x28\xb5\x2f\xfd' zstd -dc
try '\x1f\x8b\x08' gzip -dc
echo "extract-vmlinux.sh: no compressed $want kernel found in $in" >&2
exit 1
