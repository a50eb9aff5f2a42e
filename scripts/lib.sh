# SPDX-License-Identifier: GPL-2.0
# Shared helpers for rtdefer's scripts. Source it; do not run it.
#
# Everything downloaded lives under $RTD_CACHE (default ~/.cache/rtdefer) and
# is reused between runs. The machine's own apt configuration is only read
# (to learn which Debian mirror it uses), never changed.

RTD_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RTD_CACHE=${RTD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rtdefer}
RTD_CONF=${RTD_CONF:-$RTD_TOP/scripts/kernels.conf}
RTD_LOCK=${RTD_LOCK:-$RTD_TOP/scripts/kernels.lock}
# what scripts/resolve-kernels.sh made of the series: the exact packages
RTD_RESOLVED=${RTD_RESOLVED:-$RTD_TOP/build/kernels.resolved}
RTD_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

rtd_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
rtd_die() { rtd_log "error: $*"; exit 1; }

# rtd_apt_uris: print "URI SUITE" for every Debian source the machine's apt
# configuration names, from one-line and deb822 files alike.
rtd_apt_uris() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" {
			i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			print $i, $(i + 1) }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u in U) for (s in S) print U[u], S[s]
			delete U; delete S; types = ""; enabled = "" }
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { types = substr($0, index($0, ":") + 1) }
		tolower($1) == "enabled:" { enabled = tolower($2) }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) U[i] = $i }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) S[i] = $i }
		END { flush() }' "$f"
	done
}

# rtd_mirror KIND: the Debian archive ("main") or security ("security") URI.
rtd_mirror() {
	local uri
	if [ "$1" = security ]; then
		uri=$(rtd_apt_uris | awk '$2 ~ /-security$/ { print $1; exit }')
	else
		uri=$(rtd_apt_uris | awk '$2 !~ /-security$/ && $1 ~ /debian\/?$/ { print $1; exit }')
	fi
	[ -n "$uri" ] || rtd_die "no Debian $1 mirror in this machine's apt configuration"
	printf '%s\n' "${uri%/}"
}

# rtd_deb_field PKG=VER FIELD: a field of the archive's index for that version.
rtd_deb_field() {
	rtd_apt_cache show "$1" 2>/dev/null | awk -v f="$2:" '$1 == f { print $2; exit }'
}

