// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_test_misuse: bad use of rtdefer's API that rtdefer detects. Each check
 * commits one misuse twice (the selftest counts the "API misuse" reports:
 * exactly one), then checks that nothing was corrupted: the item is in the
 * state it was, and a correct use afterwards still works.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <rtdefer/rtdefer.h>
#include <compat/compat.h>

#include "rtd_check.h"

static atomic_t runs;

static void iw_fn(struct rtd_irq_work *w)
{
	atomic_inc(&runs);
}

static void bh_fn(struct rtd_work *w)
{
	atomic_inc(&runs);
}

static enum rtd_timer_restart t_fn(struct rtd_timer *t)
{
	atomic_inc(&runs);
	return RTD_TIMER_NORESTART;
}

/* Wait (bounded) until @n callbacks ran. */
static bool runs_reach(int n)
{
	int i;

	for (i = 0; i < 500 && atomic_read(&runs) < n; i++)
		msleep(20);
	return atomic_read(&runs) == n;
}

/*
 * Queueing never-initialised (zeroed) items: ignored, nothing pending. The
 * timer is on the stack: rtd_timer_init_on_stack() tells debug objects.
 */
static int uninit_show(struct seq_file *m, void *v)
{
	struct rtd_irq_work iw = {};
	struct rtd_work w = {};
	struct rtd_timer t = {};
	int i;

	for (i = 0; i < 2; i++) {
		if (failed(m, !rtd_irq_work_queue(&iw), "irq_work queued") ||
		    failed(m, !rtd_queue_work(rtd_system_bh_wq, &w), "BH work queued") ||
		    failed(m, !rtd_irq_work_is_busy(&iw) && !rtd_work_pending(&w), "pending"))
			return 0;
		rtd_timer_start(&t, ms_to_ktime(1), HRTIMER_MODE_REL);
		if (failed(m, !rtd_timer_is_queued(&t), "timer armed"))
			return 0;
	}
	/* initialised now, they work */
	atomic_set(&runs, 0);
	rtd_init_irq_work(&iw, iw_fn);
	RTD_INIT_WORK(&w, bh_fn);
	rtd_timer_init_on_stack(&t, t_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_irq_work_queue(&iw);
	rtd_queue_work(rtd_system_bh_wq, &w);
	rtd_timer_start(&t, ms_to_ktime(1), HRTIMER_MODE_REL);
	if (!failed(m, runs_reach(3), "%d of 3 callbacks ran after init", atomic_read(&runs)))
		seq_puts(m, "ok\n");
	rtd_irq_work_sync(&iw);
	rtd_cancel_work_sync(&w);
	rtd_timer_cancel(&t);
	rtd_timer_destroy_on_stack(&t);
	return 0;
}

/* Waiting calls from atomic context: they return at once. */
static int atomic_show(struct seq_file *m, void *v)
{
	struct rtd_workqueue *wq = rtd_alloc_bh_workqueue("rtd_misuse", 0);
	/* not on the stack: debug objects track timers (see uninit_show) */
	static struct rtd_timer t;
	struct rtd_irq_work iw;
	struct rtd_work w;
	int ret[2], i;

	if (failed(m, wq, "no workqueue"))
		return 0;
	atomic_set(&runs, 0);
	rtd_init_irq_work(&iw, iw_fn);
	rtd_timer_init(&t, t_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_timer_start(&t, ms_to_ktime(60000), HRTIMER_MODE_REL);
	local_irq_disable();
	rtd_irq_work_queue(&iw);
	for (i = 0; i < 2; i++) {
		rtd_irq_work_sync(&iw);	/* its thread cannot run here: no wait */
		ret[i] = rtd_timer_cancel(&t);
		rtd_destroy_workqueue(wq);
	}
	local_irq_enable();
	if (failed(m, ret[0] == 1 && ret[1] == 0, "timer cancel said %d then %d", ret[0], ret[1]) ||
	    failed(m, !rtd_timer_active(&t), "timer still active"))
		goto out;
	rtd_irq_work_sync(&iw);
	if (failed(m, atomic_read(&runs) == 1, "irq_work ran %d times", atomic_read(&runs)))
		goto out;
	/* the queue was left alone: still usable */
	RTD_INIT_WORK(&w, bh_fn);
	rtd_queue_work(wq, &w);
	if (!failed(m, runs_reach(2), "the workqueue does not run items"))
		seq_puts(m, "ok\n");
out:
	rtd_destroy_workqueue(wq);
	return 0;
}

/*
 * The same waits from the other atomic contexts, where the thread that
 * would run the item cannot run either: a hardirq (a HARD hrtimer's
 * callback), a softirq (a tasklet), and a raw spinlock held with
 * interrupts on (detected on kernels that count preemption only; a
 * spinlock_t sleeps on PREEMPT_RT, where waiting under it is allowed).
 * They return at once: the cancel as rtd_timer_try_to_cancel() would.
 */
struct actx {
	struct rtd_irq_work iw;
	int ret[2];
};

static struct rtd_timer actx_timer;	/* not on the stack: debug objects */
static DEFINE_RAW_SPINLOCK(actx_lock);

static void actx_body(void *arg)
{
	struct actx *a = arg;

	rtd_irq_work_queue(&a->iw);
	rtd_irq_work_sync(&a->iw);
	a->ret[0] = rtd_timer_cancel(&actx_timer);
	a->ret[1] = rtd_timer_cancel(&actx_timer);
}

/* @how: 0 hardirq, 1 softirq, 2 a raw spinlock held; false if it never ran */
static bool actx_trigger(struct actx *a, int how)
{
	if (how < 2)
		return rtd_run_in(how ? RTD_IN_SOFTIRQ : RTD_IN_HARDIRQ, actx_body, a);
	raw_spin_lock(&actx_lock);
	actx_body(a);
	raw_spin_unlock(&actx_lock);
	return true;
}

static int actx_show(struct seq_file *m, int how)
{
	struct actx a = {};

	atomic_set(&runs, 0);
	rtd_init_irq_work(&a.iw, iw_fn);
	rtd_timer_init(&actx_timer, t_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_timer_start(&actx_timer, ms_to_ktime(60000), HRTIMER_MODE_REL);
	if (failed(m, actx_trigger(&a, how), "the context never ran the calls") ||
	    failed(m, a.ret[0] == 1 && a.ret[1] == 0, "timer cancel said %d then %d",
		   a.ret[0], a.ret[1]) ||
	    failed(m, !rtd_timer_active(&actx_timer), "timer still active"))
		goto out;
	rtd_irq_work_sync(&a.iw);
	if (!failed(m, atomic_read(&runs) == 1, "irq_work ran %d times", atomic_read(&runs)))
		seq_puts(m, "ok\n");
out:
	rtd_timer_cancel(&actx_timer);
	rtd_irq_work_sync(&a.iw);
	return 0;
}

static int atomic_hardirq_show(struct seq_file *m, void *v)
{
	return actx_show(m, 0);
}

static int atomic_softirq_show(struct seq_file *m, void *v)
{
	return actx_show(m, 1);
}

static int atomic_spinlock_show(struct seq_file *m, void *v)
{
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT)) {
		seq_puts(m, "skip: this kernel does not count preemption: a spinlock is not seen\n");
		return 0;
	}
	return actx_show(m, 2);
}

/* Destroying a queue with items pending or waiting: they run first. */
static int destroy_show(struct seq_file *m, void *v)
{
	static struct rtd_delayed_work dw;	/* its timer_list: not on the stack */
	struct rtd_work w[3];
	int i, round;

	for (round = 0; round < 2; round++) {
		struct rtd_workqueue *wq = rtd_alloc_bh_workqueue("rtd_misuse%d", 0, round);

		if (failed(m, wq, "no workqueue"))
			return 0;
		atomic_set(&runs, 0);
		for (i = 0; i < 3; i++) {
			RTD_INIT_WORK(&w[i], bh_fn);
			rtd_queue_work(wq, &w[i]);
		}
		RTD_INIT_DELAYED_WORK(&dw, bh_fn);
		rtd_queue_delayed_work(wq, &dw, 2);
		rtd_destroy_workqueue(wq);
		if (failed(m, atomic_read(&runs) == 4, "%d of 4 items ran before destroy returned",
			   atomic_read(&runs)))
			return 0;
	}
	seq_puts(m, "ok\n");
	return 0;
}

/* Initialising items that are still queued: refused, the item runs once. */
static int double_init_show(struct seq_file *m, void *v)
{
	/* not on the stack: debug objects track their timers */
	static struct rtd_delayed_work dw;
	static struct rtd_timer t;
	struct rtd_irq_work iw;
	struct rtd_work w;
	bool pend[3];
	int i;

	atomic_set(&runs, 0);
	rtd_init_irq_work(&iw, iw_fn);
	RTD_INIT_WORK(&w, bh_fn);
	RTD_INIT_DELAYED_WORK(&dw, bh_fn);
	rtd_timer_init(&t, t_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_queue_delayed_work(rtd_system_bh_wq, &dw, 60 * HZ);
	rtd_timer_start(&t, ms_to_ktime(60000), HRTIMER_MODE_REL);
	/* with interrupts off, nothing queued to this CPU can run */
	local_irq_disable();
	rtd_irq_work_queue(&iw);
	rtd_queue_work(rtd_system_bh_wq, &w);
	for (i = 0; i < 2; i++) {
		rtd_init_irq_work(&iw, iw_fn);
		RTD_INIT_WORK(&w, bh_fn);
		RTD_INIT_DELAYED_WORK(&dw, bh_fn);
		rtd_timer_init(&t, t_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	}
	pend[0] = rtd_irq_work_is_pending(&iw);
	pend[1] = rtd_work_pending(&w);
	pend[2] = rtd_delayed_work_pending(&dw) && rtd_timer_is_queued(&t);
	local_irq_enable();
	if (failed(m, pend[0] && pend[1] && pend[2], "lost pending state: %d %d %d",
		   pend[0], pend[1], pend[2]) ||
	    failed(m, runs_reach(2), "%d of 2 queued items ran", atomic_read(&runs)) ||
	    failed(m, rtd_cancel_delayed_work_sync(&dw), "delayed item no longer waiting") ||
	    failed(m, rtd_timer_cancel(&t) == 1, "timer no longer armed"))
		return 0;
	rtd_irq_work_sync(&iw);
	rtd_cancel_work_sync(&w);
	if (!failed(m, atomic_read(&runs) == 2, "ran %d times", atomic_read(&runs)))
		seq_puts(m, "ok\n");
	return 0;
}

static const struct rtd_check checks[] = {
	{ "uninit", uninit_show },
	{ "atomic", atomic_show },
	{ "atomic_hardirq", atomic_hardirq_show },
	{ "atomic_softirq", atomic_softirq_show },
	{ "atomic_spinlock", atomic_spinlock_show },
	{ "destroy", destroy_show },
	{ "double_init", double_init_show },
};

static struct dentry *dir;

static int __init rtd_test_misuse_init(void)
{
	dir = rtd_checks_create("rtd_test_misuse", checks, ARRAY_SIZE(checks));
	return 0;
}

static void __exit rtd_test_misuse_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(rtd_test_misuse_init);
module_exit(rtd_test_misuse_exit);
MODULE_DESCRIPTION("rtdefer tests: detected API misuse");
MODULE_LICENSE("GPL");
RTD_MODULE_IMPORT_NS();
