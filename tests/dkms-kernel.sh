#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-kernel.sh ID OUTDIR: install rtdefer through DKMS for kernel ID of the
# matrix (not the running one) as a user's machine would, but into private
# trees under OUTDIR (which must be inside the source tree for 7.x kernels:
# the chroots see only that and the kernel cache):
#
#  1. dkms add, build, install from what `make dkms-src` ships: bookworm's
#     dkms (3.0.x) for the kernels built on this machine, trixie's (3.2.x) in
#     the trixie-dkms chroot for 7.x; DKMS's make.log must be free of warnings;
#  2. what DKMS published for consumer modules: the public headers as in the
#     tree, compat-config.h, and a Module.symvers that lists every export of
#     the sources, each GPL-only in namespace RTDEFER;
#  3. samples/ built with its own Makefile against that (RTDEFER_DIR is DKMS's
#     kernel-KVER-ARCH link), W=1 -Werror;
#  4. depmod of OUTDIR/root for KVER against the kernel's Module.symvers, an
#     unresolved symbol or a CRC mismatch being an error: modules.dep must
#     list rtdefer and the sample depending on it.
#
# RTD_DKMS_SRC=DIR: add the source in DIR (e.g. the rtdefer-dkms package's
# /usr/src/rtdefer-VERSION) instead of what `make dkms-src` ships.
#
# OUTDIR/root/lib/modules/KVER becomes the guest's /lib/modules/KVER. Prints
# one line per step ("ok NAME" or "not ok NAME # see LOG") and exits 1 if
# any failed.
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
id=$1 out=$2
kver=$(rtd_kernel_field "$id" kver) || rtd_die "unknown kernel '$id'"
kdir=$(rtd_kdir "$id")
kroot=$(rtd_kroot "$id")
cc=$(rtd_kernel_field "$id" cc)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
arch=$(uname -m)
# arm64 kernels: DKMS cross-builds (build only: the guest loads nothing of
# this), with kbuild's ARCH and CROSS_COMPILE in the environment, which
# scripts/dkms-make and make take from there
if [ "$(rtd_kernel_arch "$id")" = arm64 ]; then
	arch=aarch64
	export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
fi
# nothing here may ever touch the running kernel's modules
[ "$kver" != "$(uname -r)" ] || rtd_die "$kver is the running kernel: refusing"

rm -rf "$out"
mkdir -p "$out"/{src,tree,sample,root/lib/modules/"$kver"}
out=$(cd "$out" && pwd)
cd "$out"
RTD_STEP_LOG=$out/dkms.log
: >"$RTD_STEP_LOG"
moddir=$out/root/lib/modules/$kver
devel=$out/tree/rtdefer/kernel-$kver-$arch

dkms_wrap=() build_wrap=()
if [ "$(rtd_kernel_field "$id" build)" = trixie ] && [ $arch = aarch64 ]; then
	dkms_wrap=("$RTD_TOP/scripts/chroot.sh" trixie-dkms-arm64 run --overlay "$out/overlay")
	build_wrap=("$RTD_TOP/scripts/chroot.sh" trixie-arm64 run)
elif [ "$(rtd_kernel_field "$id" build)" = trixie ]; then
	dkms_wrap=("$RTD_TOP/scripts/chroot.sh" trixie-dkms run --overlay "$out/overlay")
	build_wrap=("$RTD_TOP/scripts/chroot.sh" trixie run)
fi

rtd_dkms() {
	"${dkms_wrap[@]}" dkms "$1" -m rtdefer -v "$version" "${@:2}" -a "$arch" \
		--dkmstree "$out/tree" --sourcetree "$out/src" \
		--installtree "$out/root/lib/modules"
}

dkms_src() {
	if [ -n "${RTD_DKMS_SRC:-}" ]; then
		cp -a "$RTD_DKMS_SRC" "$out/src/rtdefer-$version"
	else
		make -s -C "$RTD_TOP" dkms-src DKMS_SRC="$out/src/rtdefer-$version"
	fi
}

