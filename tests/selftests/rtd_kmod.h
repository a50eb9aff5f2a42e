/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the selftests that load modules the way users do: with kmod's
 * modprobe and modinfo (/sbin, copied into the guest by tests/vm/kmod-root.sh)
 * from /lib/modules/$(uname -r), which holds rtdefer as DKMS installed it and
 * the sample consumer (tests/dkms-kernel.sh). Include after rtd_guest.h.
 */
#ifndef RTD_KMOD_H
#define RTD_KMOD_H

#include <ctype.h>
#include <stdarg.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

/*
 * Run a shell command; its output (stdout and stderr, trailing white space
 * removed) goes to @out. Returns its exit status, or -1.
 */
static inline int rtd_run(char *out, size_t len, const char *fmt, ...)
{
	char cmd[512];
	size_t n = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	while (n && isspace((unsigned char)out[n - 1]))
		out[--n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline const char *rtd_kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0])
		uname(&u);
	return u.release;
}

/* Read a small decimal number from a file; -1 if unreadable. */
static inline long rtd_read_long(const char *path)
{
	char buf[64];

	if (rtd_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Wait up to @ms for the number in @path to reach @want; the last value. */
static inline long rtd_wait_long(const char *path, long want, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long v = rtd_read_long(path);

	for (; v != want && ms > 0; ms -= 10) {
		nanosleep(&ts, NULL);
		v = rtd_read_long(path);
	}
	return v;
}

/* Unload everything the DKMS and sample tests may have loaded. */
static inline void rtd_kmod_unload_all(void)
{
	rtd_unload("rtdefer_sample");
	rtd_unload("rtd_test");
	rtd_unload("rtdefer");
}

#endif /* RTD_KMOD_H */
