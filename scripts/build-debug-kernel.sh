#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-debug-kernel.sh VARIANT: build a debug kernel from Debian's own
# linux-source package and install it into the cache in the layout of the
# stock kernels (scripts/fetch-kernels.sh), so that the test machinery can
# boot it and build modules against it like a stock kernel. Prints the
# kernel's directory on stdout; progress goes to stderr and, with the whole
# build output, to a log beside it.
#
# VARIANT   fragments of scripts/debug-kernel/ (merged in this order)
#   debug      base debug kasan preempt   lockdep, KASAN, ...; lazy, boot
#                                         with preempt=full for the matrix
#   debug-rt   base debug kasan rt        the same on PREEMPT_RT
#   kcsan      base debug kcsan preempt   KCSAN instead of KASAN
#
# Source: the newest linux-source-N.M of trixie-backports (the series the
# matrix's "bpo" entry follows); RTD_DEBUG_SERIES=N.M pins a series. The
# .deb is checked against the SHA256 of the signed archive index.
#
# Patches: scripts/debug-kernel/patches/*.patch, applied in name order
# (-p1) to the extracted source; each says why it is needed.
#
# Build: `make tinyconfig`, the fragments merged with the kernel's
# merge_config.sh, `make olddefconfig`, then a check that every line of the
# fragments holds in the final .config (the build stops naming those that
# did not). `make vmlinux modules` with gcc-14 inside the trixie-kbuild
# chroot (scripts/chroot.sh).
#
# Output: $RTD_CACHE/debug-kernels/VARIANT-KEY/, KEY a hash of the source
# package version, the fragments, the patches and RECIPE below:
#   vmlinux                     the ELF the guest boots (PVH)
#   usr/src/linux-headers-KVER  the whole build tree, objects removed but
#                               for scripts/ and tools/: the kernel's
#                               sources, .config, Module.symvers, generated
#                               headers and host tools, so that
#                               `make -C DIR M=... modules` works (W=1 too)
#   usr/lib/modules/KVER/       the modules the config builds (if any)
#   kver                        `make kernelrelease`, e.g. 7.3.4-rtd-debug
#   checkers                    one line: the checkers the .config has on
#   build-time                  seconds the whole build took
#   source, fragments/,         the source package, the fragments and the
#   patches/                    patches used
#   .complete                   stamp, written last; the directory is built
#                               as VARIANT-KEY.partial and renamed when done
# RTD_DEBUG_CONFIG_ONLY=1 stops after the .config check and prints the
# .config's path (in VARIANT-KEY.partial): for working on the fragments.
# When VARIANT-KEY/.complete exists, nothing is rebuilt. Older keys of the
# same variant stay until removed by hand.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Bump whenever the steps below change what ends up in the output: the key
# (and so the directory) changes with it.
RECIPE=2
SUITE=trixie-backports
FRAGS=$RTD_TOP/scripts/debug-kernel
DEBS=$RTD_CACHE/debs
ROOT=$RTD_CACHE/debug-kernels
CC_KERNEL=gcc-14
# free space the build needs in the cache (KASAN trees are several GB)
MIN_FREE_GB=15

usage() { rtd_die "usage: $0 debug|debug-rt|kcsan"; }

# fragments VARIANT: the fragment files of a variant, in merge order.
fragments() {
	case $1 in
	debug) echo base.config debug.config kasan.config preempt.config ;;
	debug-rt) echo base.config debug.config kasan.config rt.config ;;
	kcsan) echo base.config debug.config kcsan.config preempt.config ;;
	*) return 1 ;;
	esac
}

LOG=/dev/null
log() {
	rtd_log "$*"
	printf '%s %s\n' "$(date +%T)" "$*" >>"$LOG"
}
fail() {
	printf '%s error: %s\n' "$(date +%T)" "$*" >>"$LOG"
	rtd_die "$* (log: $LOG)"
}

