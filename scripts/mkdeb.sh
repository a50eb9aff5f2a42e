#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mkdeb.sh OUTDIR: build the rtdefer-dkms Debian package (source and binary)
# with Debian's own tools (dpkg-buildpackage, debhelper, dh-dkms) from a copy
# of the working tree's files (tracked or new, not ignored) in
# OUTDIR/rtdefer-VERSION. Leaves the .deb, .dsc, source tarball, .buildinfo
# and .changes in OUTDIR and prints the .deb's path.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
out=$1

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$RTD_TOP/dkms.conf")
debversion=$(cd "$RTD_TOP" && dpkg-parsechangelog -S Version)
# a native package: debian/changelog carries dkms.conf's version as it is
[ "$debversion" = "$version" ] ||
	rtd_die "debian/changelog says $debversion, dkms.conf says $version: add a changelog entry (dch -v $version)"

rm -rf "$out"
mkdir -p "$out/rtdefer-$version"
out=$(cd "$out" && pwd)
if git -C "$RTD_TOP" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$RTD_TOP" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		xargs -0 cp -p --parents -t "$out/rtdefer-$version")
else
	(cd "$RTD_TOP" && tar -c --exclude=./build .) | tar -x -C "$out/rtdefer-$version"
fi
(cd "$out/rtdefer-$version" && dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; rtd_die "dpkg-buildpackage failed (see $out/build.log)"; }
ls "$out"/rtdefer-dkms_"$version"_all.deb
