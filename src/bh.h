/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BH workqueue internals shared by bh_pool.c (per-CPU pools: execution,
 * kicks, hotplug) and bh_wq.c (the API). Not an API.
 */
#ifndef RTDEFER_BH_H
#define RTDEFER_BH_H

#include <linux/interrupt.h>
#include <linux/spinlock.h>
#include <rtdefer/bh_wq.h>
#include <rtdefer/irq_work.h>

/**
 * struct rtd_workqueue - a BH workqueue
 * @nr_active: items queued (delayed ones included) or running
 * @flags: RTD_WQ_HIGHPRI or 0
 * @nr_drainers: drains going on; while any does, queueing from outside
 *		 the queue's own callbacks is refused
 * @system: one of rtdefer's system queues, which consumers cannot destroy
 * @name: for messages
 */
struct rtd_workqueue {
	atomic_t nr_active;
	unsigned int flags;
	atomic_t nr_drainers;
	bool system;
	char name[32];
};

/**
 * struct rtd_bh_pool - one CPU's queue of BH items of one priority
 * @lock: protects @worklist, @current_work, @current_func and the
 *	  &rtd_work.entry and &rtd_work.pool of items on @worklist
 * @worklist: items in queueing order
 * @current_work: the item whose callback runs now, or NULL
 * @current_func: its callback (an item may be freed and reused meanwhile)
 * @current_wq: the queue it was queued on
 * @tasklet: runs the pool in softirq context (tasklet or tasklet_hi)
 * @kick: HARD irq_work that schedules @tasklet on @cpu from another CPU
 * @cpu: the CPU the pool belongs to
 * @highpri: HI_SOFTIRQ pool
 * @down: @cpu is not (or no longer) fully online: the tasklet is not raised
 *	  there (see rtd_bh_raise())
 */
struct rtd_bh_pool {
	raw_spinlock_t lock;
	struct list_head worklist;
	struct rtd_work *current_work;
	rtd_work_func_t current_func;
	struct rtd_workqueue *current_wq;
	struct tasklet_struct tasklet;
	struct rtd_irq_work kick;
	int cpu;
	bool highpri;
	bool down;
};

/* Whether a work item is on a pool's list (a static item starts zeroed). */
static inline bool rtd_bh_on_list(struct rtd_work *work)
{
	return work->entry.next && !list_empty(&work->entry);
}

struct rtd_bh_pool *rtd_bh_pool_of(int cpu, struct rtd_workqueue *wq);
struct rtd_bh_pool *rtd_bh_pool(int cpu, int hi);
struct rtd_bh_pool *rtd_bh_lock_target(struct rtd_work *work, struct rtd_bh_pool *want);
void rtd_bh_insert(struct rtd_bh_pool *pool, struct rtd_workqueue *wq,
		   struct rtd_work *work);
void rtd_bh_kick(struct rtd_bh_pool *pool);
bool rtd_bh_pool_holds(struct rtd_work *work);
void rtd_bh_work_setup(struct rtd_work *work, rtd_work_func_t func);
bool rtd_bh_current_wq_is(struct rtd_workqueue *wq);
void rtd_bh_wq_put(struct rtd_workqueue *wq);
bool rtd_bh_cancel(struct rtd_work *work, struct rtd_delayed_work *dwork);
void rtd_bh_adopt_stranded(void);
int rtd_bh_pools_init(void);
void rtd_bh_pools_exit(void);

#endif /* RTDEFER_BH_H */
