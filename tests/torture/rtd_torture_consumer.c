// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture_consumer: a small consumer of rtdefer that the torture guest
 * loads and unloads in a loop, while the torture runs and between loads of
 * rtdefer itself. Loading leaves work pending in every facility: BH items
 * and delayed items on a workqueue of its own and on rtd_system_bh_wq,
 * timers armed a day ahead (a torture can starve the load loop for
 * minutes on a debug kernel under TCG: a minute was reached), threaded
 * irq_work. Unloading takes half of it back with cancels and lets the
 * other half run (flush, drain, sync), and checks that what the cancels
 * report matches what was pending: a mismatch is logged as
 * "rtd_torture_consumer: FAIL ...", which the guest looks for.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/module.h>
#include <rtdefer/rtdefer.h>

#define RTC_N 8
/* how far ahead delayed items and timers are queued: beyond any run */
#define RTC_FAR_SECS (24 * 60 * 60)

static struct rtd_workqueue *rtc_wq;
static struct rtd_work rtc_work[RTC_N];
static struct rtd_delayed_work rtc_dwork[RTC_N];
static struct rtd_timer rtc_timer[RTC_N];
static struct rtd_irq_work rtc_iw[RTC_N];
static atomic_t rtc_runs = ATOMIC_INIT(0);
static bool rtc_failed;

static void rtc_work_fn(struct rtd_work *w)
{
	atomic_inc(&rtc_runs);
}

static enum rtd_timer_restart rtc_timer_fn(struct rtd_timer *t)
{
	atomic_inc(&rtc_runs);
	return RTD_TIMER_NORESTART;
}

static void rtc_iw_fn(struct rtd_irq_work *w)
{
	atomic_inc(&rtc_runs);
}

static void rtc_expect(bool ok, const char *what, int i)
{
	if (!ok && !rtc_failed) {
		pr_err("FAIL %s (item %d)\n", what, i);
		rtc_failed = true;
	}
}

static int __init rtc_init(void)
{
	struct rtd_workqueue *wq;
	int i;

	rtc_wq = rtd_alloc_bh_workqueue("rtc_wq", 0);
	if (!rtc_wq)
		return -ENOMEM;
	for (i = 0; i < RTC_N; i++) {
		wq = i & 1 ? rtc_wq : rtd_system_bh_wq;
		RTD_INIT_WORK(&rtc_work[i], rtc_work_fn);
		RTD_INIT_DELAYED_WORK(&rtc_dwork[i], rtc_work_fn);
		rtd_timer_init(&rtc_timer[i], rtc_timer_fn, CLOCK_MONOTONIC,
			       HRTIMER_MODE_REL);
		rtd_init_irq_work(&rtc_iw[i], rtc_iw_fn);
		rtd_queue_work(wq, &rtc_work[i]);
		rtc_expect(rtd_queue_delayed_work(wq, &rtc_dwork[i], RTC_FAR_SECS * HZ),
			   "queue_delayed_work refused an idle item", i);
		rtd_timer_start(&rtc_timer[i], ktime_set(RTC_FAR_SECS, 0), HRTIMER_MODE_REL);
		rtd_irq_work_queue(&rtc_iw[i]);
	}
	return 0;
}

static void __exit rtc_exit(void)
{
	int i;

	for (i = 0; i < RTC_N; i++) {
		if (i < RTC_N / 2) {
			rtc_expect(rtd_cancel_delayed_work_sync(&rtc_dwork[i]),
				   "a pending delayed item not reported cancelled", i);
			rtc_expect(rtd_timer_cancel(&rtc_timer[i]) == 1,
				   "an armed timer not reported cancelled", i);
			rtd_cancel_work_sync(&rtc_work[i]);
		} else {
			rtd_flush_delayed_work(&rtc_dwork[i]);
			rtd_flush_work(&rtc_work[i]);
			rtd_timer_cancel(&rtc_timer[i]);
		}
		rtd_irq_work_sync(&rtc_iw[i]);
	}
	rtd_destroy_workqueue(rtc_wq);
	/* every irq_work ran, and the flushed half of the delayed items */
	rtc_expect(atomic_read(&rtc_runs) >= RTC_N + RTC_N / 2,
		   "fewer callbacks ran than were let run", atomic_read(&rtc_runs));
}

module_init(rtc_init);
module_exit(rtc_exit);
MODULE_DESCRIPTION("rtdefer torture: a consumer loaded and unloaded in a loop");
MODULE_LICENSE("GPL");
RTD_MODULE_IMPORT_NS();
