# SPDX-License-Identifier: GPL-2.0
# rtdefer: user-facing targets. The kbuild rules live in Kbuild.
#
#   make                 build rtdefer.ko for the running kernel
#   make install         install it under /lib/modules/KVER/updates, depmod
#   sudo make dkms       install through DKMS for the running kernel, load it
#   make uninstall       remove what install or dkms put in place
#   make check           build and test on the kernel matrix in QEMU guests
#                        (KERNELS="6.1 7.3+full" for a subset; ARCH=arm64
#                        for every arm64 kernel)
#   make kernels-update  lock the newest kernels of each series
#                        (scripts/kernels.lock, the README's table)
#   make demo            boot a stock kernel in QEMU with rtdefer and show it
#                        at work (KERNEL=7.3-rt for another kernel)
#   make deb             build the rtdefer-dkms Debian package in build/deb
#   make docs            regenerate docs/api.md from the kernel-doc comments
#   make dkms-src DKMS_SRC=DIR   copy what DKMS builds from into DIR
#   make torture         long torture runs in QEMU guests (KERNELS=..., DURATION=s)
#   make bench           benchmark against the kernels' own mechanisms in QEMU
#                        guests (KERNELS=..., BOOTS=n): build/bench/report.md
#   make clean

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
DKMS_SRC := /usr/src/rtdefer-$(VERSION)
# What DKMS builds from: the contents of /usr/src/rtdefer-VERSION.
DKMS_FILES = Kbuild dkms.conf scripts/dkms-make scripts/dkms-post-build \
	$(shell find include src -name '*.[ch]' -o -name '*.sh' -o -name '*.sym' | LC_ALL=C sort)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KERNELRELEASE)

dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -p --parents $(DKMS_FILES) $(DKMS_SRC)/

dkms: dkms-src
	-dkms remove -m rtdefer -v $(VERSION) --all >/dev/null 2>&1
	dkms add -m rtdefer -v $(VERSION)
	dkms build -m rtdefer -v $(VERSION) -k $(KERNELRELEASE)
	dkms install -m rtdefer -v $(VERSION) -k $(KERNELRELEASE)
	modprobe rtdefer

uninstall:
	-modprobe -r rtdefer
	-dkms remove -m rtdefer -v $(VERSION) --all
	rm -rf $(DKMS_SRC)
	rm -f /lib/modules/$(KERNELRELEASE)/updates/rtdefer.ko*
	depmod -a $(KERNELRELEASE)

check:
	tests/check.sh

kernels-update:
	scripts/resolve-kernels.sh --update
	scripts/resolve-kernels.sh --readme

demo:
	scripts/demo.sh $(KERNEL)

deb:
	scripts/mkdeb.sh build/deb

docs:
	scripts/mkdocs.sh docs/api.md
	tests/api-coverage.pl >docs/coverage.md

bench:
	scripts/bench.sh

torture:
	scripts/torture.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || \
		rm -rf src/*.o src/.*.cmd *.o *.ko *.mod *.mod.c .*.cmd \
			Module.symvers modules.order generated
	rm -rf build

.PHONY: all modules install dkms dkms-src uninstall check kernels-update demo deb docs bench torture clean
