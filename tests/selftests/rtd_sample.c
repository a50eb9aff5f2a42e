// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_sample: the sample consumer (samples/rtdefer_sample.c), built against
 * what DKMS published and loaded with modprobe, does its job: every
 * simulated interrupt's event is handled by its BH work item in softirq
 * context on the interrupted CPU, its deferred timer runs in a context that
 * may sleep and keeps running after the device went quiet, and it unloads
 * cleanly, idle or in full flow (a late callback would oops the guest).
 */
#include "rtd_guest.h"
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_kmod.h"

#define MODPROBE "/sbin/modprobe"
#define DBG "/sys/kernel/debug/rtdefer_sample/"

FIXTURE(sample) {
	char out[4096];
};

FIXTURE_SETUP(sample)
{
	rtd_kmod_unload_all();
}

FIXTURE_TEARDOWN(sample)
{
	rtd_kmod_unload_all();
}

TEST_F(sample, handles_every_interrupt)
{
	long irqs = 200, bh_runs;

	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE
			     " rtdefer_sample irqs=%ld period_us=500 watchdog_ms=10", irqs)) {
		TH_LOG("modprobe rtdefer_sample: %s", self->out);
	}
	/* the device raises its interrupts, then stops */
	ASSERT_EQ(1, rtd_wait_long(DBG "stopped", 1, 20000));
	EXPECT_EQ(irqs, rtd_read_long(DBG "irqs"));
	/* the bottom half handled every event, in softirq, on that CPU */
	EXPECT_EQ(irqs, rtd_wait_long(DBG "events", irqs, 5000));
	bh_runs = rtd_read_long(DBG "bh_runs");
	EXPECT_LE(1, bh_runs);
	EXPECT_GE(irqs, bh_runs);
	EXPECT_EQ(0, rtd_read_long(DBG "bh_bad_context"));
	EXPECT_EQ(0, rtd_read_long(DBG "bh_wrong_cpu"));
	/* the watchdog keeps running, may sleep, and saw the final count */
	EXPECT_EQ(irqs, rtd_wait_long(DBG "watchdog_seen", irqs, 5000));
	EXPECT_LE(2, rtd_read_long(DBG "watchdog_runs"));
	EXPECT_EQ(0, rtd_read_long(DBG "watchdog_bad_context"));
	TH_LOG("%ld interrupts handled in %ld BH runs, %ld watchdog runs",
	       irqs, bh_runs, rtd_read_long(DBG "watchdog_runs"));

	EXPECT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " -r rtdefer_sample"));
	EXPECT_FALSE(rtd_loaded("rtdefer_sample"));
	EXPECT_NE(0, access(DBG, F_OK));
}

/* Teardown while interrupts, BH runs and watchdog runs keep coming. */
TEST_F(sample, unloads_in_full_flow)
{
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE
				     " rtdefer_sample irqs=0 period_us=100 watchdog_ms=1")) {
			TH_LOG("modprobe rtdefer_sample: %s", self->out);
		}
		usleep(200 * 1000);
		EXPECT_LT(0, rtd_read_long(DBG "events"));
		EXPECT_LT(0, rtd_read_long(DBG "watchdog_runs"));
		EXPECT_EQ(0, rtd_run(self->out, sizeof(self->out),
				     MODPROBE " -r rtdefer_sample")) {
			TH_LOG("modprobe -r rtdefer_sample: %s", self->out);
		}
		ASSERT_FALSE(rtd_loaded("rtdefer_sample"));
	}
	usleep(100 * 1000);	/* time for a stray callback to show */
}

/* Its init refuses them: the module was found, and said EINVAL. */
TEST_F(sample, refuses_bad_parameters)
{
	EXPECT_NE(0, rtd_run(self->out, sizeof(self->out),
			     MODPROBE " rtdefer_sample period_us=1"));
	EXPECT_TRUE(!!strstr(self->out, "Invalid argument")) {
		TH_LOG("modprobe rtdefer_sample period_us=1: %s", self->out);
	}
	EXPECT_FALSE(rtd_loaded("rtdefer_sample"));
}

TEST_HARNESS_MAIN
