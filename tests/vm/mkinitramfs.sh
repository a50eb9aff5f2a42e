#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh [--root DIR]... OUT VERSION MODULE.ko... -- TEST-PROGRAM...
# Build the guest's initramfs: busybox-static, tests/vm/init, the modules
# (under /rtd/modules), the static test programs (under /rtd/tests) and the
# marker files the test programs look for before they agree to run. Each
# --root DIR is copied over the result as it is (e.g. lib/modules/KVER).
# With RTD_DEMO_SCRIPT set, that script becomes /rtd/demo (see make demo).
# The guest's architecture (x86_64 or arm64: which busybox, and on arm64
# tests/vm/rtd-exit.c) is RTD_ARCH, else the first module's.
set -euo pipefail
roots=()
while [ "${1:-}" = --root ]; do
	roots+=("$2")
	shift 2
done
out=$1 version=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
source "$top/scripts/lib.sh"
# The guest's architecture: RTD_ARCH, else the first module's.
arch=${RTD_ARCH:-}
if [ -z "$arch" ]; then
	case ${1:-} in
	*.ko) arch=$(rtd_elf_arch "$1") || exit 1 ;;
	*) arch=x86_64 ;;
	esac
fi
busybox=$(rtd_guest_busybox "$arch") || exit 1
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	{ echo "$busybox is not static: install busybox-static" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,etc,proc,sys,tmp,rtd/modules,rtd/tests}
cp "$busybox" "$stage/bin/busybox"
install -m 0755 "$top/scripts/rtdefer-stat" "$stage/bin/rtdefer-stat"
install -m 0755 "$top/tests/vm/init" "$stage/init"
# arm64 has no isa-debug-exit port: /init leaves QEMU through semihosting
if [ "$arch" = arm64 ]; then
	rtd_guest_cc arm64 -o "$stage/bin/rtd-exit" "$top/tests/vm/rtd-exit.c" || exit 1
fi
echo "this is rtdefer's test guest" >"$stage/etc/rtdefer-guest"
echo "$version" >"$stage/etc/rtdefer-version"
# make demo: a script the guest runs instead of the tests
[ -z "${RTD_DEMO_SCRIPT:-}" ] || install -m 0755 "$RTD_DEMO_SCRIPT" "$stage/rtd/demo"

dest=modules
for f in "$@"; do
	if [ "$f" = -- ]; then
		dest=tests
		continue
	fi
	cp "$f" "$stage/rtd/$dest/"
done
for r in "${roots[@]}"; do
	cp -a "$r/." "$stage/"
done
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
