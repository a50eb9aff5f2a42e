// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_misuse: bad API use that rtdefer detects (tests/module/
 * rtd_test_misuse.c commits each misuse twice and checks that nothing was
 * corrupted); here, each misuse must have been reported exactly once, as
 * "API misuse: ...", in the kernel log.
 */
#include "rtd_guest.h"
#include <sys/klog.h>
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_check_file.h"

#define DIR_ "rtd_test_misuse"
#define LOG_SIZE 1048576

/* Occurrences of @what in the kernel log after the last @marker. */
static int log_count(const char *marker, const char *what)
{
	static char log[LOG_SIZE + 1];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, LOG_SIZE), count = 0;
	char *p, *start = log;

	if (n < 0)
		return -1;
	log[n] = '\0';
	for (p = strstr(log, marker); p; p = strstr(p + 1, marker))
		start = p;
	for (p = strstr(start, what); p; p = strstr(p + 1, what))
		count++;
	return count;
}

FIXTURE(mis) {
	char marker[64];
};

FIXTURE_SETUP(mis)
{
	rtd_unload(DIR_);
	rtd_unload("rtdefer");
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_load(DIR_, NULL));
	snprintf(self->marker, sizeof(self->marker), "rtd_misuse: start %s",
		 _metadata->name);
	ASSERT_EQ(0, rtd_write_file("/dev/kmsg", self->marker));
}

FIXTURE_TEARDOWN(mis)
{
	if (rtd_loaded(DIR_))
		EXPECT_EQ(0, rtd_unload(DIR_));
	if (rtd_loaded("rtdefer"))
		EXPECT_EQ(0, rtd_unload("rtdefer"));
}

static void reported_once(struct __test_metadata *_metadata, const char *marker,
			  const char *what)
{
	int n = log_count(marker, what);

	EXPECT_EQ(1, n) {
		TH_LOG("\"%s\" reported %d times", what, n);
	}
}

TEST_F(mis, queueing_uninitialised_items)
{
	rtd_run_check(_metadata, DIR_, "uninit");
	reported_once(_metadata, self->marker, "API misuse: queueing an uninitialised irq_work");
	reported_once(_metadata, self->marker, "API misuse: queueing an uninitialised BH work");
	reported_once(_metadata, self->marker, "API misuse: starting an uninitialised rtd_timer");
}

TEST_F(mis, waiting_from_atomic_context)
{
	rtd_run_check(_metadata, DIR_, "atomic");
	reported_once(_metadata, self->marker, "API misuse: rtd_irq_work_sync(");
	reported_once(_metadata, self->marker, "API misuse: rtd_timer_cancel(");
	reported_once(_metadata, self->marker, "API misuse: rtd_destroy_workqueue(");
}

/* The same from hardirq, softirq and under a spinlock: reported, no wait. */
static void waiting_in(struct __test_metadata *_metadata, const char *marker,
		       const char *check)
{
	char path[160], out[256];

	snprintf(path, sizeof(path), "/sys/kernel/debug/" DIR_ "/%s", check);
	ASSERT_LT(0, rtd_read_file(path, out, sizeof(out)));
	if (!strncmp(out, "skip: ", 6)) {
		out[strcspn(out, "\n")] = '\0';
		SKIP(return, "%s", out + 6);
	}
	TH_LOG("%s: %s", check, out);
	EXPECT_EQ(0, strncmp(out, "ok", 2));
	reported_once(_metadata, marker, "API misuse: rtd_irq_work_sync(");
	reported_once(_metadata, marker, "API misuse: rtd_timer_cancel(");
}

TEST_F(mis, waiting_from_hardirq)
{
	waiting_in(_metadata, self->marker, "atomic_hardirq");
}

TEST_F(mis, waiting_from_softirq)
{
	waiting_in(_metadata, self->marker, "atomic_softirq");
}

TEST_F(mis, waiting_under_a_spinlock)
{
	waiting_in(_metadata, self->marker, "atomic_spinlock");
}

TEST_F(mis, destroying_a_queue_with_pending_work)
{
	rtd_run_check(_metadata, DIR_, "destroy");
	reported_once(_metadata, self->marker, "items pending: running them first");
}

TEST_F(mis, initialising_pending_items)
{
	rtd_run_check(_metadata, DIR_, "double_init");
	reported_once(_metadata, self->marker, "API misuse: initialising a pending irq_work");
	reported_once(_metadata, self->marker, "API misuse: initialising a pending BH work");
	reported_once(_metadata, self->marker, "API misuse: initialising an active rtd_timer");
}

TEST_HARNESS_MAIN