# rtd_fetch_deb PKG[:ARCH]=VER: print the path of a verified .deb in the
# cache (PKG:arm64 for a package of the foreign architecture).
rtd_fetch_deb() {
	local spec=$1 pkg=${1%%=*} ver=${1#*=} sum file newest
	sum=$(rtd_deb_field "$spec" SHA256)
	if [ -z "$sum" ]; then
		newest=$(rtd_apt_cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		rtd_die "$spec is not in the archive any more (newest: ${newest:-none})"
	fi
	file=$RTD_CACHE/debs/${pkg%%:*}_${ver//:/%3a}_$(rtd_deb_field "$spec" Architecture).deb
	if [ -f "$file" ] && [ "$(sha256sum <"$file" | cut -d' ' -f1)" != "$sum" ]; then
		rtd_log "cached $(basename "$file") is corrupt or partial: fetching it again"
		rm -f "$file"
	fi
	if [ ! -f "$file" ]; then
		rtd_log "downloading $spec"
		(mkdir -p "$RTD_CACHE/debs" && cd "$RTD_CACHE/debs" && rtd_apt_get download "$spec" >/dev/null) ||
			rtd_die "download of $spec failed"
		[ "$(sha256sum <"$file" | cut -d' ' -f1)" = "$sum" ] ||
			rtd_die "$spec: checksum mismatch after download"
	fi
	printf '%s\n' "$file"
}

# Private apt state: lists, caches and sources of our own under
# $RTD_APT_DIR. Its indexes cover amd64 (the host: kbuild's tools, the
# x86 kernels) and arm64 (the arm64 kernels and what their guests run);
# arm64 packages are named PKG:arm64.
RTD_APT_DIR=$RTD_CACHE/apt-amd64+arm64
rtd_apt_opts() {
	local d=$RTD_APT_DIR
	printf '%s\n' -o "Dir::Etc::SourceList=$d/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$d/lists" \
		-o "Dir::Cache=$d/cache" -o Dir::State::status=/dev/null \
		-o APT::Architecture=amd64 -o APT::Architectures::=amd64 \
		-o APT::Architectures::=arm64 -o APT::Sandbox::User=root
}

# rtd_apt_setup: write our sources list for every suite the matrix needs
# (plus bookworm for linux-source) and refresh it when older than a day.
rtd_apt_setup() {
	local d=$RTD_APT_DIR main sec suites s list
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	main=$(rtd_mirror main) || exit 1
	sec=$(rtd_mirror security) || exit 1
	suites=$(awk '!/^#/ && NF && $1 != "variant" { print $4 }' "$RTD_CONF" | tr ',' '\n')
	list=$(for s in bookworm $suites; do
		case $s in
		*-security) printf 'deb [signed-by=%s] %s %s main\n' "$RTD_KEYRING" "$sec" "$s" ;;
		*) printf 'deb [signed-by=%s] %s %s main\n' "$RTD_KEYRING" "$main" "$s" ;;
		esac
	done | sort -u)
	if [ "$list" != "$(cat "$d/sources.list" 2>/dev/null)" ] ||
		[ -z "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
		printf '%s\n' "$list" >"$d/sources.list"
		rtd_log "refreshing private apt lists"
		mapfile -t opts < <(rtd_apt_opts)
		apt-get -q "${opts[@]}" update >"$d/update.log" 2>&1 ||
			{ cat "$d/update.log" >&2; rtd_die "apt-get update failed"; }
	fi
}

# rtd_apt CMD ARGS...: apt-get/apt-cache with the private state.
rtd_apt_get() { local o; mapfile -t o < <(rtd_apt_opts); apt-get -q "${o[@]}" "$@"; }
rtd_apt_cache() { local o; mapfile -t o < <(rtd_apt_opts); apt-cache "${o[@]}" "$@"; }

# rtd_kernel_field ID FIELD: one field of a resolved matrix entry
# (scripts/resolve-kernels.sh writes them). Fields: kver, build, cc,
# version (Debian's), series, flags, base (the entry whose build and packages a
# preemption-model variant shares; the entry itself otherwise), preempt
# (the model a variant boots with, "-" otherwise), packages (one per line).
rtd_kernel_field() {
	[ -f "$RTD_RESOLVED" ] || rtd_die "no $RTD_RESOLVED: run scripts/resolve-kernels.sh"
	awk -F'\t' -v id="$1" -v f="$2" '$1 == id {
		if (f == "series") print $2; else if (f == "flags") print $3
		else if (f == "build") print $4
		else if (f == "cc") print $5; else if (f == "kver") print $6
		else if (f == "version") print $7; else if (f == "base") print $9
		else if (f == "preempt") print $10
		else if (f == "packages") { n = split($11, p, " "); for (i = 1; i <= n; i++) print p[i] }
		found = 1; exit }
		END { exit !found }' "$RTD_RESOLVED"
}

# rtd_id_dir ID: an entry's name as a directory name (kbuild refuses a
# module directory whose path holds a ':', as in arm64:6.12).
rtd_id_dir() { printf '%s\n' "${1//:/-}"; }

# rtd_kernel_arch ID: the architecture of a matrix entry, arm64 or x86_64
# (arm64 series are the ones whose key starts with "arm64:").
rtd_kernel_arch() {
	local series
	series=$(rtd_kernel_field "$1" series) || return 1
	case $series in
	arm64:*) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}

# rtd_elf_arch FILE: arm64 or x86_64, what an ELF file (a module, a
# program) was built for.
rtd_elf_arch() {
	case $(od -An -tx1 -j18 -N2 "$1" | tr -d ' ') in
	b700) echo arm64 ;;
	3e00) echo x86_64 ;;
	*) rtd_log "$1: not an x86_64 or arm64 ELF file"; return 1 ;;
	esac
}

# rtd_preempt_arg ID: the kernel parameter a preemption-model variant boots
# with (nothing for a series' own entry).
rtd_preempt_arg() {
	local m
	m=$(rtd_kernel_field "$1" preempt) || return 1
	[ "$m" = - ] || printf 'preempt=%s\n' "$m"
}

# rtd_all_kernels: the default entries of the last resolution.
rtd_all_kernels() { awk -F'\t' '$3 ~ /^default(,|$)/ { print $1 }' "$RTD_RESOLVED"; }

# rtd_wait_slot N: return once fewer than N of the caller's background jobs
# run (one TCG guest per host CPU at a time).
rtd_wait_slot() {
	while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do
		wait -n
	done
}

# What an arm64 entry needs on this machine: QEMU for arm64 and the cross
# compiler and C library for the modules and the static guest programs
# (7.x kernels build their modules with trixie's gcc-14 cross compiler,
# inside the trixie-arm64 chroot).
RTD_ARM64_DEPS="qemu-system-arm gcc-12-aarch64-linux-gnu libc6-dev-arm64-cross"

