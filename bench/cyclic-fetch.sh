#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cyclic-fetch.sh DEST: put Debian's cyclictest (package rt-tests) and the
# shared libraries it needs, the dynamic loader included, into DEST/bin and
# DEST/lib, for the benchmark guest (goal G5; bench/README.md, "cyclictest").
#
# The packages come from the archive through the private apt state of
# scripts/lib.sh (the candidate versions: bookworm's), verified and cached
# under $RTD_CACHE/debs; unpacked once per set of versions under
# $RTD_CACHE/cyclictest/. The libraries are what the binaries' DT_NEEDED
# entries name, followed transitively; a library none of the packages
# holds is an error. The guest runs cyclictest through the loader
# (DEST/lib/ld-linux-x86-64.so.2 --library-path DEST/lib), so it needs no
# /lib of its own.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
dest=$1
PKGS="rt-tests libnuma1 libc6"
LOADER=ld-linux-x86-64.so.2

rtd_apt_setup
specs=
for p in $PKGS; do
	v=$(rtd_apt_cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		rtd_die "$p is not in the archive"
	fi
	specs="$specs $p=$v"
done
specs=${specs# }
root=$RTD_CACHE/cyclictest/$(echo "$specs" | tr ' :' '_%')
if [ "$(cat "$root/.complete" 2>/dev/null)" != "$specs" ]; then
	rm -rf "$root"
	mkdir -p "$root"
	for s in $specs; do
		deb=$(rtd_fetch_deb "$s") || exit 1
		dpkg-deb -x "$deb" "$root"
	done
	echo "$specs" >"$root/.complete"
fi

# find_lib NAME: the library NAME in the unpacked packages
find_lib() {
	local d
	for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64; do
		if [ -e "$root/$d/$1" ]; then
			readlink -f "$root/$d/$1"
			return 0
		fi
	done
	return 1
}

rm -rf "$dest"
mkdir -p "$dest/bin" "$dest/lib"
cp "$root/usr/bin/cyclictest" "$dest/bin/"
todo="$dest/bin/cyclictest"
while [ -n "$todo" ]; do
	next=
	for f in $todo; do
		for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -e "$dest/lib/$n" ] && continue
			src=$(find_lib "$n") || rtd_die "cyclictest needs $n, which none of $PKGS has"
			cp "$src" "$dest/lib/$n"
			next="$next $dest/lib/$n"
		done
	done
	todo=$next
done
src=$(find_lib $LOADER) || rtd_die "no $LOADER in libc6"
cp "$src" "$dest/lib/$LOADER"
echo "$specs" >"$dest/packages"
