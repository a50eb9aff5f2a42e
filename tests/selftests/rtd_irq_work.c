// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_irq_work: rtdefer's threaded irq_work in the guest. The in-kernel
 * checks live in the rtd_test_iw module (one debugfs file each); this program
 * loads the modules, reads the checks, looks at the irq_work/N threads from
 * user space and drives CPU hotplug and unload.
 */
#include "rtd_guest.h"
#include "rtd_threads.h"
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_check_file.h"

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

static void run_check(struct __test_metadata *_metadata, const char *name)
{
	rtd_run_check(_metadata, "rtd_test_iw", name);
}

/* The "migrated" total of rtdefer's irq_work statistics, or -1. */
static long iw_migrated(void)
{
	char buf[4096], *p;
	long queued, run, migrated;

	if (rtd_read_file("/sys/kernel/debug/rtdefer/irq_work/stats", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\ntotal ");
	if (!p || sscanf(p, "\ntotal %ld %ld %ld", &queued, &run, &migrated) != 3)
		return -1;
	return migrated;
}

FIXTURE(iw) {
	struct rtd_threads kernel_threads;	/* irq_work/N of the kernel (RT) */
	struct rtd_threads ours;
};

FIXTURE_SETUP(iw)
{
	rtd_write_file(CPU1_ONLINE, "1");
	rtd_unload("rtd_test_iw");
	rtd_unload("rtdefer");
	rtd_find_threads(&self->kernel_threads, "irq_work", NULL);
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_load("rtd_test_iw", NULL));
	rtd_find_threads(&self->ours, "irq_work", &self->kernel_threads);
}

FIXTURE_TEARDOWN(iw)
{
	rtd_write_file(CPU1_ONLINE, "1");
	if (rtd_loaded("rtd_test_iw"))
		EXPECT_EQ(0, rtd_unload("rtd_test_iw"));
	if (rtd_loaded("rtdefer"))
		EXPECT_EQ(0, rtd_unload("rtdefer"));
}

/* One irq_work/N per online CPU, bound to it, SCHED_FIFO 1. */
TEST_F(iw, threads_policy_and_affinity)
{
	rtd_check_threads_fifo1(_metadata, &self->ours);
}

/* With no work the threads never wake. */
TEST_F(iw, idle_threads_sleep)
{
	rtd_check_threads_idle(_metadata, &self->ours);
}

TEST_F(iw, context_from_task)
{
	run_check(_metadata, "ctx_task");
}

TEST_F(iw, context_from_hardirq_softirq_irqsoff)
{
	run_check(_metadata, "from_ctx");
}

/*
 * Threaded items kick their thread directly with IRQs off only when DIRECT;
 * plain ones take the interrupt (local) or the IPI (remote).
 */
TEST_F(iw, direct_item_wakes_its_thread_only_where_allowed)
{
	run_check(_metadata, "direct");
}

/*
 * NMI context: a self-NMI queues a DIRECT, a threaded, a HARD and a LAZY
 * item on its CPU (each runs there, in its usual context; the DIRECT one
 * kicks through the interrupt, never a wake-up from NMI); queue_on another
 * CPU from NMI is refused and leaves the item idle.
 */
TEST_F(iw, queue_from_nmi)
{
	run_check(_metadata, "nmi");
}

TEST_F(iw, callback_sleeps_and_requeues_itself)
{
	run_check(_metadata, "sleep_requeue");
}

TEST_F(iw, claim_pending_and_requeue_while_running)
{
	run_check(_metadata, "claim");
}

TEST_F(iw, requeue_on_other_cpu_while_running_then_sync)
{
	run_check(_metadata, "requeue_remote");
}

TEST_F(iw, sync_waits_for_running_callback)
{
	run_check(_metadata, "sync");
}

/* A static item set up with RTD_IRQ_WORK_INIT() is threaded and runs once. */
TEST_F(iw, static_initialiser)
{
	run_check(_metadata, "static_init");
}

TEST_F(iw, remote_queue_on_every_cpu)
{
	run_check(_metadata, "remote");
}

TEST_F(iw, queue_on_invalid_or_offline_cpu)
{
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	run_check(_metadata, "queue_on_bad");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
}

TEST_F_TIMEOUT(iw, storm_counts_exact, 120)
{
	run_check(_metadata, "storm");
}

/*
 * Items queued onto CPU 1 while it goes down and up run exactly once; the
 * run ends with CPU 1 offline, so items left on its lists must have moved
 * to a live CPU rather than wait for its return.
 */
TEST_F_TIMEOUT(iw, hotplug_while_pending, 120)
{
	run_check(_metadata, "hotplug_start");
	rtd_cycle_cpu1_ending_down(_metadata, 3, 50);
	run_check(_metadata, "hotplug_stop");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	/* the thread of CPU 1 serves again after its return */
	run_check(_metadata, "remote");
}

/*
 * A LAZY item queued on CPU 1 after its kthreads parked, while it goes
 * down: it runs on another CPU, and rtdefer unloads with CPU 1 still down
 * (no kick of it left waiting on the dead CPU).
 */
TEST_F(iw, lazy_item_queued_after_the_threads_parked)
{
	if (access("/sys/kernel/debug/kprobes", F_OK))
		SKIP(return, "the check needs kprobes, which this kernel lacks");
	run_check(_metadata, "strand_arm");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	run_check(_metadata, "strand_result");
	EXPECT_EQ(0, rtd_unload("rtd_test_iw"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
}

/*
 * A CPU hotplug teardown callback (a state registered after rtdefer's) syncs
 * a threaded and a LAZY item queued on CPU 1 after its thread parked: the
 * sync runs them elsewhere instead of waiting for rtdefer's own adoption,
 * which comes after that callback (it hung CPU 1's removal before).
 */
TEST_F(iw, hotplug_callback_syncs_items_stranded_on_the_dead_cpu)
{
	long before = iw_migrated();

	ASSERT_LE(0, before);
	run_check(_metadata, "deadsync_arm");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	run_check(_metadata, "deadsync_result");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	/* the two stranded items were moved off CPU 1, once each */
	EXPECT_EQ(before + 2, iw_migrated());
}

/* The consumer's exit waits for its running callbacks; then rtdefer goes. */
TEST_F(iw, unload_while_busy)
{
	run_check(_metadata, "busy");
	EXPECT_EQ(0, rtd_unload("rtd_test_iw"));
	EXPECT_EQ(0, rtd_load("rtd_test_iw", NULL));
	run_check(_metadata, "busy");
}

TEST_HARNESS_MAIN
