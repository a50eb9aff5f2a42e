// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_hog CPU: the benchmark's load, a user-space busy loop (SCHED_OTHER)
 * pinned to one CPU; it runs until killed. Like the selftests it refuses to
 * run outside rtdefer's QEMU guest.
 */
#include "rtd_guest.h"

#include <sched.h>

int main(int argc, char **argv)
{
	cpu_set_t set;

	if (argc != 2) {
		fprintf(stderr, "usage: rtd_hog CPU\n");
		return 2;
	}
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[1]), &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("rtd_hog: sched_setaffinity");
		return 1;
	}
	for (;;)
		__asm__ __volatile__("" : : : "memory");	/* keep the loop */
}
