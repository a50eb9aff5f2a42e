#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trixie-chroot.sh               create (once) the trixie build chroot
# trixie-chroot.sh run CMD...    run CMD inside it
#
# Kernels built with gcc-14 and whose kbuild tools need glibc >= 2.38 (7.x)
# cannot build modules on bookworm; their modules are built in a minimal
# trixie chroot under $RTD_CACHE (see scripts/chroot.sh, which does the work).
exec "$(dirname "$0")/chroot.sh" trixie "$@"
