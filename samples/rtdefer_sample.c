// SPDX-License-Identifier: GPL-2.0
/*
 * rtdefer_sample: a driver-like consumer of rtdefer, to copy from when
 * porting a driver off tasklets and timer_lists.
 *
 * A simulated device raises an "interrupt" (a pinned hardirq hrtimer) every
 * period_us, @irqs times (0: until unloaded). The interrupt handler only
 * latches the event and defers the rest, as a real driver's does:
 *
 *  - the bottom half that used to be a tasklet is an rtdefer BH work item:
 *    softirq context, on the CPU that queued it, never concurrent with itself;
 *  - the housekeeping timer that used to be a timer_list is an rtdefer
 *    deferred timer: its callback runs in a ktimers/N thread, so it may take
 *    a mutex and sleep.
 *
 * Teardown follows the order a driver needs: stop the interrupt source,
 * flush the bottom half (it handles the last events), make sure it can no
 * longer run, cancel the timer (waiting for a running callback).
 *
 * Counters in /sys/kernel/debug/rtdefer_sample/ show what happened;
 * rtdefer's tests read them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <rtdefer/rtdefer.h>

static unsigned int period_us = 1000;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us, "interval of the simulated interrupt (us, 10..1000000)");

static unsigned int irqs = 200;
module_param(irqs, uint, 0444);
MODULE_PARM_DESC(irqs, "simulated interrupts to raise, then stop (0: until unload)");

static unsigned int watchdog_ms = 20;
module_param(watchdog_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_ms, "period of the housekeeping timer (ms, 1..10000)");

struct sample_dev {
	struct hrtimer irq;		/* the device's interrupt line */
	struct rtd_work bh;		/* was: struct tasklet_struct */
	struct rtd_timer watchdog;	/* was: struct timer_list */
	struct mutex lock;		/* the watchdog sleeps on it */
	atomic_t latched;		/* events raised, not yet handled */
	int queued_cpu;			/* where the BH was last queued */
	u32 seen;			/* events at the last watchdog run */
	struct dentry *debugfs;
	/* what the tests read */
	atomic_t irqs;			/* interrupts raised */
	atomic_t events;		/* events the BH handled */
	atomic_t bh_runs;
	atomic_t bh_bad_context;	/* BH runs outside softirq */
	atomic_t bh_wrong_cpu;		/* BH runs on another CPU */
	atomic_t watchdog_runs;
	atomic_t watchdog_bad_context;	/* watchdog runs where it cannot sleep */
	atomic_t stopped;		/* 1 once the device raised all @irqs */
};

static struct sample_dev sample;

static ktime_t sample_period(void)
{
	return ns_to_ktime((u64)period_us * NSEC_PER_USEC);
}

/* Hardirq: latch the event, queue the bottom half, re-arm. */
static enum hrtimer_restart sample_irq(struct hrtimer *t)
{
	struct sample_dev *dev = container_of(t, struct sample_dev, irq);

	atomic_inc(&dev->latched);
	/* was: tasklet_schedule(&dev->tasklet); */
	if (rtd_queue_work(rtd_system_bh_wq, &dev->bh))
		WRITE_ONCE(dev->queued_cpu, smp_processor_id());
	if (atomic_inc_return(&dev->irqs) == irqs) {
		atomic_set(&dev->stopped, 1);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, sample_period());
	return HRTIMER_RESTART;
}

/* Softirq: handle everything latched so far (was: the tasklet function). */
static void sample_bh(struct rtd_work *work)
{
	struct sample_dev *dev = container_of(work, struct sample_dev, bh);

	if (!in_serving_softirq())
		atomic_inc(&dev->bh_bad_context);
	if (smp_processor_id() != READ_ONCE(dev->queued_cpu))
		atomic_inc(&dev->bh_wrong_cpu);
	atomic_add(atomic_xchg(&dev->latched, 0), &dev->events);
	atomic_inc(&dev->bh_runs);
}

