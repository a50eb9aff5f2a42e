/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtdefer threaded irq_work: PREEMPT_RT's irq_work split for every kernel.
 *
 * An item is queued from any context, NMI included. HARD items run in hardirq
 * context on the queueing CPU. All others run in that CPU's irq_work/N kthread
 * (SCHED_FIFO 1 by default), in thread context with preemption enabled, so
 * their callbacks may sleep. LAZY items are threaded too; they only let the
 * thread wait for the next tick (or run at once when the tick is stopped).
 * DIRECT items are threaded items whose owner promises to queue them under
 * no scheduler lock, which saves an interrupt when they are queued with
 * interrupts off, e.g. from a device's interrupt handler
 * (rtd_init_irq_work_direct()).
 *
 * Claim semantics as mainline: queueing an item that is already pending does
 * nothing and returns false; an item whose callback is running may be queued
 * again and then runs once more.
 *
 * Lifetime as mainline: the runner still touches an item after its callback
 * returned (to mark it idle), so a callback must not free its own item, nor
 * drop the last reference on an object that contains it. Free an item after
 * rtd_irq_work_sync() returned.
 */
#ifndef RTDEFER_IRQ_WORK_H
#define RTDEFER_IRQ_WORK_H

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/printk.h>
#include <linux/types.h>

struct rtd_irq_work;
typedef void (*rtd_irq_work_fn_t)(struct rtd_irq_work *work);

/**
 * struct rtd_irq_work - an irq_work item
 * @llnode: link in a per-CPU queue (private)
 * @flags: RTD_IRQ_WORK_* state and kind (private; use the accessors)
 * @func: the callback
 * @queued_ns: when it was last queued, for latency statistics (private)
 */
struct rtd_irq_work {
	struct llist_node llnode;
	atomic_t flags;
	rtd_irq_work_fn_t func;
	u64 queued_ns;
};

/*
 * State and kind bits of rtd_irq_work.flags. The upper half counts the
 * callback runs in progress: an item re-queued while it runs may start on
 * another CPU before the first run ends (as in mainline), and the count keeps
 * rtd_irq_work_is_busy() and rtd_irq_work_sync() exact even then.
 */
#define RTD_IRQ_WORK_PENDING	0x01	/* queued, callback not started */
#define RTD_IRQ_WORK_LAZY	0x04	/* threaded, wakes its thread at the tick */
#define RTD_IRQ_WORK_HARD	0x08	/* runs in hardirq context */
#define RTD_IRQ_WORK_DIRECT	0x20	/* threaded, may wake its thread directly */
#define RTD_IRQ_WORK_INIT_MAGIC	0x100	/* set by the initialisers */
#define RTD_IRQ_WORK_RUN_ONE	0x10000	/* one callback run in progress */
#define RTD_IRQ_WORK_RUNNING	(~0xffff)

#define __RTD_IRQ_WORK_INIT(_fn, _flags) {				\
	.flags = ATOMIC_INIT(RTD_IRQ_WORK_INIT_MAGIC | (_flags)),	\
	.func = (_fn),							\
}

/* Static initialisers, usable in array initialisers. */
#define RTD_IRQ_WORK_INIT(fn)		__RTD_IRQ_WORK_INIT(fn, 0)
#define RTD_IRQ_WORK_INIT_HARD(fn)	__RTD_IRQ_WORK_INIT(fn, RTD_IRQ_WORK_HARD)
#define RTD_IRQ_WORK_INIT_LAZY(fn)	__RTD_IRQ_WORK_INIT(fn, RTD_IRQ_WORK_LAZY)
/* threaded, and every queueing keeps the rule of rtd_init_irq_work_direct() */
#define RTD_IRQ_WORK_INIT_DIRECT(fn)	__RTD_IRQ_WORK_INIT(fn, RTD_IRQ_WORK_DIRECT)

