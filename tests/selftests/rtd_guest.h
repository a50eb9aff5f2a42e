/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for rtdefer's selftests. These programs load and unload kernel
 * modules and offline CPUs, so they refuse to run anywhere but inside the
 * QEMU guest that tests/vm builds: its initramfs holds the marker file below
 * and its kernel command line carries rtdefer_guest=1.
 */
#ifndef RTD_GUEST_H
#define RTD_GUEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RTD_GUEST_MARKER "/etc/rtdefer-guest"
#define RTD_MODDIR_DEFAULT "/rtd/modules"

/* Read a whole small file into buf (NUL-terminated); length or -errno. */
static inline ssize_t rtd_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	close(fd);
	return off;
}

/* Write a string to a file; 0 or -errno. */
static inline int rtd_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static inline int rtd_in_guest(void)
{
	char cmdline[4096];

	if (access(RTD_GUEST_MARKER, F_OK))
		return 0;
	if (rtd_read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		return 0;
	return !!strstr(cmdline, "rtdefer_guest=1");
}

__attribute__((constructor)) static void rtd_refuse_outside_guest(void)
{
	if (rtd_in_guest())
		return;
	fprintf(stderr,
		"refusing to run: this test loads modules and offlines CPUs;\n"
		"it runs only inside rtdefer's QEMU guest (make check)\n");
	exit(2);
}

/* Load NAME.ko from the guest's module directory; 0 or -errno. */
static inline int rtd_load(const char *name, const char *params)
{
	const char *dir = getenv("RTD_MODDIR") ?: RTD_MODDIR_DEFAULT;
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ?: "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* Unload a module without waiting; 0 or -errno. */
static inline int rtd_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/*
 * Whether this kernel runs kmemleak (the debug kernels): there, KASAN's
 * quarantine and kmemleak's own metadata keep freed objects counted as in
 * use for a while, so slab counts say nothing about leaks; the guest's
 * kmemleak scan at the end is the leak check on these kernels.
 */
static inline int rtd_kmemleak_kernel(void)
{
	return !access("/sys/kernel/debug/kmemleak", F_OK);
}

/* Whether a module of that name is listed in /proc/modules. */
static inline int rtd_loaded(const char *name)
{
	char buf[65536], pat[80];

	if (rtd_read_file("/proc/modules", buf, sizeof(buf)) < 0)
		return 0;
	snprintf(pat, sizeof(pat), "\n%s ", name);
	return !strncmp(buf, pat + 1, strlen(pat + 1)) || strstr(buf, pat);
}

/* Voluntary plus involuntary context switches of a task. */
static inline long rtd_task_switches(int pid)
{
	char path[64], buf[4096], *p;
	long total = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (rtd_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = strstr(buf, "ctxt_switches:"); p; p = strstr(p + 1, "ctxt_switches:"))
		total += atol(p + strlen("ctxt_switches:"));
	return total;
}

#endif /* RTD_GUEST_H */
