#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trixie-chroot.sh               create (once) the trixie build chroot
# trixie-chroot.sh run CMD...    run CMD inside it
#
# Kernels built with gcc-14 and whose kbuild tools need glibc >= 2.38 (7.x)
# cannot build modules on bookworm; their modules are built in a minimal
# trixie chroot under $RTD_CACHE. `run` works in a private mount namespace:
# every mount it makes (proc, dev, the cache, the source tree) disappears with
# the namespace when CMD ends, whether it succeeds, fails or is killed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIR=$(rtd_chroot_dir)
PKGS=gcc-14,make,libc6-dev,libelf1t64,libssl3t64,dwarves,bc,kmod

create() {
	[ -f "$DIR/.complete" ] && [ "$(cat "$DIR/.complete")" = "$PKGS" ] && return 0
	command -v debootstrap >/dev/null || rtd_die "debootstrap is not installed"
	rtd_log "creating the trixie build chroot (about a minute)"
	rm -rf "$DIR.partial"
	debootstrap --variant=minbase --include="$PKGS" trixie "$DIR.partial" \
		"$(rtd_mirror main)" >"$RTD_CACHE/debootstrap.log" 2>&1 ||
		{ tail -20 "$RTD_CACHE/debootstrap.log" >&2; rtd_die "debootstrap failed"; }
	ln -sf gcc-14 "$DIR.partial/usr/bin/gcc"
	printf '%s\n' "$PKGS" >"$DIR.partial/.complete"
	rm -rf "$DIR"
	mv "$DIR.partial" "$DIR"
}

# run: bind the cache and the source tree at their own paths, so that every
# absolute path means the same inside and outside.
run() {
	[ -f "$DIR/.complete" ] || create
	local cwd
	cwd=$(pwd)
	unshare --mount --propagation private -- /bin/bash -euc '
		dir=$1 cache=$2 top=$3 cwd=$4; shift 4
		mount -t proc proc "$dir/proc"
		mount --rbind /dev "$dir/dev"
		for p in "$cache" "$top" "$cwd"; do
			mkdir -p "$dir$p"
			mount --bind "$p" "$dir$p"
		done
		exec chroot "$dir" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' bash "$DIR" "$RTD_CACHE/kernels" "$RTD_TOP" "$cwd" "$@"
}

case ${1:-create} in
create) create ;;
run) shift; run "$@" ;;
*) rtd_die "usage: $0 [create | run CMD...]" ;;
esac
