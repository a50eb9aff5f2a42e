#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# resolver-test.sh: scripts/resolve-kernels.sh against a fake archive (Packages
# indexes written here into a temporary apt lists directory; no network),
# with the series lines of the real scripts/kernels.conf. Prints one
# "ok NAME" / "not ok NAME # why" line per case; exit 1 if any failed.
#
#   locked         the archive holds the whole locked set: it is used
#   fallback       one locked package gone: the newest complete set, and the
#                  line that says so
#   kbuild-lags    the newest image has no kbuild of its version (Debian's
#                  6.1.192-2/-3 situation, turned around): the newest
#                  consistent set, never a mix
#   checksum       a locked package rebuilt under the same version: not used
#   series-gone    no complete set at all: a clear error, exit status 1
#   newest-name    the backports series is named after what it resolves to
#   update         --update writes a lock that the next run uses
#   arm64          an arm64 series: arm64 image and headers (PACKAGE:arm64),
#                  the amd64 kbuild, never the arm64 one; --arch arm64
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0

# conf: the real series lines of 6.1 and of the backports series.
awk '$1 == "6.1" || $1 == "bpo" || ($1 == "variant" && $2 == "bpo")' \
	"$TOP/scripts/kernels.conf" >"$T/kernels.conf"

# pkg SUITE NAME VERSION [SHA]: one stanza of the fake (amd64) index.
pkg() { pkg_arch amd64 "$@"; }

# pkg_arch ARCH SUITE NAME VERSION [SHA]: one stanza of ARCH's index.
pkg_arch() {
	local f=$T/lists/fake_dists_$2_main_binary-$1_Packages
	mkdir -p "$T/lists"
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nSHA256: %s\n\n' "$3" "$4" "$1" \
		"${5:-$(printf '%s=%s' "$3" "$4" | sha256sum | cut -d' ' -f1)}" >>"$f"
}

# set61 ABI VERSION [SUITE]: the four packages of one 6.1 set.
set61() {
	local s=${3:-bookworm-security}
	pkg "$s" "linux-image-$1-amd64-unsigned" "$2"
	pkg "$s" "linux-headers-$1-amd64" "$2"
	pkg "$s" "linux-headers-$1-common" "$2"
	pkg "$s" linux-kbuild-6.1 "$2"
}

# lock61 ABI VERSION: a lock naming that set, with the fake checksums.
lock61() {
	local p
	for p in "linux-image-$1-amd64-unsigned" "linux-headers-$1-amd64" \
		"linux-headers-$1-common" linux-kbuild-6.1; do
		printf '6.1\t%s=%s\t%s\n' "$p" "$2" "$(printf '%s=%s' "$p" "$2" | sha256sum | cut -d' ' -f1)"
	done >"$T/lock"
}

# resolve [ARG...]: run the resolver on the fake archive; sets $out (stdout),
# $err (stderr), $rc and $row (the resolved 6.1 row).
resolve() {
	RTD_CONF=$T/kernels.conf RTD_RESOLVED=$T/resolved \
		"$TOP/scripts/resolve-kernels.sh" --lists "$T/lists" --lock "$T/lock" "$@" \
		>"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
	row=$(awk -F'\t' '$1 == "6.1"' "$T/resolved" 2>/dev/null)
}

# check NAME CONDITION...: one result line.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok $name"
	else
		echo "not ok $name # rc=$rc out='$out' err='$(echo "$err" | tr '\n' '|')'"
		failed=1
	fi
}

has() { case $1 in *"$2"*) return 0 ;; esac; return 1; }

reset() { rm -rf "$T/lists" "$T/lock" "$T/resolved"; : >"$T/lock"; }

# locked: 56 and 57 both complete, the lock names 56.
reset
set61 6.1.0-56 6.1.192-2
set61 6.1.0-57 6.1.192-3
lock61 6.1.0-56 6.1.192-2
resolve 6.1
check locked eval '[ $rc = 0 ] && [ "$out" = 6.1 ] &&
	has "$err" "6.1: testing locked 6.1.0-56-amd64 (6.1.192-2)" &&
	has "$row" "linux-kbuild-6.1=6.1.192-2"'

# fallback: the archive lost 56's kbuild (only the newest kbuild stays).
reset
set61 6.1.0-57 6.1.192-3
pkg bookworm-security linux-image-6.1.0-56-amd64-unsigned 6.1.192-2
pkg bookworm-security linux-headers-6.1.0-56-amd64 6.1.192-2
pkg bookworm-security linux-headers-6.1.0-56-common 6.1.192-2
lock61 6.1.0-56 6.1.192-2
resolve 6.1
check fallback eval '[ $rc = 0 ] && [ "$out" = 6.1 ] &&
	has "$err" "6.1: locked 6.1.0-56 gone, testing 6.1.0-57-amd64 (6.1.192-3)" &&
	has "$row" "linux-image-6.1.0-57-amd64-unsigned=6.1.192-3" &&
	! has "$row" 6.1.192-2'

