#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kmod-root.sh OUTDIR: this machine's kmod (modprobe, modinfo, rmmod, ...)
# and the shared libraries it needs, laid out under OUTDIR as they are on the
# machine, for the guest's initramfs: the DKMS tests load rtdefer with the
# real modprobe (the guest's busybox has a simpler one of its own in /bin).
set -euo pipefail
out=$1
kmod=$(readlink -f "$(command -v kmod)") || { echo "kmod is not installed" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/usr/bin" "$out/sbin"
cp "$kmod" "$out/usr/bin/kmod"
for tool in modprobe modinfo rmmod insmod lsmod depmod; do
	ln -s /usr/bin/kmod "$out/sbin/$tool"
done
# "libfoo.so => /lib/.../libfoo.so (0x...)" and the loader "/lib64/ld-...so (0x...)"
ldd "$kmod" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	while read -r lib; do
		mkdir -p "$out$(dirname "$lib")"
		cp -L "$lib" "$out$lib"
	done
