/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding rtdefer's per-CPU kernel threads from user space. On PREEMPT_RT
 * kernels the kernel has irq_work/N threads of its own; they exist before
 * rtdefer loads, so the tests list them first and skip them afterwards.
 */
#ifndef RTD_THREADS_H
#define RTD_THREADS_H

#include <dirent.h>
#include "rtd_guest.h"

#define RTD_MAX_THREADS 64

struct rtd_threads {
	int pid[RTD_MAX_THREADS];
	int cpu[RTD_MAX_THREADS];
	int n;
};

/* The CPU of a thread named PREFIX/N, or -1 for any other name. */
static inline int rtd_thread_cpu(const char *comm, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *num = comm + len + 1;
	char *end;
	long cpu;

	if (strncmp(comm, prefix, len) || comm[len] != '/')
		return -1;
	cpu = strtol(num, &end, 10);
	if (end == num || (*end && *end != '\n'))
		return -1;
	return cpu;
}

static inline int rtd_threads_has(const struct rtd_threads *t, int pid)
{
	int i;

	for (i = 0; t && i < t->n; i++)
		if (t->pid[i] == pid)
			return 1;
	return 0;
}

/* Kernel threads named PREFIX/N (e.g. "irq_work"), minus those in @skip. */
static inline void rtd_find_threads(struct rtd_threads *t, const char *prefix,
				    const struct rtd_threads *skip)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], comm[64];
	int pid, cpu;

	t->n = 0;
	while (d && (e = readdir(d)) && t->n < RTD_MAX_THREADS) {
		pid = atoi(e->d_name);
		if (pid <= 0 || rtd_threads_has(skip, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		if (rtd_read_file(path, comm, sizeof(comm)) <= 0)
			continue;
		cpu = rtd_thread_cpu(comm, prefix);
		if (cpu < 0)
			continue;
		t->pid[t->n] = pid;
		t->cpu[t->n++] = cpu;
	}
	if (d)
		closedir(d);
}

/* The PID of the thread serving @cpu, or -1. */
static inline int rtd_thread_of_cpu(const struct rtd_threads *t, int cpu)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->cpu[i] == cpu)
			return t->pid[i];
	return -1;
}

#endif /* RTD_THREADS_H */