# newest_source: PKG=VER of the newest linux-source-N.M in $SUITE.
newest_source() {
	local pkgs lines pkg best="" v
	if [ -n "${RTD_DEBUG_SERIES:-}" ]; then
		pkgs=linux-source-$RTD_DEBUG_SERIES
	else
		pkgs=$(rtd_apt_cache pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$' || true)
	fi
	[ -n "$pkgs" ] || rtd_die "no linux-source package in the archive index"
	# madison: "PKG | VERSION | URI SUITE/COMPONENT ARCH Packages"
	# shellcheck disable=SC2086
	lines=$(rtd_apt_cache madison $pkgs 2>/dev/null | awk -F' *[|] *' -v s="$SUITE" '{
		split($3, a, " "); if (a[2] ~ "^" s "/") print $1, $2 }')
	[ -n "$lines" ] || rtd_die "no ${pkgs//$'\n'/,} in $SUITE"
	pkg=$(echo "$lines" | cut -d' ' -f1 | sort -uV | tail -1)
	for v in $(echo "$lines" | awk -v p="$pkg" '$1 == p { print $2 }'); do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	printf '%s=%s\n' "$pkg" "$best"
}

# kmake ARGS...: make in the kernel tree, inside the chroot, output to the log.
kmake() {
	(cd "$PART" && "$RTD_TOP/scripts/chroot.sh" trixie-kbuild run \
		make -C "$TREE" CC="$CC_KERNEL" "$@") >>"$LOG" 2>&1
}

# verify_config FRAGMENT...: every option of the fragments (the last one
# naming an option wins, as in merge_config.sh) as requested in .config.
verify_config() {
	awk -v cfg="$TREE/.config" '
	function opt(line) {
		if (match(line, /^CONFIG_[A-Za-z0-9_]+=/)) {
			name = substr(line, 1, RLENGTH - 1); val = substr(line, RLENGTH + 1); return 1 }
		if (match(line, /^# CONFIG_[A-Za-z0-9_]+ is not set$/)) {
			name = substr(line, 3, RLENGTH - 13); val = "n"; return 1 }
		return 0
	}
	FILENAME != cfg { if (opt($0)) { if (!(name in want)) order[++n] = name; want[name] = val }; next }
	{ if (opt($0)) have[name] = val }
	END {
		for (i = 1; i <= n; i++) {
			o = order[i]; h = (o in have) ? have[o] : "n"
			if (h != want[o]) { printf "%s (wanted %s, got %s)\n", o, want[o], h; bad = 1 }
		}
		exit bad
	}' "$@" "$TREE/.config"
}

# checkers CONFIG: the checkers a .config has on, as one line.
checkers() {
	awk -F= '$2 == "y" { on[$1] = 1 } END {
		n = split("PROVE_LOCKING:lockdep PROVE_RAW_LOCK_NESTING:raw-lock-nesting " \
			"PROVE_RCU:prove-rcu KASAN:kasan KCSAN:kcsan KFENCE:kfence UBSAN:ubsan " \
			"DEBUG_OBJECTS:debug-objects DEBUG_LIST:debug-list " \
			"DEBUG_ATOMIC_SLEEP:atomic-sleep DEBUG_PREEMPT:debug-preempt " \
			"DETECT_HUNG_TASK:hung-task SOFTLOCKUP_DETECTOR:softlockup " \
			"HARDLOCKUP_DETECTOR:hardlockup WQ_WATCHDOG:wq-watchdog " \
			"DEBUG_KMEMLEAK:kmemleak SLUB_DEBUG:slub-debug", m, " ")
		for (i = 1; i <= n; i++) {
			split(m[i], p, ":")
			if (on["CONFIG_" p[1]]) s = s (s == "" ? "" : " ") p[2]
		}
		print s }' "$1"
}

# smoke_module: a trivial module must build against the finished tree with
# W=1 -Werror and no warning (the tree is still at its .partial path).
smoke_module() {
	local m=$PART/.smoke
	mkdir -p "$m"
	cat >"$m/rtd_smoke.c" <<-'EOF'
	// SPDX-License-Identifier: GPL-2.0
	#include <linux/module.h>
	static int __init rtd_smoke_init(void) { return 0; }
	static void __exit rtd_smoke_exit(void) { }
	module_init(rtd_smoke_init);
	module_exit(rtd_smoke_exit);
	MODULE_DESCRIPTION("build check of a debug kernel tree");
	MODULE_LICENSE("GPL");
	EOF
	echo 'obj-m := rtd_smoke.o' >"$m/Kbuild"
	(cd "$PART" && "$RTD_TOP/scripts/chroot.sh" trixie-kbuild run \
		make -C "$TREE" CC="$CC_KERNEL" M="$m" W=1 KCFLAGS=-Werror modules) \
		>"$m/build.log" 2>&1 || { cat "$m/build.log" >>"$LOG"; fail "a trivial module does not build against the tree"; }
	cat "$m/build.log" >>"$LOG"
	[ -f "$m/rtd_smoke.ko" ] || fail "the trivial module built no .ko"
	rtd_build_log_clean "$m/build.log" >/dev/null ||
		fail "warnings building a trivial module against the tree"
	rm -rf "$m"
}

build() {
	local variant=$1 spec=$2 series deb f frag_paths=() bad n kver t0 t1 mods

	t0=$(date +%s)
	rm -rf "$PART"
	mkdir -p "$PART/fragments" "$PART/usr/src"
	TREE=$PART/usr/src/linux-source
	deb=$(rtd_fetch_deb "$spec") || fail "cannot fetch $spec"

	series=${spec%%=*}
	series=${series#linux-source-}
	log "extracting linux-source-$series.tar.xz"
	mkdir -p "$TREE"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$series.tar.xz" |
		tar -xJ -C "$TREE" --strip-components=1 || fail "cannot extract $deb"
	mkdir -p "$PART/patches"
	for f in "$FRAGS"/patches/*.patch; do
		[ -f "$f" ] || continue
		log "applying $(basename "$f")"
		patch -d "$TREE" -p1 --batch --forward --fuzz=0 <"$f" >>"$LOG" 2>&1 ||
			fail "$(basename "$f") does not apply"
		cp "$f" "$PART/patches/"
	done

	for f in $(fragments "$variant"); do
		cp "$FRAGS/$f" "$PART/fragments/$f"
		frag_paths+=("$PART/fragments/$f")
	done
	printf '# the kernel release names the variant\nCONFIG_LOCALVERSION="-rtd-%s"\n' \
		"$variant" >"$PART/fragments/localversion.config"
	frag_paths+=("$PART/fragments/localversion.config")

	log "configuring: tinyconfig + $(fragments "$variant")"
	kmake tinyconfig || fail "make tinyconfig failed"
	(cd "$PART" && "$RTD_TOP/scripts/chroot.sh" trixie-kbuild run \
		"$TREE/scripts/kconfig/merge_config.sh" -m -O "$TREE" "$TREE/.config" "${frag_paths[@]}") \
		>>"$LOG" 2>&1 || fail "merge_config.sh failed"
	kmake olddefconfig || fail "make olddefconfig failed"
	bad=$(verify_config "${frag_paths[@]}") ||
		fail "options of the fragments that did not stick: ${bad//$'\n'/, }"
	if [ "${RTD_DEBUG_CONFIG_ONLY:-}" = 1 ]; then
		log "configured (RTD_DEBUG_CONFIG_ONLY): $TREE/.config"
		printf '%s\n' "$TREE/.config"
		exit 0
	fi

	n=$(nproc)
	log "building vmlinux and modules (make -j$n; about 15 minutes on 2 CPUs)"
	t1=$(date +%s)
	kmake -j"$n" vmlinux modules || { tail -40 "$LOG" >&2; fail "kernel build failed"; }
	log "make vmlinux modules: $(($(date +%s) - t1)) s"
	[ -s "$TREE/Module.symvers" ] || fail "no Module.symvers"
	kver=$(cd "$PART" && "$RTD_TOP/scripts/chroot.sh" trixie-kbuild run \
		make -s -C "$TREE" CC="$CC_KERNEL" kernelrelease 2>>"$LOG") || fail "no kernel release"
	[[ $kver =~ ^[0-9]+\.[0-9]+[^[:space:]/]*-rtd-$variant$ ]] || fail "unexpected kernel release '$kver'"

	mods=$(grep -c . "$TREE/modules.order" 2>/dev/null || true)
	if [ "${mods:-0}" -gt 0 ]; then
		log "installing $mods modules"
		kmake INSTALL_MOD_PATH="$PART/usr" modules_install ||
			fail "modules_install failed"
		[ -d "$PART/usr/lib/modules/$kver" ] || fail "modules_install put the modules elsewhere"
		# like a package: build -> the headers, relative inside the root
		rm -f "$PART/usr/lib/modules/$kver/build" "$PART/usr/lib/modules/$kver/source"
		ln -s "../../../src/linux-headers-$kver" "$PART/usr/lib/modules/$kver/build"
	fi

	# Objects are needed only by the kernel's own tools (scripts/, tools/
	# objtool): drop the rest, several GB with KASAN.
	log "removing objects ($(du -sh "$TREE" | cut -f1) before)"
	find "$TREE" \( -path "$TREE/scripts" -o -path "$TREE/tools" \) -prune -o \
		-type f \( -name '*.o' -o -name '*.a' -o -name '*.ko' -o -name '.tmp_vmlinux*' \) \
		-print0 | xargs -0 -r rm -f
	rm -f "$TREE/vmlinux.o" "$TREE"/.tmp_vmlinux*
	mv "$TREE" "$PART/usr/src/linux-headers-$kver"
	TREE=$PART/usr/src/linux-headers-$kver
	ln "$TREE/vmlinux" "$PART/vmlinux"
	smoke_module

	printf '%s\n' "$kver" >"$PART/kver"
	checkers "$TREE/.config" >"$PART/checkers"
	printf '%s\n' "$spec" >"$PART/source"
	printf '%s\n' "$(($(date +%s) - t0))" >"$PART/build-time"
	cp "$LOG" "$PART/build.log"
	printf '%s %s\n' "$spec" "$KEY" >"$PART/.complete"
	log "$variant: $kver built in $(cat "$PART/build-time") s ($(du -sh "$PART" | cut -f1)); checkers: $(cat "$PART/checkers")"
}

main() {
	local variant=${1:-} spec f out avail
	[ $# = 1 ] || usage
	fragments "$variant" >/dev/null || usage
	mkdir -p "$ROOT" "$DEBS"
	rtd_apt_setup
	spec=$(newest_source)
	KEY=$({
		echo "recipe $RECIPE"
		echo "source $spec"
		echo "variant $variant"
		for f in $(fragments "$variant"); do
			echo "== $f"
			cat "$FRAGS/$f"
		done
		for f in "$FRAGS"/patches/*.patch; do
			[ -f "$f" ] || continue
			echo "== patches/${f##*/}"
			cat "$f"
		done
	} | sha256sum | cut -c1-12)
	out=$ROOT/$variant-$KEY
	PART=$out.partial
	if [ ! -f "$out/.complete" ]; then
		# one build per output directory at a time
		exec 9>"$out.lock"
		flock 9
	fi
	if [ -f "$out/.complete" ]; then
		rtd_log "$variant: up to date"
		printf '%s\n' "$out"
		return 0
	fi
	avail=$(df -Pk "$ROOT" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$avail" -ge "$MIN_FREE_GB" ] ||
		rtd_die "$ROOT: only $avail GB free, a debug kernel build needs about $MIN_FREE_GB GB"
	LOG=$out.log
	: >"$LOG"
	log "$variant from $spec into $out"
	"$RTD_TOP/scripts/chroot.sh" trixie-kbuild >>"$LOG" 2>&1 || fail "cannot create the trixie-kbuild chroot"
	build "$variant" "$spec"
	rm -rf "$out"
	mv "$PART" "$out"
	printf '%s\n' "$out"
}

main "$@"
