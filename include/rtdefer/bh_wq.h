/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtdefer BH workqueues: mainline's WQ_BH semantics (v6.9, with v6.10's
 * disable/enable) on every kernel.
 *
 * Work items run in softirq context on the CPU they were queued on, in
 * queueing order, never concurrently with themselves: an item queued again
 * while its callback runs is queued behind it on the same CPU. High-priority
 * queues run from HI_SOFTIRQ, ahead of the normal ones (TASKLET_SOFTIRQ).
 * Queueing is allowed from any context but NMI.
 */
#ifndef RTDEFER_BH_WQ_H
#define RTDEFER_BH_WQ_H

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/timer.h>
#include <linux/types.h>

struct rtd_work;
struct rtd_workqueue;
struct rtd_bh_pool;
typedef void (*rtd_work_func_t)(struct rtd_work *work);

/**
 * struct rtd_work - a BH work item
 * @state: pending bit and disable count (private)
 * @entry: link in a per-CPU pool (private)
 * @func: the callback, run in softirq context
 * @pool: the pool it was last queued on (private)
 * @wq: the workqueue it was last queued on (private)
 * @queued_ns: when it was last queued, for latency statistics (private)
 */
struct rtd_work {
	atomic_t state;
	struct list_head entry;
	rtd_work_func_t func;
	struct rtd_bh_pool *pool;
	struct rtd_workqueue *wq;
	u64 queued_ns;
};

/**
 * struct rtd_delayed_work - a BH work item queued after a delay
 * @work: the work item
 * @timer: the delay (private)
 * @cpu: the CPU to queue on when the delay ends, or -1 for the CPU where
 *	 the timer fires (private)
 */
struct rtd_delayed_work {
	struct rtd_work work;
	struct timer_list timer;
	int cpu;
};

#define RTD_WORK_PENDING	0x01
#define RTD_WORK_INITIALISED	0x02
#define RTD_WORK_DISABLE_ONE	0x10000

#define RTD_WQ_HIGHPRI		0x01	/* run from HI_SOFTIRQ */

void rtd_delayed_work_timer_fn(struct timer_list *t);

/* .entry stays zeroed until first queued: NULL means "on no list". */
#define __RTD_WORK_INITIALIZER(f) {					\
	.state = ATOMIC_INIT(RTD_WORK_INITIALISED),			\
	.func = (f),							\
}

#define __RTD_DELAYED_WORK_INITIALIZER(f) {				\
	.work = __RTD_WORK_INITIALIZER(f),				\
	.timer = __TIMER_INITIALIZER(rtd_delayed_work_timer_fn,	\
				     TIMER_IRQSAFE),			\
	.cpu = -1,							\
}

/* File-scope definitions: static RTD_DECLARE_WORK(my_work, my_fn); */
#define RTD_DECLARE_WORK(n, f)						\
	struct rtd_work n = __RTD_WORK_INITIALIZER(f)
#define RTD_DECLARE_DELAYED_WORK(n, f)					\
	struct rtd_delayed_work n = __RTD_DELAYED_WORK_INITIALIZER(f)

/**
 * RTD_INIT_WORK() - initialise a work item at run time
 * @w: the item (struct rtd_work *); must not be pending
 * @f: its callback
 */
#define RTD_INIT_WORK(w, f) rtd_init_work((w), (f))

/**
 * RTD_INIT_DELAYED_WORK() - initialise a delayed work item at run time
 * @dw: the item (struct rtd_delayed_work *); must not be pending
 * @f: its callback
 */
#define RTD_INIT_DELAYED_WORK(dw, f) rtd_init_delayed_work((dw), (f))

void rtd_init_work(struct rtd_work *work, rtd_work_func_t func);
void rtd_init_delayed_work(struct rtd_delayed_work *dwork, rtd_work_func_t func);

/**
 * rtd_to_delayed_work() - the delayed work item a work item belongs to
 * @work: the &rtd_delayed_work.work member
 */
static inline struct rtd_delayed_work *rtd_to_delayed_work(struct rtd_work *work)
{
	return container_of(work, struct rtd_delayed_work, work);
}

/**
 * rtd_work_pending() - whether the item is queued and has not started
 * @work: the item
 *
 * Context: Any context. The answer may be stale by the time it is used.
 */
static inline bool rtd_work_pending(struct rtd_work *work)
{
	return atomic_read(&work->state) & RTD_WORK_PENDING;
}

/**
 * rtd_delayed_work_pending() - whether the item waits for its delay or to run
 * @dwork: the item
 *
 * Context: Any context. The answer may be stale by the time it is used.
 */
static inline bool rtd_delayed_work_pending(struct rtd_delayed_work *dwork)
{
	return rtd_work_pending(&dwork->work);
}

extern struct rtd_workqueue *rtd_system_bh_wq;
extern struct rtd_workqueue *rtd_system_bh_highpri_wq;

__printf(1, 3)
struct rtd_workqueue *rtd_alloc_bh_workqueue(const char *fmt, unsigned int flags, ...);
void rtd_destroy_workqueue(struct rtd_workqueue *wq);

bool rtd_queue_work_on(int cpu, struct rtd_workqueue *wq, struct rtd_work *work);
bool rtd_queue_work(struct rtd_workqueue *wq, struct rtd_work *work);
bool rtd_queue_delayed_work_on(int cpu, struct rtd_workqueue *wq,
			       struct rtd_delayed_work *dwork, unsigned long delay);
bool rtd_queue_delayed_work(struct rtd_workqueue *wq,
			    struct rtd_delayed_work *dwork, unsigned long delay);
bool rtd_mod_delayed_work_on(int cpu, struct rtd_workqueue *wq,
			     struct rtd_delayed_work *dwork, unsigned long delay);
bool rtd_mod_delayed_work(struct rtd_workqueue *wq,
			  struct rtd_delayed_work *dwork, unsigned long delay);
bool rtd_enable_and_queue_work(struct rtd_workqueue *wq, struct rtd_work *work);

bool rtd_flush_work(struct rtd_work *work);
bool rtd_flush_delayed_work(struct rtd_delayed_work *dwork);
void rtd_flush_workqueue(struct rtd_workqueue *wq);
void rtd_drain_workqueue(struct rtd_workqueue *wq);

bool rtd_cancel_work(struct rtd_work *work);
bool rtd_cancel_work_sync(struct rtd_work *work);
bool rtd_cancel_delayed_work(struct rtd_delayed_work *dwork);
bool rtd_cancel_delayed_work_sync(struct rtd_delayed_work *dwork);

bool rtd_disable_work(struct rtd_work *work);
bool rtd_disable_work_sync(struct rtd_work *work);
bool rtd_enable_work(struct rtd_work *work);
bool rtd_disable_delayed_work(struct rtd_delayed_work *dwork);
bool rtd_disable_delayed_work_sync(struct rtd_delayed_work *dwork);
bool rtd_enable_delayed_work(struct rtd_delayed_work *dwork);

#endif /* RTDEFER_BH_WQ_H */