# kbuild-lags: 58's image and headers are out, its kbuild is not yet.
reset
set61 6.1.0-57 6.1.192-3
pkg bookworm-security linux-image-6.1.0-58-amd64-unsigned 6.1.193-1
pkg bookworm-security linux-headers-6.1.0-58-amd64 6.1.193-1
pkg bookworm-security linux-headers-6.1.0-58-common 6.1.193-1
resolve 6.1
check kbuild-lags eval '[ $rc = 0 ] && has "$err" "nothing locked, testing 6.1.0-57-amd64 (6.1.192-3)" &&
	has "$row" "linux-kbuild-6.1=6.1.192-3" && ! has "$row" 6.1.193'

# checksum: the locked version is there but with other contents.
reset
set61 6.1.0-56 6.1.192-2
set61 6.1.0-57 6.1.192-3
lock61 6.1.0-56 6.1.192-2
sed -i '1s/\t[0-9a-f]*$/\tdeadbeef/' "$T/lock"
resolve 6.1
check checksum eval '[ $rc = 0 ] && has "$row" "6.1.192-3" && has "$err" "changed in the archive"'

# series-gone: nothing complete in 6.1's suites (only in another suite).
reset
set61 6.1.0-57 6.1.192-3 trixie
lock61 6.1.0-57 6.1.192-3
resolve 6.1
check series-gone eval '[ $rc != 0 ] && has "$err" "6.1: the archive holds no complete set of this series"'

# newest-name: backports moved from 7.3 to 7.4; the entry and its variant
# follow without a change to the configuration.
reset
for v in 7.3.4 7.4.1; do
	for p in "linux-binary-$v+deb13-amd64" "linux-base-$v+deb13-amd64" \
		"linux-headers-$v+deb13-amd64" "linux-headers-$v+deb13-common" "linux-kbuild-$v+deb13"; do
		pkg trixie-backports "$p" "$v-1~bpo13+1"
	done
done
set61 6.1.0-57 6.1.192-3
resolve
check newest-name eval '[ $rc = 0 ] && has " $out " " 7.4 " && has " $out " " 7.4+full " &&
	has "$err" "7.4: nothing locked, testing 7.4.1+deb13-amd64 (7.4.1-1~bpo13+1)" &&
	[ "$(awk -F"\t" "\$1 == \"7.4+full\" { print \$10 }" "$T/resolved")" = full ]'

# update: the lock written from today's newest sets is used next time.
resolve --update
check update eval '[ $rc = 0 ] && grep -q "^6.1	linux-kbuild-6.1=6.1.192-3	" "$T/lock" &&
	grep -q "^bpo	linux-kbuild-7.4.1+deb13=7.4.1-1~bpo13+1	" "$T/lock" &&
	resolve 6.1 7.4 && [ $rc = 0 ] && has "$err" "6.1: testing locked 6.1.0-57-amd64" &&
	has "$err" "7.4: testing locked 7.4.1+deb13-amd64"'

# arm64: the arm64 6.1 series next to the x86 one. 6.1.0-58 has its arm64
# image, headers and kbuild, but no amd64 kbuild yet: not complete (the
# kbuild's tools run on this machine). The arm64 entry is not a default one.
reset
cp "$T/kernels.conf" "$T/kernels.conf.x86"
awk '$1 == "6.1" || $1 == "arm64:6.1"' "$TOP/scripts/kernels.conf" >"$T/kernels.conf"
set61 6.1.0-57 6.1.192-3
for v in 6.1.0-57=6.1.192-3 6.1.0-58=6.1.193-1; do
	pkg_arch arm64 bookworm-security "linux-image-${v%=*}-arm64-unsigned" "${v#*=}"
	pkg_arch arm64 bookworm-security "linux-headers-${v%=*}-arm64" "${v#*=}"
	pkg_arch arm64 bookworm-security linux-kbuild-6.1 "${v#*=}"
	pkg_arch all bookworm-security "linux-headers-${v%=*}-common" "${v#*=}"
done
resolve --arch arm64
arm=$(awk -F'\t' '$1 == "arm64:6.1"' "$T/resolved")
check arm64 eval '[ $rc = 0 ] && [ "$out" = arm64:6.1 ] &&
	has "$arm" "linux-image-6.1.0-57-arm64-unsigned:arm64=6.1.192-3" &&
	has "$arm" "linux-headers-6.1.0-57-arm64:arm64=6.1.192-3" &&
	has "$arm" "linux-headers-6.1.0-57-common=6.1.192-3" &&
	has "$arm" "linux-kbuild-6.1=6.1.192-3" && ! has "$arm" "linux-kbuild-6.1:arm64" &&
	! has "$arm" 6.1.193 && [ "$(awk -F"\t" "{ print \$6 }" <<<"$arm")" = 6.1.0-57-arm64 ] &&
	resolve && [ "$out" = 6.1 ] && resolve --arch x86_64 && [ "$out" = 6.1 ]'
mv "$T/kernels.conf.x86" "$T/kernels.conf"

exit $failed
