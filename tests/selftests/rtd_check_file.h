/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the in-kernel checks of rtdefer's test modules (see
 * tests/module/rtd_check.h): include after kselftest_harness.h.
 */
#ifndef RTD_CHECK_FILE_H
#define RTD_CHECK_FILE_H

#include <sched.h>
#include "rtd_threads.h"

/*
 * Read /sys/kernel/debug/<dir>/<name>; the check passed if it says "ok",
 * and is skipped (with the module's reason) if it says "skip: why".
 */
static inline void rtd_run_check(struct __test_metadata *_metadata,
				 const char *dir, const char *name)
{
	char path[160], out[512];

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", dir, name);
	ASSERT_LT(0, rtd_read_file(path, out, sizeof(out))) {
		TH_LOG("cannot read %s", path);
	}
	TH_LOG("%s: %s", name, out);
	if (!strncmp(out, "skip: ", 6)) {
		out[strcspn(out, "\n")] = '\0';
		SKIP(return, "%s", out + 6);
	}
	EXPECT_EQ(0, strncmp(out, "ok", 2));
}

/* One thread per online CPU, bound to it, SCHED_FIFO 1. */
static inline void rtd_check_threads_fifo1(struct __test_metadata *_metadata,
					   const struct rtd_threads *t)
{
	struct sched_param sp;
	cpu_set_t set;
	int i;

	ASSERT_EQ(sysconf(_SC_NPROCESSORS_ONLN), t->n);
	for (i = 0; i < t->n; i++) {
		EXPECT_EQ(SCHED_FIFO, sched_getscheduler(t->pid[i]));
		ASSERT_EQ(0, sched_getparam(t->pid[i], &sp));
		EXPECT_EQ(1, sp.sched_priority);
		ASSERT_EQ(0, sched_getaffinity(t->pid[i], sizeof(set), &set));
		EXPECT_EQ(1, CPU_COUNT(&set));
		EXPECT_TRUE(CPU_ISSET(t->cpu[i], &set));
	}
}

/* With no work the threads never wake: no context switch in 2 s. */
static inline void rtd_check_threads_idle(struct __test_metadata *_metadata,
					  const struct rtd_threads *t)
{
	long before[RTD_MAX_THREADS];
	int i;

	ASSERT_LT(0, t->n);
	sleep(1);	/* let them settle after creation */
	for (i = 0; i < t->n; i++)
		before[i] = rtd_task_switches(t->pid[i]);
	sleep(2);
	for (i = 0; i < t->n; i++) {
		EXPECT_EQ(before[i], rtd_task_switches(t->pid[i])) {
			TH_LOG("thread of CPU %d woke while idle", t->cpu[i]);
		}
	}
}

#define RTD_CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

/*
 * Take CPU 1 down and up @cycles times, @pause_ms apart, and leave it down:
 * what was queued on it must then have moved to a live CPU.
 */
static inline void rtd_cycle_cpu1_ending_down(struct __test_metadata *_metadata,
					      int cycles, int pause_ms)
{
	int i;

	for (i = 0; i < cycles; i++) {
		usleep(pause_ms * 1000);
		ASSERT_EQ(0, rtd_write_file(RTD_CPU1_ONLINE, "0"));
		usleep(pause_ms * 1000);
		ASSERT_EQ(0, rtd_write_file(RTD_CPU1_ONLINE, "1"));
	}
	usleep(pause_ms * 1000);
	ASSERT_EQ(0, rtd_write_file(RTD_CPU1_ONLINE, "0"));
}

#endif /* RTD_CHECK_FILE_H */
