#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# chroot.sh NAME                          create (once) the chroot NAME
# chroot.sh NAME run [--overlay DIR] CMD  run CMD inside it
#
# Minimal Debian chroots under $RTD_CACHE (debootstrap from the mirror this
# machine's apt configuration names), recreated when their package list
# changes:
#   trixie         gcc-14 and kbuild's needs: builds modules for 7.x kernels,
#                  whose kbuild tools need glibc >= 2.38 (trixie-chroot.sh)
#   trixie-arm64   the same plus trixie's aarch64 cross compiler (gcc-14):
#                  modules for arm64 7.x kernels
#   trixie-dkms    the same plus trixie's dkms: DKMS builds for 7.x kernels
#   trixie-dkms-arm64  trixie-dkms plus the aarch64 cross compiler: DKMS
#                  builds (cross) for arm64 7.x kernels
#   trixie-kbuild  the same plus what a whole kernel build needs (flex, bison,
#                  libelf-dev, libssl-dev, ...): scripts/build-debug-kernel.sh
#   bookworm-dkms  bookworm with dkms and openssl: rtdefer-dkms's package
#                  install test (dwarves and bc: 6.12 headers need pahole)
#   forky-herd     forky (testing) with herdtools7: herd7 for the litmus
#                  tests of tests/lkmm/ (no older suite has herdtools7;
#                  bookworm's debootstrap knows forky by sid's script)
#
# `run` works in a private mount namespace: every mount it makes (proc, dev,
# a tmpfs on /tmp, the kernel caches, the source tree, the overlay) disappears
# with the namespace when CMD ends, whether it succeeds, fails or is killed.
# With --overlay DIR, the chroot is the read-only lower layer of an overlay
# whose changes go to DIR (created if needed): the cached chroot stays as
# debootstrap made it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TRIXIE_PKGS=gcc-14,make,libc6-dev,libelf1t64,libssl3t64,dwarves,bc,kmod
case ${1:-} in
trixie) SUITE=trixie PKGS=$TRIXIE_PKGS ;;
trixie-arm64) SUITE=trixie PKGS=$TRIXIE_PKGS,gcc-14-aarch64-linux-gnu ;;
trixie-dkms) SUITE=trixie PKGS=$TRIXIE_PKGS,dkms ;;
trixie-dkms-arm64) SUITE=trixie PKGS=$TRIXIE_PKGS,dkms,gcc-14-aarch64-linux-gnu ;;
trixie-kbuild) SUITE=trixie PKGS=$TRIXIE_PKGS,flex,bison,libelf-dev,libssl-dev,cpio,python3,xz-utils ;;
bookworm-dkms) SUITE=bookworm PKGS=dkms,gcc-12,make,libc6-dev,libelf1,libssl3,openssl,kmod,xz-utils,dwarves,bc ;;
forky-herd) SUITE=forky PKGS=herdtools7 ;;
*) rtd_die "usage: $0 trixie|trixie-arm64|trixie-dkms|trixie-dkms-arm64|trixie-kbuild|bookworm-dkms|forky-herd [run [--overlay DIR] CMD...]" ;;
esac
NAME=$1
DIR=$(rtd_chroot_dir "$NAME")
shift

create() {
	local script
	[ -f "$DIR/.complete" ] && [ "$(cat "$DIR/.complete")" = "$PKGS" ] && return 0
	command -v debootstrap >/dev/null || rtd_die "debootstrap is not installed"
	rtd_log "creating the $NAME chroot (about a minute)"
	mkdir -p "$(dirname "$DIR")"
	rm -rf "$DIR.partial"
	script=/usr/share/debootstrap/scripts/$SUITE
	[ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
	debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$DIR.partial" \
		"$(rtd_mirror main)" "$script" >"$RTD_CACHE/debootstrap-$NAME.log" 2>&1 ||
		{ tail -20 "$RTD_CACHE/debootstrap-$NAME.log" >&2; rtd_die "debootstrap failed"; }
	# kbuild calls plain "gcc" for its host tools (chroots with gcc-14)
	if [ -e "$DIR.partial/usr/bin/gcc-14" ] && [ ! -e "$DIR.partial/usr/bin/gcc" ]; then
		ln -sf gcc-14 "$DIR.partial/usr/bin/gcc"
	fi
	printf '%s\n' "$PKGS" >"$DIR.partial/.complete"
	rm -rf "$DIR"
	mv "$DIR.partial" "$DIR"
}

# run: bind the kernel caches and the source tree at their own paths, so that
# every absolute path means the same inside and outside. The debug kernels'
# directory too: $RTD_CACHE/kernels/KVER of a debug kernel is a link into it
# (scripts/fetch-kernels.sh). A cache directory that does not exist (yet)
# is left out.
run() {
	local cwd upper=
	if [ "${1:-}" = --overlay ]; then
		upper=$2
		shift 2
		mkdir -p "$upper"
		upper=$(cd "$upper" && pwd)
	fi
	[ -f "$DIR/.complete" ] || create
	cwd=$(pwd)
	unshare --mount --propagation private -- /bin/bash -euc '
		dir=$1 upper=$2 cwd=$3 n=$4; shift 4
		binds=("${@:1:n}"); shift "$n"
		if [ -n "$upper" ]; then
			mkdir -p "$upper/data" "$upper/work" "$upper/root"
			mount -t overlay overlay -o "lowerdir=$dir,upperdir=$upper/data,workdir=$upper/work" "$upper/root"
			dir=$upper/root
		fi
		mount -t proc proc "$dir/proc"
		mount --rbind /dev "$dir/dev"
		mount -t tmpfs tmpfs "$dir/tmp"
		for p in "${binds[@]}"; do
			[ -d "$p" ] || continue
			mkdir -p "$dir$p"
			mount --bind "$p" "$dir$p"
		done
		exec chroot "$dir" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' bash "$DIR" "$upper" "$cwd" 4 "$RTD_CACHE/kernels" "$RTD_CACHE/debug-kernels" \
		"$RTD_TOP" "$cwd" "$@"
}

case ${1:-create} in
create) create ;;
run) shift; run "$@" ;;
*) rtd_die "usage: $0 $NAME [create | run [--overlay DIR] CMD...]" ;;
esac
