// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_bench, BH class: rtdefer's BH workqueues against tasklets and, where
 * the kernel has them (v6.10+), its own system_bh_wq/system_bh_highpri_wq.
 */
#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <rtdefer/rtdefer.h>

#include "rtd_bench.h"

#define RB_ALL_SCENS	(RB_LAT_SCENS | BIT(RB_STORM) | BIT(RB_REMOTE))
#define RB_LOCAL_SCENS	(RB_LAT_SCENS | BIT(RB_STORM))

/* rtdefer's BH workqueues */

static void rbh_fn(struct rtd_work *w)
{
	rb_ran(&rb_rtd_bh, w);
}

static void rbh_hi_fn(struct rtd_work *w)
{
	rb_ran(&rb_rtd_bh_highpri, w);
}

static void rbh_init(void *w)
{
	RTD_INIT_WORK((struct rtd_work *)w, rbh_fn);
}

static void rbh_hi_init(void *w)
{
	RTD_INIT_WORK((struct rtd_work *)w, rbh_hi_fn);
}

static bool rbh_queue_wq(struct rtd_workqueue *wq, void *w, int cpu)
{
	return cpu < 0 ? rtd_queue_work(wq, w) : rtd_queue_work_on(cpu, wq, w);
}

static bool rbh_queue(void *w, int cpu)
{
	return rbh_queue_wq(rtd_system_bh_wq, w, cpu);
}

static bool rbh_hi_queue(void *w, int cpu)
{
	return rbh_queue_wq(rtd_system_bh_highpri_wq, w, cpu);
}

static void rbh_sync(void *w)
{
	rtd_cancel_work_sync(w);
}

struct rb_mech rb_rtd_bh = {
	.name = "rtd_bh",
	.stats_cost = true,
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct rtd_work),
	.init = rbh_init,
	.queue = rbh_queue,
	.sync = rbh_sync,
};

struct rb_mech rb_rtd_bh_highpri = {
	.name = "rtd_bh_highpri",
	.stats_cost = true,
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct rtd_work),
	.init = rbh_hi_init,
	.queue = rbh_hi_queue,
	.sync = rbh_sync,
};

/* Tasklets (TASKLET_SOFTIRQ and HI_SOFTIRQ); they run where scheduled. */

static void tl_fn(struct tasklet_struct *t)
{
	rb_ran(&rb_tasklet, t);
}

static void tl_hi_fn(struct tasklet_struct *t)
{
	rb_ran(&rb_tasklet_hi, t);
}

static void tl_init(void *t)
{
	tasklet_setup(t, tl_fn);
}

static void tl_hi_init(void *t)
{
	tasklet_setup(t, tl_hi_fn);
}

static bool tl_queue(void *t, int cpu)
{
	tasklet_schedule(t);
	return true;
}

static bool tl_hi_queue(void *t, int cpu)
{
	tasklet_hi_schedule(t);
	return true;
}

static void tl_sync(void *t)
{
	tasklet_kill(t);
}

struct rb_mech rb_tasklet = {
	.name = "tasklet",
	.scens = RB_LOCAL_SCENS,
	.size = sizeof(struct tasklet_struct),
	.init = tl_init,
	.queue = tl_queue,
	.sync = tl_sync,
};

struct rb_mech rb_tasklet_hi = {
	.name = "tasklet_hi",
	.scens = RB_LOCAL_SCENS,
	.size = sizeof(struct tasklet_struct),
	.init = tl_hi_init,
	.queue = tl_hi_queue,
	.sync = tl_sync,
};

/* The kernel's own BH workqueues, v6.10+ (RTD_HAVE_NATIVE_BH_WQ). */

#ifdef RTD_HAVE_NATIVE_BH_WQ
static void nbh_fn(struct work_struct *w)
{
	rb_ran(&rb_native_bh, w);
}

static void nbh_hi_fn(struct work_struct *w)
{
	rb_ran(&rb_native_bh_highpri, w);
}

static void nbh_init(void *w)
{
	INIT_WORK((struct work_struct *)w, nbh_fn);
}

static void nbh_hi_init(void *w)
{
	INIT_WORK((struct work_struct *)w, nbh_hi_fn);
}

static bool nbh_queue_wq(struct workqueue_struct *wq, void *w, int cpu)
{
	return cpu < 0 ? queue_work(wq, w) : queue_work_on(cpu, wq, w);
}

static bool nbh_queue(void *w, int cpu)
{
	return nbh_queue_wq(system_bh_wq, w, cpu);
}

static bool nbh_hi_queue(void *w, int cpu)
{
	return nbh_queue_wq(system_bh_highpri_wq, w, cpu);
}

struct rb_mech rb_native_bh = {
	.name = "native_bh",
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct work_struct),
	.init = nbh_init,
	.queue = nbh_queue,
	.sync = rb_work_sync,
};

struct rb_mech rb_native_bh_highpri = {
	.name = "native_bh_highpri",
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct work_struct),
	.init = nbh_hi_init,
	.queue = nbh_hi_queue,
	.sync = rb_work_sync,
};
#else
struct rb_mech rb_native_bh = { .name = "native_bh" };
struct rb_mech rb_native_bh_highpri = { .name = "native_bh_highpri" };
#endif
