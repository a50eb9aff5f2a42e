// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_cyclic: the test "driver" of the cyclictest benchmark (goal G5 of
 * issue 17, bench/README.md "cyclictest").
 *
 * A periodic HARD hrtimer pinned to one CPU stands for a device interrupt:
 * every period_us plus a pseudo-random 0..jitter_us (so that its phase
 * never locks onto cyclictest's own period), its handler hands the
 * interrupt's bottom half to the mechanism named by the "variant"
 * parameter, and the bottom half busies the CPU for work_us:
 *
 *   tasklet        a tasklet (TASKLET_SOFTIRQ)
 *   rtd_irq_work   rtdefer's threaded irq_work (irq_work/N, SCHED_FIFO 1)
 *   rtd_bh         rtdefer's BH workqueue (rtd_system_bh_wq)
 *
 * The guest program (guest/rtd_cyclic) loads this module once per segment
 * of a variant and unloads it after; the baseline ("no_driver") is a
 * segment without it.
 *
 * The work busy-waits with udelay() in chunks of RC_CHUNK_US. Between
 * chunks the threaded variant calls cond_resched(), as code in a thread
 * that may sleep can: on a kernel without preempt=full that is where a
 * woken SCHED_FIFO task gets the CPU. The softirq variants cannot. Not a
 * spin on local_clock(): with an unstable TSC (a loaded host makes the
 * clocksource watchdog mark it so) local_clock() stops one tick past the
 * CPU's last tick, and a softirq entered from idle, tick stopped, spun
 * forever (a 6.1 smoke boot: RCU stall in this function).
 *
 * Counters (debugfs rtd_cyclic/stats): timer expiries, bottom halves
 * queued, refused (the previous one still pending), run, and the time they
 * spent.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <rtdefer/rtdefer.h>
#include <compat/compat.h>

#define RC_CHUNK_US	10
#define RC_MODE		HRTIMER_MODE_REL_PINNED_HARD

enum rc_variant { RC_TASKLET, RC_RTD_IRQ_WORK, RC_RTD_BH };

static const char *const rc_names[] = {
	[RC_TASKLET] = "tasklet",
	[RC_RTD_IRQ_WORK] = "rtd_irq_work",
	[RC_RTD_BH] = "rtd_bh",
};

static char *rc_variant_name = "rtd_irq_work";
module_param_named(variant, rc_variant_name, charp, 0444);
MODULE_PARM_DESC(variant, "where the bottom half runs: tasklet, rtd_irq_work or rtd_bh");

static unsigned int rc_period_us = 1000;
module_param_named(period_us, rc_period_us, uint, 0444);
MODULE_PARM_DESC(period_us, "shortest interval between two interrupts");

static unsigned int rc_jitter_us = 500;
module_param_named(jitter_us, rc_jitter_us, uint, 0444);
MODULE_PARM_DESC(jitter_us, "pseudo-random extra interval, 0 to this");

static unsigned int rc_work_us = 200;
module_param_named(work_us, rc_work_us, uint, 0444);
MODULE_PARM_DESC(work_us, "busy time of each bottom half");

static int rc_cpu;
module_param_named(cpu, rc_cpu, int, 0444);
MODULE_PARM_DESC(cpu, "the CPU the interrupt fires on");

static enum rc_variant rc_variant;
static struct hrtimer rc_timer;
static struct tasklet_struct rc_tasklet;
static struct rtd_irq_work rc_iw;
static struct rtd_work rc_work;
static struct dentry *rc_dir;
static u32 rc_rand = 0x9e3779b9;

/* Written on rc_cpu only; read by the stats file. */
static struct {
	unsigned long fires, queued, refused, runs;
	u64 busy_ns;
} rc_count;

/* The bottom half: work_us of busy CPU, in chunks. */
static void rc_work_fn(bool may_sleep)
{
	u64 start = local_clock();
	unsigned int i, n = DIV_ROUND_UP(rc_work_us, RC_CHUNK_US);

	for (i = 0; i < n; i++) {
		udelay(RC_CHUNK_US);
		if (may_sleep)
			cond_resched();
	}
	WRITE_ONCE(rc_count.busy_ns, rc_count.busy_ns + local_clock() - start);
	WRITE_ONCE(rc_count.runs, rc_count.runs + 1);
}

static void rc_tasklet_fn(struct tasklet_struct *t)
{
	rc_work_fn(false);
}

static void rc_iw_fn(struct rtd_irq_work *w)
{
	rc_work_fn(true);
}

static void rc_bh_fn(struct rtd_work *w)
{
	rc_work_fn(false);
}

/* The interval to the next interrupt (xorshift32 for the jitter). */
static u64 rc_next_ns(void)
{
	u64 us = rc_period_us;

	rc_rand ^= rc_rand << 13;
	rc_rand ^= rc_rand >> 17;
	rc_rand ^= rc_rand << 5;
	if (rc_jitter_us)
		us += rc_rand % (rc_jitter_us + 1);
	return us * NSEC_PER_USEC;
}

/* The "device interrupt": hardirq context, on every kernel (HARD mode). */
static enum hrtimer_restart rc_tick(struct hrtimer *t)
{
	bool queued = true;

	WRITE_ONCE(rc_count.fires, rc_count.fires + 1);
	switch (rc_variant) {
	case RC_TASKLET:
		queued = !test_bit(TASKLET_STATE_SCHED, &rc_tasklet.state);
		tasklet_schedule(&rc_tasklet);
		break;
	case RC_RTD_IRQ_WORK:
		queued = rtd_irq_work_queue(&rc_iw);
		break;
	case RC_RTD_BH:
		queued = rtd_queue_work(rtd_system_bh_wq, &rc_work);
		break;
	}
	if (queued)
		WRITE_ONCE(rc_count.queued, rc_count.queued + 1);
	else
		WRITE_ONCE(rc_count.refused, rc_count.refused + 1);
	hrtimer_forward_now(t, ns_to_ktime(rc_next_ns()));
	return HRTIMER_RESTART;
}

/* Runs on rc_cpu (IPI): a pinned timer stays on the CPU that starts it. */
static void rc_start(void *unused)
{
	hrtimer_start(&rc_timer, ns_to_ktime(rc_next_ns()), RC_MODE);
}

static int rc_stats_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "variant %s\nfires %lu\nqueued %lu\nrefused %lu\nruns %lu\nbusy_ns %llu\n",
		   rc_names[rc_variant], READ_ONCE(rc_count.fires),
		   READ_ONCE(rc_count.queued), READ_ONCE(rc_count.refused),
		   READ_ONCE(rc_count.runs), READ_ONCE(rc_count.busy_ns));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rc_stats);

