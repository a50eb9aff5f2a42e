// SPDX-License-Identifier: GPL-2.0
/*
 * rtd-exit CODE: leave QEMU with exit status CODE from an arm64 guest, the
 * arm64 guest's counterpart of x86's isa-debug-exit port: Arm semihosting's
 * SYS_EXIT (QEMU runs with -semihosting-config enable=on,userspace=on), so
 * that the host can tell a guest that ran to its end from one that panicked
 * (a panic resets, and -no-reboot turns that into exit status 0).
 */
#include <stdio.h>
#include <stdlib.h>

#define SEMIHOSTING_SYS_EXIT		0x18
#define ADP_STOPPED_APPLICATION_EXIT	0x20026

static void semihost_exit(unsigned long code)
{
	/* AArch64 SYS_EXIT takes a block: reason, then the exit status */
	unsigned long block[2] = { ADP_STOPPED_APPLICATION_EXIT, code };

	asm volatile("mov x0, %0\n\tmov x1, %1\n\thlt #0xf000"
		     : : "r"((unsigned long)SEMIHOSTING_SYS_EXIT), "r"(block)
		     : "x0", "x1", "memory");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: rtd-exit CODE\n");
		return 2;
	}
	semihost_exit(strtoul(argv[1], NULL, 0));
	/* only without semihosting: the instruction traps (SIGILL) first */
	fprintf(stderr, "rtd-exit: semihosting did not leave QEMU\n");
	return 1;
}