install_dkms() {
	dkms_src &&
		rtd_dkms add &&
		rtd_dkms build -k "$kver" --kernelsourcedir "$kdir" &&
		rtd_dkms install -k "$kver" --kernelsourcedir "$kdir" --no-depmod &&
		rtd_dkms status -k "$kver" | grep -F "rtdefer/$version, $kver, $arch: installed" &&
		test -f "$moddir/updates/dkms/rtdefer.ko"
}

make_log_clean() {
	local log=$out/tree/rtdefer/$version/$kver/$arch/log/make.log

	cat "$log" && rtd_build_log_clean "$log"
}

# Names of the symbols the sources export, and of those Module.symvers
# lists as GPL-only exports in namespace RTDEFER.
check_devel() {
	local f

	for f in include/rtdefer/compat-config.h Module.symvers; do
		[ -s "$devel/$f" ] || { echo "missing: $devel/$f"; return 1; }
	done
	for f in "$RTD_TOP"/include/rtdefer/*.h; do
		cmp "$f" "$devel/include/rtdefer/${f##*/}" || return 1
	done
	sed -n 's/^EXPORT_SYMBOL_RTDEFER(\(.*\));.*/\1/p' "$RTD_TOP"/src/*.c | sort >"$out/exports.src"
	awk '$4 == "EXPORT_SYMBOL_GPL" && $5 == "RTDEFER" { print $2 }' "$devel/Module.symvers" |
		sort >"$out/exports.symvers"
	diff -u "$out/exports.src" "$out/exports.symvers" || return 1
	[ "$(wc -l <"$devel/Module.symvers")" = "$(wc -l <"$out/exports.src")" ] &&
		[ -s "$out/exports.src" ] ||
		{ echo "Module.symvers: exports not GPL-only in namespace RTDEFER:" &&
			grep -v -w -f "$out/exports.src" "$devel/Module.symvers"; return 1; }
}

build_sample() {
	cp "$RTD_TOP"/samples/{Kbuild,Makefile,*.c} "$out/sample/" &&
		"${build_wrap[@]}" make -C "$out/sample" KERNELRELEASE="$kver" KDIR="$kdir" \
			RTDEFER_DIR="$devel" CC="$cc" W=1 KCFLAGS=-Werror >"$out/sample.log" 2>&1
	local rc=$?

	cat "$out/sample.log"
	[ $rc = 0 ] && rtd_build_log_clean "$out/sample.log"
}

# Against the kernel's Module.symvers: an unknown symbol or one whose CRC
# disagrees (built against other headers) is an error.
depmod_root() {
	local m f

	mkdir -p "$moddir/extra" && cp "$out/sample/rtdefer_sample.ko" "$moddir/extra/" || return 1
	# from the image's module directory; a debug kernel
	# (scripts/build-debug-kernel.sh) builds everything in and has none,
	# but its build tree has them
	for m in modules.builtin modules.builtin.modinfo; do
		for f in "$kroot"/{lib,usr/lib}/modules/"$kver/$m" "$kdir/$m"; do
			[ -f "$f" ] && { cp "$f" "$moddir/"; break; }
		done
	done
	: >"$moddir/modules.order"
	depmod -b "$out/root" -e -E "$kdir/Module.symvers" "$kver" 2>"$out/depmod.err"
	m=$?
	cat "$out/depmod.err"
	[ $m = 0 ] && [ ! -s "$out/depmod.err" ] &&
		grep -x 'updates/dkms/rtdefer.ko:' "$moddir/modules.dep" &&
		grep -x 'extra/rtdefer_sample.ko: updates/dkms/rtdefer.ko' "$moddir/modules.dep"
}

rtd_step dkms.install install_dkms || exit 1
ok=0
rtd_step dkms.make-log make_log_clean || ok=1
rtd_step dkms.devel check_devel || ok=1
rtd_step sample.build build_sample || exit 1
rtd_step dkms.depmod depmod_root || ok=1
exit $ok