static int __init rc_init(void)
{
	int ret;

	ret = sysfs_match_string(rc_names, rc_variant_name);
	if (ret < 0) {
		pr_err("rtd_cyclic: unknown variant \"%s\"\n", rc_variant_name);
		return -EINVAL;
	}
	rc_variant = ret;
	if (!rc_period_us || rc_cpu < 0 || rc_cpu >= nr_cpu_ids || !cpu_online(rc_cpu))
		return -EINVAL;

	tasklet_setup(&rc_tasklet, rc_tasklet_fn);
	rtd_init_irq_work(&rc_iw, rc_iw_fn);
	RTD_INIT_WORK(&rc_work, rc_bh_fn);
	rtd_hrtimer_setup(&rc_timer, rc_tick, CLOCK_MONOTONIC, RC_MODE);

	rc_dir = debugfs_create_dir("rtd_cyclic", NULL);
	debugfs_create_file("stats", 0400, rc_dir, NULL, &rc_stats_fops);

	ret = smp_call_function_single(rc_cpu, rc_start, NULL, 1);
	if (ret) {
		debugfs_remove_recursive(rc_dir);
		return ret;
	}
	return 0;
}

static void __exit rc_exit(void)
{
	/* no interrupt any more, then no bottom half */
	hrtimer_cancel(&rc_timer);
	tasklet_kill(&rc_tasklet);
	rtd_irq_work_sync(&rc_iw);
	rtd_cancel_work_sync(&rc_work);
	debugfs_remove_recursive(rc_dir);
}

module_init(rc_init);
module_exit(rc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer benchmark: a periodic interrupt whose bottom half does busy work");
RTD_MODULE_IMPORT_NS();
