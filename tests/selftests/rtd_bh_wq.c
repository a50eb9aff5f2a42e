// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_bh_wq: rtdefer's BH workqueues in the guest. The in-kernel checks
 * live in the rtd_test_bh module; this program loads the modules, reads the
 * checks, and drives CPU hotplug and unload.
 */
#include "rtd_guest.h"
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_check_file.h"

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

static void run_check(struct __test_metadata *_metadata, const char *name)
{
	rtd_run_check(_metadata, "rtd_test_bh", name);
}

FIXTURE(bh) {
	int unused;
};

FIXTURE_SETUP(bh)
{
	rtd_write_file(CPU1_ONLINE, "1");
	rtd_unload("rtd_test_bh");
	rtd_unload("rtdefer");
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_load("rtd_test_bh", NULL));
}

FIXTURE_TEARDOWN(bh)
{
	rtd_write_file(CPU1_ONLINE, "1");
	if (rtd_loaded("rtd_test_bh"))
		EXPECT_EQ(0, rtd_unload("rtd_test_bh"));
	if (rtd_loaded("rtdefer"))
		EXPECT_EQ(0, rtd_unload("rtdefer"));
}

TEST_F_TIMEOUT(bh, context_and_order_10000_items, 120)
{
	run_check(_metadata, "order");
}

TEST_F(bh, highpri_runs_before_normal)
{
	run_check(_metadata, "highpri");
}

TEST_F(bh, self_requeue_same_cpu_never_concurrent)
{
	run_check(_metadata, "requeue");
}

TEST_F(bh, requeue_while_running_stays_behind_itself)
{
	run_check(_metadata, "nonreentrant");
}

/* rtdefer loaded again with @params, then the test module */
static void reload(struct __test_metadata *_metadata, const char *params)
{
	ASSERT_EQ(0, rtd_unload("rtd_test_bh"));
	ASSERT_EQ(0, rtd_unload("rtdefer"));
	ASSERT_EQ(0, rtd_load("rtdefer", params));
	ASSERT_EQ(0, rtd_load("rtd_test_bh", NULL));
}

/* other softirq work runs between passes: after bh/max_restarts items... */
TEST_F(bh, pass_ends_after_max_restarts_items)
{
	reload(_metadata, "bh_max_restarts=7 bh_budget_us=1000000");
	run_check(_metadata, "budget_items");
}

/* ...or once bh/budget_us are spent (here after one 20 us item) */
TEST_F(bh, pass_ends_once_its_time_budget_is_spent)
{
	reload(_metadata, "bh_budget_us=10");
	run_check(_metadata, "budget_time");
}

TEST_F(bh, delayed_mod_cancel_flush)
{
	run_check(_metadata, "delayed");
}

TEST_F(bh, flush_and_cancel_results)
{
	run_check(_metadata, "flush_cancel");
}

TEST_F(bh, queue_on_the_cpu_the_caller_ends_up_on)
{
	run_check(_metadata, "queue_migrated");
}

TEST_F(bh, flush_delayed_waits_for_a_delay_ending_meanwhile)
{
	run_check(_metadata, "flush_racing_delay");
}

TEST_F(bh, cancel_sync_vs_running_from_task_bh_and_atomic)
{
	run_check(_metadata, "cancel_sync");
}

TEST_F(bh, disable_enable_counted)
{
	run_check(_metadata, "disable");
}

/*
 * Declared items (RTD_DECLARE_WORK, RTD_DECLARE_DELAYED_WORK) run; a delay
 * taken back by rtd_disable_delayed_work_sync() never runs.
 */
TEST_F(bh, declared_items_and_disable_delayed_sync)
{
	run_check(_metadata, "declared");
}

TEST_F(bh, disable_during_hardirq_queue_storm)
{
	run_check(_metadata, "disable_storm");
}

TEST_F(bh, remote_queue_on_every_cpu)
{
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	run_check(_metadata, "remote");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	run_check(_metadata, "remote");
}

TEST_F(bh, drain_and_destroy_with_pending_work)
{
	run_check(_metadata, "drain_destroy");
}

TEST_F(bh, flush_waits_for_an_item_queued_behind_itself_on_the_other_pool)
{
	run_check(_metadata, "behind_flush");
}

TEST_F(bh, outside_queueing_refused_while_any_drain_goes_on)
{
	run_check(_metadata, "two_drains");
}

/*
 * A CPU hotplug teardown callback (a state registered after rtdefer's) waits
 * for an item queued on CPU 1 while it went down, once with each of
 * rtd_flush_work(), rtd_flush_workqueue() and rtd_drain_workqueue(): the
 * item runs elsewhere before the wait returns (each hung CPU 1's removal
 * before).
 */
TEST_F(bh, hotplug_callback_flushes_an_item_stranded_on_the_dead_cpu)
{
	int i;

	for (i = 0; i < 3; i++) {
		run_check(_metadata, "deadflush_arm");
		ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
		run_check(_metadata, "deadflush_result");
		ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	}
}

/*
 * 10000 items queued onto CPU 1 while it goes down and up, ending down:
 * every queueing runs exactly once, the leftovers on a live CPU.
 */
TEST_F_TIMEOUT(bh, hotplug_10000_items_exact, 120)
{
	run_check(_metadata, "hotplug_start");
	rtd_cycle_cpu1_ending_down(_metadata, 3, 50);
	run_check(_metadata, "hotplug_stop");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
}

/* Same scenario, same results as the kernel's own BH workqueue (v6.10+). */
TEST_F(bh, same_results_as_native_bh_wq)
{
	char out[512];

	ASSERT_LT(0, rtd_read_file("/sys/kernel/debug/rtd_test_bh/native_compare",
				   out, sizeof(out)));
	if (!strncmp(out, "skip", 4))
		SKIP(return, "%s", out + 5);
	TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "ok", 2));
}

/* Unload the consumer while it queues from hardirq, then rtdefer. */
TEST_F(bh, unload_under_load)
{
	run_check(_metadata, "load");
	usleep(200 * 1000);
	EXPECT_EQ(0, rtd_unload("rtd_test_bh"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
}

TEST_HARNESS_MAIN