# rtd_guest_cc ARCH ARG...: compile a static program for a guest of ARCH
# (x86_64 or arm64); ARG... are the compiler's other arguments.
rtd_guest_cc() {
	local cc=gcc
	[ "$1" = arm64 ] && cc=aarch64-linux-gnu-gcc-12
	shift
	"$cc" -static -O2 -Wall -Wextra -Werror "$@"
}

# rtd_guest_busybox ARCH: the path of a static busybox for a guest of ARCH:
# the machine's own (busybox-static) for x86_64; for arm64, the one of
# bookworm's busybox-static:arm64, unpacked (never installed) into the cache.
rtd_guest_busybox() {
	local ver deb dir
	if [ "$1" != arm64 ]; then
		command -v busybox || rtd_die "busybox-static is not installed"
		return
	fi
	rtd_apt_setup
	ver=$(rtd_apt_cache policy busybox-static:arm64 | awk '/Candidate:/ { print $2 }')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || rtd_die "busybox-static:arm64 not found"
	dir=$RTD_CACHE/guest-busybox/arm64-${ver//:/%3a}
	if [ ! -x "$dir/bin/busybox" ]; then
		deb=$(rtd_fetch_deb "busybox-static:arm64=$ver") || return 1
		rm -rf "$dir.partial"
		mkdir -p "$dir.partial"
		dpkg-deb -x "$deb" "$dir.partial" || rtd_die "cannot unpack $deb"
		rm -rf "$dir"
		mv "$dir.partial" "$dir"
	fi
	printf '%s\n' "$dir/bin/busybox"
}

# Where a kernel of the matrix is unpacked: image, headers and kbuild in one
# root so that the relative symlinks between them resolve.
# Keyed by the kernel release, so that a fallback to another ABI never
# replaces the unpacked kernel another entry or worktree uses.
rtd_kroot() { printf '%s/kernels/%s\n' "$RTD_CACHE" "$(rtd_kernel_field "$1" kver)"; }
rtd_kdir() { printf '%s/usr/src/linux-headers-%s\n' "$(rtd_kroot "$1")" "$(rtd_kernel_field "$1" kver)"; }
# rtd_chroot_dir [NAME]: where scripts/chroot.sh keeps chroot NAME (trixie).
rtd_chroot_dir() {
	case ${1:-trixie} in
	trixie) printf '%s/trixie-chroot\n' "$RTD_CACHE" ;;
	*) printf '%s/chroots/%s\n' "$RTD_CACHE" "$1" ;;
	esac
}

# rtd_step NAME CMD...: run one step of a test script, its output appended
# to $RTD_STEP_LOG, and print "ok NAME" or "not ok NAME # see LOG" (the
# lines tests/check.sh records). Returns CMD's status.
rtd_step() {
	local name=$1
	shift
	echo "== $name: $*" >>"$RTD_STEP_LOG"
	if "$@" >>"$RTD_STEP_LOG" 2>&1; then
		echo "ok $name"
	else
		echo "not ok $name # see $RTD_STEP_LOG"
		return 1
	fi
}

# rtd_build_log_clean LOG: a kbuild log without any compiler or modpost
# warning or error (BTF generation skipped for want of vmlinux is fine).
rtd_build_log_clean() {
	! grep -i -E 'warning|error' "$1" | grep -v 'Skipping BTF generation'
}

# rtd_install_packages LOG PKG...: install the Debian packages that are
# missing (as root; otherwise name them and fail).
rtd_install_packages() {
	local log=$1 missing p
	shift
	missing=$(for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
	done)
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || rtd_die "missing packages (install as root): $(echo $missing)"
	rtd_log "installing: $(echo $missing)"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing; } \
		>"$log" 2>&1 || { tail -20 "$log" >&2; rtd_die "apt-get install failed"; }
}

# rtd_code_line: the commit a run built, and whether the tree had changes
rtd_code_line() {
	local c dirty=
	c=$(git -C "$RTD_TOP" log -1 --format='%h %s' 2>/dev/null) || c=unknown
	[ "$c" = unknown ] || c="${c%% *} (${c#* })"
	[ ${#c} -le 72 ] || c="${c:0:70}…)"
	[ -n "$(git -C "$RTD_TOP" status --porcelain -- src include tests bench 2>/dev/null)" ] &&
		dirty=", with uncommitted changes to src/, include/, tests/ or bench/"
	printf '%s%s' "$c" "$dirty"
}
