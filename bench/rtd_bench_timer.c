// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_bench, timer class: rtdefer's deferred timers (ktimers/N thread, or
 * task_work in a bound task) against hrtimers expiring in hardirq, in
 * softirq (HRTIMER_MODE_SOFT) and, on PREEMPT_RT, a plain hrtimer, which RT
 * expires in its ktimers/N thread. The latency of a timer is its lateness
 * against the expiry it was set to (rb_timer_expiry()).
 */
#include <linux/hrtimer.h>
#include <linux/pid.h>
#include <linux/sched/task.h>
#include <rtdefer/rtdefer.h>
#include <compat/compat.h>

#include "rtd_bench.h"

#define RB_TIMER_MODE HRTIMER_MODE_ABS_PINNED

/* rtd_timer and rtd_timer_task */

static enum rtd_timer_restart rt_fn(struct rtd_timer *t)
{
	rb_ran(&rb_rtd_timer, t);
	return RTD_TIMER_NORESTART;
}

static enum rtd_timer_restart rtt_fn(struct rtd_timer *t)
{
	rb_ran(&rb_rtd_timer_task, t);
	return RTD_TIMER_NORESTART;
}

static void rt_init(void *t)
{
	rtd_timer_init(t, rt_fn, CLOCK_MONOTONIC, RB_TIMER_MODE);
}

static void rtt_init(void *t)
{
	rtd_timer_init(t, rtt_fn, CLOCK_MONOTONIC, RB_TIMER_MODE);
}

static bool rt_queue(void *t, int cpu)
{
	rtd_timer_start(t, rb_timer_expiry(&rb_rtd_timer, t), RB_TIMER_MODE);
	return true;
}

static bool rtt_queue(void *t, int cpu)
{
	rtd_timer_start(t, rb_timer_expiry(&rb_rtd_timer_task, t), RB_TIMER_MODE);
	return true;
}

static void rt_sync(void *t)
{
	rtd_timer_cancel(t);
}

/*
 * The expiry runs when the bound task returns to user space: bind to the
 * user-space hog that the guest program pins to the driver's CPU.
 */
static int rtt_prepare(enum rb_scen s)
{
	struct rtd_timer *t = rb_rtd_timer_task.pool;
	struct task_struct *task = NULL;
	struct pid *pid = find_get_pid(READ_ONCE(rb_task_pid));
	int ret;

	if (pid)
		task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return -ESRCH;
	ret = rtd_timer_bind_task(t, task);
	put_task_struct(task);
	return ret;
}

static void rtt_finish(enum rb_scen s)
{
	struct rtd_timer *t = rb_rtd_timer_task.pool;

	rtd_timer_cancel(t);
	rtd_timer_unbind_task(t);
}

struct rb_mech rb_rtd_timer = {
	.name = "rtd_timer",
	.stats_cost = true,
	.scens = RB_LAT_SCENS,
	.size = sizeof(struct rtd_timer),
	.init = rt_init,
	.queue = rt_queue,
	.sync = rt_sync,
};

/* one item: timers do not take part in storms */
struct rb_mech rb_rtd_timer_task = {
	.name = "rtd_timer_task",
	.scens = BIT(RB_LOAD),
	.size = sizeof(struct rtd_timer),
	.init = rtt_init,
	.queue = rtt_queue,
	.sync = rt_sync,
	.prepare = rtt_prepare,
	.finish = rtt_finish,
};

/* hrtimers: HARD, SOFT, and plain (expired by ktimers/N on PREEMPT_RT) */

static enum hrtimer_restart ht_hard_fn(struct hrtimer *t)
{
	rb_ran(&rb_hrtimer_hard, t);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart ht_soft_fn(struct hrtimer *t)
{
	rb_ran(&rb_hrtimer_soft, t);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart ht_rt_fn(struct hrtimer *t)
{
	rb_ran(&rb_rt_ktimers, t);
	return HRTIMER_NORESTART;
}

static void ht_hard_init(void *t)
{
	rtd_hrtimer_setup(t, ht_hard_fn, CLOCK_MONOTONIC,
			  RB_TIMER_MODE | HRTIMER_MODE_HARD);
}

static void ht_soft_init(void *t)
{
	rtd_hrtimer_setup(t, ht_soft_fn, CLOCK_MONOTONIC,
			  RB_TIMER_MODE | HRTIMER_MODE_SOFT);
}

static void ht_rt_init(void *t)
{
	rtd_hrtimer_setup(t, ht_rt_fn, CLOCK_MONOTONIC, RB_TIMER_MODE);
}

static bool ht_hard_queue(void *t, int cpu)
{
	hrtimer_start(t, rb_timer_expiry(&rb_hrtimer_hard, t),
		      RB_TIMER_MODE | HRTIMER_MODE_HARD);
	return true;
}

static bool ht_soft_queue(void *t, int cpu)
{
	hrtimer_start(t, rb_timer_expiry(&rb_hrtimer_soft, t),
		      RB_TIMER_MODE | HRTIMER_MODE_SOFT);
	return true;
}

static bool ht_rt_queue(void *t, int cpu)
{
	hrtimer_start(t, rb_timer_expiry(&rb_rt_ktimers, t), RB_TIMER_MODE);
	return true;
}

static void ht_sync(void *t)
{
	hrtimer_cancel(t);
}

struct rb_mech rb_hrtimer_hard = {
	.name = "hrtimer_hard",
	.scens = RB_LAT_SCENS,
	.size = sizeof(struct hrtimer),
	.init = ht_hard_init,
	.queue = ht_hard_queue,
	.sync = ht_sync,
};

struct rb_mech rb_hrtimer_soft = {
	.name = "hrtimer_soft",
	.scens = RB_LAT_SCENS,
	.size = sizeof(struct hrtimer),
	.init = ht_soft_init,
	.queue = ht_soft_queue,
	.sync = ht_sync,
};

struct rb_mech rb_rt_ktimers = {
	.name = "rt_ktimers",
	.scens = IS_ENABLED(CONFIG_PREEMPT_RT) ? RB_LAT_SCENS : 0,
	.size = sizeof(struct hrtimer),
	.init = ht_rt_init,
	.queue = ht_rt_queue,
	.sync = ht_sync,
};