/* ktimers/N thread: housekeeping that may sleep (was: a timer_list). */
static enum rtd_timer_restart sample_watchdog(struct rtd_timer *timer)
{
	struct sample_dev *dev = container_of(timer, struct sample_dev, watchdog);

	if (!in_task() || irqs_disabled())
		atomic_inc(&dev->watchdog_bad_context);
	mutex_lock(&dev->lock);
	usleep_range(10, 20);		/* a timer_list callback could not */
	dev->seen = atomic_read(&dev->events);
	mutex_unlock(&dev->lock);
	atomic_inc(&dev->watchdog_runs);
	rtd_timer_forward_now(timer, ms_to_ktime(watchdog_ms));
	return RTD_TIMER_RESTART;
}

/* The hrtimer API changed in v6.13: rtdefer's probe result says which. */
static void sample_irq_init(struct hrtimer *t)
{
#ifdef RTD_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, sample_irq, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	t->function = sample_irq;
#endif
}

static void sample_debugfs(struct sample_dev *dev)
{
	struct dentry *d = debugfs_create_dir(KBUILD_MODNAME, NULL);

	dev->debugfs = d;
	debugfs_create_atomic_t("irqs", 0444, d, &dev->irqs);
	debugfs_create_atomic_t("events", 0444, d, &dev->events);
	debugfs_create_atomic_t("bh_runs", 0444, d, &dev->bh_runs);
	debugfs_create_atomic_t("bh_bad_context", 0444, d, &dev->bh_bad_context);
	debugfs_create_atomic_t("bh_wrong_cpu", 0444, d, &dev->bh_wrong_cpu);
	debugfs_create_atomic_t("watchdog_runs", 0444, d, &dev->watchdog_runs);
	debugfs_create_atomic_t("watchdog_bad_context", 0444, d,
				&dev->watchdog_bad_context);
	debugfs_create_atomic_t("stopped", 0444, d, &dev->stopped);
	debugfs_create_u32("watchdog_seen", 0444, d, &dev->seen);
}

static int __init sample_init(void)
{
	struct sample_dev *dev = &sample;

	if (period_us < 10 || period_us > 1000000 || !watchdog_ms ||
	    watchdog_ms > 10000)
		return -EINVAL;
	mutex_init(&dev->lock);
	RTD_INIT_WORK(&dev->bh, sample_bh);		/* was: tasklet_setup() */
	rtd_timer_init(&dev->watchdog, sample_watchdog, CLOCK_MONOTONIC,
		       HRTIMER_MODE_REL);		/* was: timer_setup() */
	sample_irq_init(&dev->irq);
	sample_debugfs(dev);

	rtd_timer_start(&dev->watchdog, ms_to_ktime(watchdog_ms), HRTIMER_MODE_REL);
	/* "request_irq()": the device starts raising interrupts */
	hrtimer_start(&dev->irq, sample_period(), HRTIMER_MODE_REL_PINNED_HARD);
	pr_info("raising %u interrupts every %u us\n", irqs, period_us);
	return 0;
}

static void __exit sample_exit(void)
{
	struct sample_dev *dev = &sample;

	/* 1. "free_irq()": no interrupt can queue the bottom half any more */
	hrtimer_cancel(&dev->irq);
	/* 2. let the bottom half handle what was latched before that */
	rtd_flush_work(&dev->bh);
	/* 3. and make sure it is neither queued nor running (was: tasklet_kill) */
	rtd_cancel_work_sync(&dev->bh);
	/* 4. stop the watchdog, waiting for a callback that runs now */
	rtd_timer_cancel(&dev->watchdog);	/* was: del_timer_sync() */
	debugfs_remove_recursive(dev->debugfs);
	pr_info("%d interrupts, %d events handled in %d BH runs, %d watchdog runs\n",
		atomic_read(&dev->irqs), atomic_read(&dev->events),
		atomic_read(&dev->bh_runs), atomic_read(&dev->watchdog_runs));
}

module_init(sample_init);
module_exit(sample_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer sample: a driver's tasklet and timer ported to rtdefer");
RTD_MODULE_IMPORT_NS();
