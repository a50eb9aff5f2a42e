#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# package-check.sh OUTDIR [ID [ARM64_ID]]: make check's packaging checks, in OUTDIR
# (inside the source tree: the chroot sees only that and the kernel cache).
#
#  dkms.old-kernels  dkms.conf makes DKMS skip kernels older than 5.10 (exit
#                    status 77, which DKMS's package and kernel hooks treat as
#                    "skipped"), saying why, and only those; scripts/dkms-make
#                    says why too for one that gets past that;
#  deb.build         make deb's package (debhelper, dh-dkms);
#  deb.lintian       no lintian tag at all, pedantic and experimental ones
#                    included (overrides carry their reason);
#  deb.*             tests/deb-chroot.sh in a throwaway overlay of the
#                    bookworm-dkms chroot, with kernel ID's headers if given;
#  deb.arm64.*       the package's DKMS source (/usr/src/rtdefer-VERSION of
#                    the .deb) cross-built by DKMS for arm64 kernel ARM64_ID,
#                    as tests/dkms-kernel.sh does from the tree (build only).
#
# Prints one line per step ("ok NAME" / "not ok NAME # see LOG") and exits 1
# if any failed.
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
out=$1 id=${2:-} arm64_id=${3:-}
[ "$id" != - ] || id=	# "-": no x86 kernel, an arm64 one follows
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
RTD_STEP_LOG=$out/package.log
: >"$RTD_STEP_LOG"
ok=0

# dkms build KVER against no headers at all: 77 when dkms.conf excludes the
# kernel, 1 (headers missing) when it would try.
old_kernels() {
	local t=$out/old k rc src

	src=$t/src/rtdefer-$version
	mkdir -p "$t/tree" "$t/src"
	make -s -C "$RTD_TOP" dkms-src DKMS_SRC="$src" || return 1
	dkms add -m rtdefer -v "$version" --dkmstree "$t/tree" --sourcetree "$t/src" || return 1
	for k in 3.16.0-11-amd64 4.19.0-27-amd64 5.4.0-1 5.9.16-1 \
		5.10.0-46-amd64 5.15.0-1 6.1.0-56-amd64 6.12.117+deb12-rt-amd64 \
		7.2.12+deb13-amd64 10.0.0-1; do
		dkms build -m rtdefer -v "$version" -k "$k" --kernelsourcedir "$t/none" \
			--dkmstree "$t/tree" --sourcetree "$t/src" >"$t/out" 2>&1
		rc=$?
		echo "$k: dkms build exit status $rc"
		case $k in
		[34].* | 5.[0-9].*)
			[ $rc = 77 ] && grep -q "rtdefer: Linux $k is not supported" "$t/out" ||
				{ cat "$t/out"; return 1; } ;;
		*)
			[ $rc != 77 ] && ! grep -q "not supported" "$t/out" ||
				{ cat "$t/out"; return 1; } ;;
		esac
	done
	(cd "$src" && sh scripts/dkms-make 5.9.16-1 "$t/none") >"$t/out" 2>&1
	rc=$?
	cat "$t/out"
	[ $rc != 0 ] && grep -q 'not supported: rtdefer needs Linux 5.10 or newer' "$t/out"
}

lintian_clean() {
	lintian --fail-on error,warning,info,pedantic,experimental -I -E --pedantic \
		"$out/deb/rtdefer_${version}_$(dpkg --print-architecture).changes"
}

chroot_test() {
	local kver= kdir= cc=

	if [ -n "$id" ]; then
		kver=$(rtd_kernel_field "$id" kver) kdir=$(rtd_kdir "$id") cc=$(rtd_kernel_field "$id" cc)
	fi
	"$RTD_TOP/scripts/chroot.sh" bookworm-dkms run --overlay "$out/chroot" \
		bash "$RTD_TOP/tests/deb-chroot.sh" "$out/deb/rtdefer-dkms_${version}_all.deb" \
		"$out/chroot.log" $kver $kdir $cc
}

# The package's source, built for an arm64 kernel; its steps renamed deb.arm64.*.
arm64_build() {
	local deb=$out/deb/rtdefer-dkms_${version}_all.deb

	rm -rf "$out/arm64"
	mkdir -p "$out/arm64"
	dpkg-deb -x "$deb" "$out/arm64/pkg" || { echo "not ok deb.arm64.unpack"; return; }
	RTD_DKMS_SRC=$out/arm64/pkg/usr/src/rtdefer-$version \
		"$RTD_TOP/tests/dkms-kernel.sh" "$arm64_id" "$out/arm64/dkms" |
		sed -E 's/^(ok|not ok) /\1 deb.arm64./'
}

rtd_step dkms.old-kernels old_kernels || ok=1
if rtd_step deb.build "$RTD_TOP/scripts/mkdeb.sh" "$out/deb"; then
	rtd_step deb.lintian lintian_clean || ok=1
	chroot_test | tee "$out/chroot.results"
	grep -q '^not ok' "$out/chroot.results" && ok=1
	grep -q '^ok deb.install' "$out/chroot.results" &&
		grep -q '^# deb-chroot.sh: finished' "$out/chroot.results" ||
		{ echo "not ok deb.chroot # stopped early, see $out/chroot.log"; ok=1; }
	if [ -n "$arm64_id" ]; then
		arm64_build | tee "$out/arm64.results"
		grep -q '^not ok' "$out/arm64.results" && ok=1
		grep -q '^ok deb.arm64.dkms.install' "$out/arm64.results" ||
			{ echo "not ok deb.arm64 # stopped early, see $out/arm64"; ok=1; }
	fi
else
	ok=1
fi
exit $ok
