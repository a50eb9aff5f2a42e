#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot-modules.sh KROOT KVER OUT MODULE...: a cpio archive (gzip) OUT holding
# the kernel's own modules MODULE... and those they depend on, under
# /rtd/boot-modules/ as NN-NAME.ko in an order that insmod can follow
# (tests/vm/init loads them before anything else). KROOT is where
# scripts/fetch-kernels.sh unpacked kernel KVER. A module the kernel has
# built in is left out; OUT is not written when nothing is left. Used for
# what the guest harness itself needs and some kernels build as modules
# (arm64 6.1: the virtio console that carries the KTAP, and virtio-pci).
set -uo pipefail
kroot=$1 kver=$2 out=$3
shift 3
rm -f "$out"
mdir=
for d in "$kroot/lib/modules/$kver" "$kroot/usr/lib/modules/$kver"; do
	[ -d "$d/kernel" ] && mdir=$d && break
done
[ -n "$mdir" ] || exit 0
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/rtd/boot-modules"
n=0
declare -A done_

# add NAME: NAME's dependencies, then NAME itself
add() {
	local name=${1//-/_} f dep
	[ -z "${done_[$name]:-}" ] || return 0
	done_[$name]=1
	grep -q "/${name}\.ko" "$mdir/modules.builtin" 2>/dev/null && return 0
	f=$(find "$mdir/kernel" -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" |
		head -1)
	[ -n "$f" ] || f=$(find "$mdir/kernel" -name "${name//_/-}.ko*" | head -1)
	[ -n "$f" ] || { echo "boot-modules.sh: no module $name in $mdir" >&2; return 1; }
	for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
		add "$dep" || return 1
	done
	n=$((n + 1))
	case $f in
	*.xz) xz -dc "$f" ;;
	*.zst) zstd -qdc "$f" ;;
	*) cat "$f" ;;
	esac >"$stage/rtd/boot-modules/$(printf %02d $n)-$name.ko"
}

for m in "$@"; do
	add "$m" || exit 1
done
[ $n -gt 0 ] || exit 0
(cd "$stage" && find rtd | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out"
