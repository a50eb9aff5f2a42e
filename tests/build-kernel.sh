#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh ID OUTDIR: build rtdefer, the test modules, the benchmark
# and the torture modules for one kernel of the matrix with W=1 -Werror, in
# OUTDIR/rtdefer, OUTDIR/test-module, OUTDIR/bench and OUTDIR/torture
# (copies of the sources, so kernels never share objects). rtdefer, the
# test modules and the torture are built with the debug hooks of
# src/debug_hook.h (the modules DKMS builds, tests/dkms-kernel.sh, never
# are). Kernels marked "trixie" in scripts/kernels.conf build inside the
# trixie chroot (arm64 ones in trixie-arm64, with its cross compiler).
# Any compiler or modpost warning fails the build.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
id=$1 out=$2
kdir=$(rtd_kdir "$id")
cc=$(rtd_kernel_field "$id" cc)
[ -d "$kdir" ] || rtd_die "$id: headers not unpacked (scripts/fetch-kernels.sh $id)"

arch=$(rtd_kernel_arch "$id")
# arm64: cross-built with the kernel's own compiler (cc names it) and the
# amd64 kbuild tools unpacked with the headers
karch=(ARCH=x86)
[ "$arch" = arm64 ] && karch=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

wrap=()
if [ "$(rtd_kernel_field "$id" build)" = trixie ]; then
	if [ "$arch" = arm64 ]; then
		wrap=("$RTD_TOP/scripts/chroot.sh" trixie-arm64 run)
	else
		wrap=("$RTD_TOP/scripts/trixie-chroot.sh" run)
	fi
elif [ "$arch" = arm64 ]; then
	rtd_install_packages "$(dirname "$out")/apt-install.log" $RTD_ARM64_DEPS
fi

rm -rf "$out"
mkdir -p "$out/rtdefer" "$out/test-module" "$out/bench" "$out/torture"
cp -r "$RTD_TOP"/{Kbuild,dkms.conf,include,src} "$out/rtdefer/"
cp "$RTD_TOP"/tests/module/{Kbuild,*.c,*.h} "$out/test-module/"
cp "$RTD_TOP"/bench/{Kbuild,*.c,*.h} "$out/bench/"
cp "$RTD_TOP"/tests/torture/{Kbuild,*.c,*.h} "$out/torture/"
out=$(cd "$out" && pwd)

kmake() {
	"${wrap[@]}" make -C "$kdir" "${karch[@]}" CC="$cc" W=1 KCFLAGS=-Werror "$@" modules
}

set +e
{
	kmake M="$out/rtdefer" RTD_DEBUG_HOOKS=y &&
		kmake M="$out/test-module" RTD_SRC="$RTD_TOP" RTD_BUILD="$out/rtdefer" RTD_DEBUG_HOOKS=y \
			KBUILD_EXTRA_SYMBOLS="$out/rtdefer/Module.symvers" &&
		kmake M="$out/bench" RTD_SRC="$RTD_TOP" RTD_BUILD="$out/rtdefer" \
			KBUILD_EXTRA_SYMBOLS="$out/rtdefer/Module.symvers" &&
		kmake M="$out/torture" RTD_SRC="$RTD_TOP" RTD_BUILD="$out/rtdefer" RTD_DEBUG_HOOKS=y \
			KBUILD_EXTRA_SYMBOLS="$out/rtdefer/Module.symvers"
} >"$out/build.log" 2>&1
rc=$?
set -e
if [ $rc = 0 ] && ! rtd_build_log_clean "$out/build.log" >&2; then
	rc=1
fi
if [ $rc != 0 ]; then
	tail -30 "$out/build.log" >&2
	exit 1
fi
