#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deb-chroot.sh DEB LOG [KVER KDIR CC]: rtdefer-dkms's maintainer scripts at
# work. Run by package-check.sh as root inside a throwaway overlay of the
# bookworm-dkms chroot (dkms and a compiler, no kernel); uname -r there is the
# build machine's kernel. KVER/KDIR: a kernel of the matrix whose headers the
# chroot can use (without them the steps that need a kernel are left out).
#
#  install    the running kernel has modules but no headers: the install
#             succeeds, DKMS only registers the source ("added");
#  conffiles  /etc/modprobe.d and /etc/modules-load.d examples are inert, and
#             valid once uncommented;
#  autoinstall KVER's headers appear and the kernel's postinst hook runs (as
#             when a kernel package is installed): rtdefer is built, signed
#             with DKMS's MOK key, installed, depmod'ed, and its headers and
#             Module.symvers are published for consumers;
#  consumer   the sample, copied from the package's examples, builds with its
#             own Makefile's defaults (KDIR, RTDEFER_DIR) against that;
#  reinstall  in a chroot of a foreign host (no modules dir for uname -r) with
#             also a kernel older than 5.10 that has headers: reinstalling
#             rebuilds for KVER and skips the old kernel, and succeeds;
#  remove     the module, DKMS's tree and the source go, conffiles stay;
#  purge      conffiles go too.
# Prints one line per step ("ok NAME" / "not ok NAME # see LOG"), then
# "# deb-chroot.sh: finished".
set -uo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
deb=$1 RTD_STEP_LOG=$2 kver=${3:-} kdir=${4:-} cc=${5:-}
version=$(dpkg-deb -f "$deb" Version)
arch=$(uname -m)
host=$(uname -r)
old=4.19.0-27-amd64
confs="/etc/modprobe.d/rtdefer.conf /etc/modules-load.d/rtdefer.conf"
out=$(mktemp -d)
[ "$kver" != "$host" ] || rtd_die "$kver is the running kernel: refusing"

status_is() {
	[ "$(dpkg-query -W -f='${Status}' rtdefer-dkms 2>/dev/null)" = "$1" ] && [ -z "$(dpkg --audit)" ]
}

# dpkg CMD..., its output kept in $out/dpkg.out too
run_dpkg() {
	dpkg "$@" 2>&1 | tee "$out/dpkg.out"
	return "${PIPESTATUS[0]}"
}

install_no_headers() {
	mkdir -p "/lib/modules/$host"
	run_dpkg -i "$deb" && status_is 'install ok installed' &&
		grep -q "Module build for kernel $host was skipped" "$out/dpkg.out" &&
		dkms status rtdefer | grep -x "rtdefer/$version: added" &&
		[ -f "/usr/src/rtdefer-$version/dkms.conf" ] &&
		! compgen -G '/lib/modules/*/updates/dkms/rtdefer.ko'
}

conffiles_inert() {
	local f

	for f in $confs; do
		[ -f "$f" ] || return 1
		if grep -v -e '^#' -e '^$' "$f"; then
			echo "$f: active lines above"
			return 1
		fi
	done
	mkdir -p "$out/conf"
	sed -n 's/^#\(options\|softdep\) /\1 /p' /etc/modprobe.d/rtdefer.conf >"$out/conf/test.conf"
	modprobe -C "$out/conf" -c >"$out/showconfig" 2>&1
	cat "$out/showconfig"
	grep -q '^options rtdefer ' "$out/showconfig" && grep -q '^softdep ' "$out/showconfig" &&
		! grep -qi -e error -e unknown -e ignoring "$out/showconfig"
}

add_kernel() {
	mkdir -p "/lib/modules/$1" && ln -sfn "$2" "/lib/modules/$1/build" &&
		cp "$2/.config" "/boot/config-$1"
}

module_installed() {
	local ko=/lib/modules/$kver/updates/dkms/rtdefer.ko

	dkms status rtdefer | grep -F "rtdefer/$version, $kver, $arch: installed" &&
		[ "$(modinfo -F version "$ko")" = "$version" ] &&
		grep -x 'updates/dkms/rtdefer.ko:' "/lib/modules/$kver/modules.dep" &&
		[ -s "/var/lib/dkms/rtdefer/kernel-$kver-$arch/Module.symvers" ] &&
		[ -s "/var/lib/dkms/rtdefer/kernel-$kver-$arch/include/rtdefer/compat-config.h" ]
}

autoinstall() {
	add_kernel "$kver" "$kdir" && /etc/kernel/postinst.d/dkms "$kver" && module_installed &&
		[ "$(modinfo -F signer "/lib/modules/$kver/updates/dkms/rtdefer.ko")" = "DKMS module signing key" ]
}

consumer() {
	cp -r /usr/share/doc/rtdefer-dkms/examples "$out/sample" &&
		make -C "$out/sample" KERNELRELEASE="$kver" CC="$cc" &&
		[ "$(modinfo -F depends "$out/sample/rtdefer_sample.ko")" = rtdefer ] &&
		[ "$(modinfo -F import_ns "$out/sample/rtdefer_sample.ko")" = RTDEFER ]
}

reinstall() {
	rm -rf "/lib/modules/$host"
	mkdir -p "/usr/src/linux-headers-$old/include"
	add_kernel "$old" "/usr/src/linux-headers-$old" 2>/dev/null
	run_dpkg -i "$deb" && status_is 'install ok installed' && module_installed &&
		grep -q 'Skipped\.' "$out/dpkg.out" &&
		! compgen -G "/lib/modules/$old/updates/dkms/*"
}

remove() {
	local f

	run_dpkg -r rtdefer-dkms && status_is 'deinstall ok config-files' || return 1
	for f in /lib/modules/*/updates/dkms/rtdefer.ko /var/lib/dkms/rtdefer "/usr/src/rtdefer-$version"; do
		if [ -e "$f" ]; then
			echo "left behind: $f"
			return 1
		fi
	done
	! grep -r rtdefer /lib/modules/*/modules.dep && ls $confs
}

purge() {
	run_dpkg -P rtdefer-dkms &&
		! dpkg-query -W -f='${Status}' rtdefer-dkms 2>/dev/null | grep -q -e 'ok installed' -e config-files &&
		! ls $confs 2>/dev/null
}

rtd_step deb.install install_no_headers || exit 1
rtd_step deb.conffiles conffiles_inert
if [ -n "$kver" ]; then
	rtd_step deb.autoinstall autoinstall && rtd_step deb.consumer consumer
	rtd_step deb.reinstall reinstall
fi
rtd_step deb.remove remove && rtd_step deb.purge purge
# the caller requires this line: a script that died midway drops no step unseen
echo "# deb-chroot.sh: finished"
