#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fetch-kernels.sh [ID...]: download and unpack the stock Debian kernels of the
# matrix, as scripts/resolve-kernels.sh resolved them (build/kernels.resolved),
# into $RTD_CACHE/kernels/KVER, and the tools the tests take from
# linux-source-6.1 into $RTD_CACHE/ksrc. A preemption-model variant shares
# its series' kernel.
#
# Every .deb is checked against the SHA256 of the signed archive index before
# it is used; a corrupt or partial one is deleted and fetched again. A kernel
# is unpacked into a temporary directory and renamed into place only when
# complete, with a stamp naming the exact packages, so an interrupted run never
# leaves a half-unpacked kernel that looks usable.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DEBS=$RTD_CACHE/debs

# build_kernel ID VARIANT: a debug kernel built from the resolved
# linux-source package (scripts/build-debug-kernel.sh, cached there), linked
# where the stock kernels are unpacked.
build_kernel() {
	local id=$1 variant=$2 src dir kver
	kver=$(rtd_kernel_field "$id" kver)
	src=$(rtd_kernel_field "$id" packages | head -1)
	src=${src%%=*}
	dir=$(RTD_DEBUG_SERIES=${src#linux-source-} "$RTD_TOP/scripts/build-debug-kernel.sh" "$variant") ||
		rtd_die "$id: the $variant kernel did not build"
	[ "$(cat "$dir/kver")" = "$kver" ] ||
		rtd_die "$id: built $(cat "$dir/kver"), resolved $kver"
	mkdir -p "$RTD_CACHE/kernels"
	ln -sfn "$dir" "$(rtd_kroot "$id")"
	rtd_log "$id: $kver ready ($(cat "$dir/checkers"))"
}

# unpack_kernel ID: image, headers and kbuild in one root, vmlinux beside
# (on arm64 the uncompressed Image, which QEMU boots).
unpack_kernel() {
	local id=$1 root kver spec stamp tmp deb img
	case ,$(rtd_kernel_field "$id" flags), in
	*,source=*)
		stamp=$(rtd_kernel_field "$id" flags)
		stamp=${stamp#*source=}
		build_kernel "$id" "${stamp%%,*}"
		return
		;;
	esac
	root=$(rtd_kroot "$id")
	kver=$(rtd_kernel_field "$id" kver) || rtd_die "unknown kernel '$id'"
	stamp=$(rtd_kernel_field "$id" packages)
	if [ -f "$root/.complete" ] && [ "$(cat "$root/.complete")" = "$stamp" ] &&
		[ -s "$root/vmlinux" ]; then
		return 0
	fi
	tmp=$root.partial
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for spec in $stamp; do
		deb=$(rtd_fetch_deb "$spec")
		dpkg-deb -x "$deb" "$tmp" || rtd_die "cannot unpack $deb"
	done
	# The headers' Makefile includes the common headers by absolute path
	# (and 7.x names a KBUILD_OUTPUT there): point them into this root.
	grep -rlZ --include=Makefile '/usr/src/' "$tmp/usr/src" |
		xargs -0 -r sed -i "s#/usr/src/#$root/usr/src/#g"
	img=$tmp/boot/vmlinuz-$kver
	[ -f "$img" ] || img=$tmp/usr/lib/modules/$kver/vmlinuz
	[ -f "$img" ] || rtd_die "$id: no kernel image in the packages"
	# vmlinux: what QEMU boots (an x86 ELF kernel, an arm64 Image)
	if [ "$(rtd_kernel_arch "$id")" = arm64 ]; then
		"$RTD_TOP/scripts/extract-vmlinux.sh" --arm64 "$img" "$tmp/vmlinux"
	else
		"$RTD_TOP/scripts/extract-vmlinux.sh" "$img" "$tmp/vmlinux"
	fi
	printf '%s\n' "$stamp" >"$tmp/.complete"
	rm -rf "$root"
	mv "$tmp" "$root"
	rtd_log "$id: $kver ready"
}

# The kselftest harness, checkpatch and kernel-doc come from linux-source-6.1.
unpack_ksrc() {
	local dir=$RTD_CACHE/ksrc spec deb tarball ver
	ver=$(rtd_apt_cache policy linux-source-6.1 | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || rtd_die "linux-source-6.1 not found"
	spec=linux-source-6.1=$ver
	# the stamp names the file set too, so adding a file re-extracts
	stamp="$spec harness+checkpatch+kernel-doc"
	[ "$(cat "$dir/.complete" 2>/dev/null)" = "$stamp" ] && return 0
	deb=$(rtd_fetch_deb "$spec")
	rm -rf "$dir.partial"
	mkdir -p "$dir.partial"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.partial" --wildcards './usr/src/linux-source-6.1.tar.xz'
	tarball=$dir.partial/usr/src/linux-source-6.1.tar.xz
	tar -xJf "$tarball" -C "$dir.partial" --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/scripts/kernel-doc
	rm -rf "$dir.partial/usr"
	printf '%s\n' "$stamp" >"$dir.partial/.complete"
	rm -rf "$dir"
	mv "$dir.partial" "$dir"
	rtd_log "linux-source-6.1 tools ready ($ver)"
}

main() {
	local ids id
	mkdir -p "$DEBS"
	rtd_apt_setup
	ids=${*:-$(rtd_all_kernels)}
	for id in $ids; do
		[ "$(rtd_kernel_field "$id" preempt)" = - ] || id=$(rtd_kernel_field "$id" base)
		unpack_kernel "$id"
	done
	unpack_ksrc
	# the chroots the builds need, made now (before builds run in
	# parallel): trixie, and trixie-arm64 for arm64 7.x kernels
	for id in $ids; do
		[ "$(rtd_kernel_field "$id" build)" = trixie ] || continue
		if [ "$(rtd_kernel_arch "$id")" = arm64 ]; then
			"$RTD_TOP/scripts/chroot.sh" trixie-arm64
		else
			"$RTD_TOP/scripts/trixie-chroot.sh"
		fi
	done
}

main "$@"