static inline void __rtd_init_irq_work(struct rtd_irq_work *work,
				       rtd_irq_work_fn_t fn, int kind)
{
	int busy = RTD_IRQ_WORK_INIT_MAGIC | RTD_IRQ_WORK_PENDING;

	/* queued: re-initialising would corrupt a CPU's list */
	if ((atomic_read(&work->flags) & busy) == busy && work->func == fn) {
		pr_err_once("rtdefer: API misuse: initialising a pending irq_work %ps: ignored\n",
			    fn);
		return;
	}
	atomic_set(&work->flags, RTD_IRQ_WORK_INIT_MAGIC | kind);
	work->func = fn;
}

/**
 * rtd_init_irq_work() - initialise a threaded (not HARD, not LAZY) item
 * @work: the item; must not be pending
 * @fn: its callback
 *
 * Re-initialising an item that is still queued would corrupt a CPU's
 * list: when the item carries the initialisers' mark, is pending and has
 * this @fn, that is reported once as "API misuse" and nothing changes.
 * Queueing an item never initialised (zeroed memory) is reported the same
 * way by rtd_irq_work_queue() and ignored.
 *
 * Context: Any context. Does not sleep.
 */
static inline void rtd_init_irq_work(struct rtd_irq_work *work,
				     rtd_irq_work_fn_t fn)
{
	__rtd_init_irq_work(work, fn, 0);
}

/**
 * rtd_init_irq_work_direct() - initialise a threaded item that wakes directly
 * @work: the item; must not be pending
 * @fn: its callback
 *
 * Like rtd_init_irq_work(), for an item whose every queueing keeps this
 * rule: the caller holds no lock that the scheduler's wake-up path takes
 * (a runqueue lock, a task's pi_lock) nor any lock the kernel ever takes
 * while holding one of those (perf's context locks, for example, or any
 * lock of the caller's own that a scheduler hook takes). A device's
 * interrupt handler, a driver's hrtimer callback, a tasklet or a task that
 * only hold their own driver's locks keep it.
 *
 * The rule lets rtd_irq_work_queue() and rtd_irq_work_queue_on() wake the
 * irq_work/N thread with wake_up_process() even where interrupts are off
 * (in hardirq context, under spin_lock_irqsave()), instead of raising an
 * interrupt on the CPU first whose handler wakes the thread: one interrupt
 * less between the queueing and the callback. Without the rule (items set
 * up otherwise), interrupts off always take that detour, because a wake-up
 * under a scheduler lock deadlocks. From NMI context the detour is taken
 * for every item. Breaking the rule deadlocks; kernels with lockdep report
 * it as a recursive or circular locking dependency.
 *
 * Context: Any context. Does not sleep.
 */
static inline void rtd_init_irq_work_direct(struct rtd_irq_work *work,
					    rtd_irq_work_fn_t fn)
{
	__rtd_init_irq_work(work, fn, RTD_IRQ_WORK_DIRECT);
}

/**
 * rtd_irq_work_is_pending() - whether the item is queued and has not started
 * @work: the item
 *
 * Context: Any context. The answer may be stale by the time it is used.
 */
static inline bool rtd_irq_work_is_pending(struct rtd_irq_work *work)
{
	return atomic_read(&work->flags) & RTD_IRQ_WORK_PENDING;
}

/**
 * rtd_irq_work_is_busy() - whether the item is queued or its callback runs
 * @work: the item
 *
 * Context: Any context. The answer may be stale by the time it is used.
 */
static inline bool rtd_irq_work_is_busy(struct rtd_irq_work *work)
{
	return atomic_read(&work->flags) &
		(RTD_IRQ_WORK_PENDING | RTD_IRQ_WORK_RUNNING);
}

/**
 * rtd_irq_work_is_hard() - whether the item runs in hardirq context
 * @work: the item
 *
 * Context: Any context.
 */
static inline bool rtd_irq_work_is_hard(struct rtd_irq_work *work)
{
	return atomic_read(&work->flags) & RTD_IRQ_WORK_HARD;
}

bool rtd_irq_work_queue(struct rtd_irq_work *work);
bool rtd_irq_work_queue_on(struct rtd_irq_work *work, int cpu);
void rtd_irq_work_sync(struct rtd_irq_work *work);

#endif /* RTDEFER_IRQ_WORK_H */
