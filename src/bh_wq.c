// SPDX-License-Identifier: GPL-2.0
/*
 * BH workqueues: the API over the per-CPU pools of bh_pool.c, with the
 * semantics of mainline's WQ_BH (v6.9) and disable/enable (v6.10).
 *
 * Ownership of a work item's PENDING bit decides who may touch it: a queuer
 * sets it under the target pool's lock and inserts the item in the same
 * critical section; the pool clears it under its lock when it takes the item
 * off the list; cancel, disable and mod_delayed_work "grab" it (from the
 * timer or from the list, see rtd_bh_grab()). An item's disable count lives
 * in the same word, so queueing a disabled item fails atomically.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "bh.h"
#include "compat/compat.h"
#include "debug_hook.h"
#include "internal.h"

/*
 * rtd_system_bh_wq - the shared BH workqueue, run from TASKLET_SOFTIRQ, like
 * mainline's system_bh_wq. Valid while rtdefer is loaded; cannot be destroyed.
 */
struct rtd_workqueue *rtd_system_bh_wq;
EXPORT_SYMBOL_RTDEFER(rtd_system_bh_wq);

/*
 * rtd_system_bh_highpri_wq - the shared high-priority BH workqueue, run from
 * HI_SOFTIRQ ahead of the normal one, like mainline's system_bh_highpri_wq.
 */
struct rtd_workqueue *rtd_system_bh_highpri_wq;
EXPORT_SYMBOL_RTDEFER(rtd_system_bh_highpri_wq);

/*
 * Initialising an item still queued on a pool's list or waiting on its
 * timer would corrupt the list or the timer wheel. Uninitialised memory is
 * only compared against rtdefer's pools and timer function, never followed.
 */
static bool rtd_bh_init_refused(struct rtd_work *work, struct rtd_delayed_work *dwork)
{
	bool busy = (dwork && dwork->timer.function == rtd_delayed_work_timer_fn &&
		     timer_pending(&dwork->timer)) ||
		    ((atomic_read(&work->state) & (RTD_WORK_INITIALISED | RTD_WORK_PENDING)) ==
		     (RTD_WORK_INITIALISED | RTD_WORK_PENDING) && rtd_bh_pool_holds(work));

	if (busy)
		rtd_misuse("initialising a pending BH work item %ps: ignored\n", work->func);
	return busy;
}

/**
 * rtd_init_work() - initialise a work item at run time
 * @work: the item; must not be pending
 * @func: its callback, run in softirq context
 *
 * Initialising an item that is queued (on a pool's list) would corrupt
 * that list: it is reported once as "API misuse" and the item is left as
 * it was.
 *
 * Context: Any context but NMI.
 */
void rtd_init_work(struct rtd_work *work, rtd_work_func_t func)
{
	if (!rtd_bh_init_refused(work, NULL))
		rtd_bh_work_setup(work, func);
}
EXPORT_SYMBOL_RTDEFER(rtd_init_work);

/**
 * rtd_bh_work_setup() - rtd_init_work() without the check, for rtdefer's own
 * items (flush barriers, set up under a pool's lock)
 * @work: the item
 * @func: its callback
 */
void rtd_bh_work_setup(struct rtd_work *work, rtd_work_func_t func)
{
	atomic_set(&work->state, RTD_WORK_INITIALISED);
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
	work->pool = NULL;
	work->wq = NULL;
}

/**
 * rtd_init_delayed_work() - initialise a delayed work item at run time
 * @dwork: the item; must not be pending
 * @func: its callback, run in softirq context
 *
 * An item waiting for its delay or queued is left as it was, with "API
 * misuse" reported once (see rtd_init_work()).
 *
 * Context: Any context but NMI.
 */
void rtd_init_delayed_work(struct rtd_delayed_work *dwork, rtd_work_func_t func)
{
	if (rtd_bh_init_refused(&dwork->work, dwork))
		return;
	rtd_bh_work_setup(&dwork->work, func);
	timer_setup(&dwork->timer, rtd_delayed_work_timer_fn, TIMER_IRQSAFE);
	dwork->cpu = -1;
}
EXPORT_SYMBOL_RTDEFER(rtd_init_delayed_work);

static bool rtd_bh_work_ok(struct rtd_work *work)
{
	if (likely(atomic_read(&work->state) & RTD_WORK_INITIALISED))
		return true;
	rtd_misuse("queueing an uninitialised BH work item %ps: ignored\n", work->func);
	return false;
}

/* Set PENDING unless the item is pending or disabled. */
static bool rtd_bh_try_pend(struct rtd_work *work)
{
	int old = atomic_read(&work->state);

	do {
		if (old & RTD_WORK_PENDING || old >= RTD_WORK_DISABLE_ONE)
			return false;
	} while (!atomic_try_cmpxchg(&work->state, &old, old | RTD_WORK_PENDING));
	return true;
}

/* While a queue drains, only its own callbacks may add to it. */
static bool rtd_bh_may_queue(struct rtd_workqueue *wq)
{
	if (likely(!atomic_read(&wq->nr_drainers)) || rtd_bh_current_wq_is(wq))
		return true;
	pr_warn_once("%s is draining: queueing from outside its callbacks refused\n",
		     wq->name);
	return false;
}

static bool rtd_bh_cpu_ok(int cpu)
{
	return cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu);
}

/* Interrupts off, PENDING owned: put the item on @cpu's pool (or here). */
static void rtd_bh_queue_pended(struct rtd_workqueue *wq, struct rtd_work *work,
				int cpu)
{
	struct rtd_bh_pool *pool;

	if (!rtd_bh_cpu_ok(cpu))
		cpu = smp_processor_id();
	pool = rtd_bh_lock_target(work, rtd_bh_pool_of(cpu, wq));
	rtd_bh_insert(pool, wq, work);
	raw_spin_unlock(&pool->lock);
}

/*
 * Queue on @cpu, or with @cpu < 0 on the CPU the caller runs on once
 * interrupts are off: a caller preempted and migrated before that point
 * queues where it ends up, never on a CPU it left (which may be offline).
 */
static bool rtd_bh_queue(int cpu, struct rtd_workqueue *wq, struct rtd_work *work)
{
	struct rtd_bh_pool *pool;
	unsigned long flags;
	bool ret = false;

	if (!rtd_bh_work_ok(work))
		return false;
	local_irq_save(flags);
	if (cpu < 0)
		cpu = smp_processor_id();
	if (!rtd_bh_cpu_ok(cpu) || !rtd_bh_may_queue(wq))
		goto out;
	pool = rtd_bh_lock_target(work, rtd_bh_pool_of(cpu, wq));
	if (rtd_bh_try_pend(work)) {
		atomic_inc(&wq->nr_active);
		rtd_bh_insert(pool, wq, work);
		ret = true;
	}
	raw_spin_unlock(&pool->lock);
out:
	local_irq_restore(flags);
	return ret;
}

/**
 * rtd_queue_work_on() - queue a work item on a given CPU
 * @cpu: the CPU whose softirq runs it
 * @wq: the queue
 * @work: the item
 *
 * If the item's callback is running right now it is queued behind itself,
 * on the CPU that runs it, whatever @cpu says. Refused (false) for an
 * invalid or offline @cpu, a disabled item and a draining queue (unless
 * called from one of the queue's own callbacks).
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if queued, false if it was pending already or was refused.
 */
bool rtd_queue_work_on(int cpu, struct rtd_workqueue *wq, struct rtd_work *work)
{
	return cpu < 0 ? false : rtd_bh_queue(cpu, wq, work);
}
EXPORT_SYMBOL_RTDEFER(rtd_queue_work_on);

/**
 * rtd_queue_work() - queue a work item on the current CPU
 * @wq: the queue
 * @work: the item
 *
 * The current CPU is the one the caller runs on when the item is queued,
 * with interrupts off: a caller that was migrated on its way in queues
 * where it runs now.
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if queued, false if it was pending already or was refused
 * (see rtd_queue_work_on()).
 */
bool rtd_queue_work(struct rtd_workqueue *wq, struct rtd_work *work)
{
	rtd_debug_hook(RTD_HOOK_BH_QUEUE_LOCAL, NULL);
	return rtd_bh_queue(-1, wq, work);
}
EXPORT_SYMBOL_RTDEFER(rtd_queue_work);

/* Interrupts off, PENDING owned, item counted in wq->nr_active. */
static void rtd_bh_arm(int cpu, struct rtd_workqueue *wq,
		       struct rtd_delayed_work *dwork, unsigned long delay)
{
	dwork->work.wq = wq;
	dwork->cpu = cpu;
	if (!delay) {
		rtd_bh_queue_pended(wq, &dwork->work, cpu);
		return;
	}
	dwork->timer.expires = jiffies + delay;
	if (cpu >= 0)
		add_timer_on(&dwork->timer, cpu);
	else
		add_timer(&dwork->timer);
}

/**
 * rtd_delayed_work_timer_fn() - end of a delayed work item's delay
 * @t: the item's timer
 *
 * Exported only for RTD_DECLARE_DELAYED_WORK(); not for direct use.
 *
 * Context: Timer softirq, interrupts off (TIMER_IRQSAFE).
 */
void rtd_delayed_work_timer_fn(struct timer_list *t)
{
	struct rtd_delayed_work *dwork = container_of(t, struct rtd_delayed_work, timer);

	rtd_debug_hook(RTD_HOOK_BH_DELAY_END, NULL);
	rtd_bh_queue_pended(dwork->work.wq, &dwork->work, dwork->cpu);
}
EXPORT_SYMBOL_RTDEFER(rtd_delayed_work_timer_fn);

/**
 * rtd_queue_delayed_work_on() - queue a work item after a delay
 * @cpu: the CPU to run it on, or -1 for the CPU where the delay ends
 * @wq: the queue
 * @dwork: the item
 * @delay: jiffies to wait; 0 queues at once
 *
 * If @cpu is offline when the delay ends, the item runs on the CPU where
 * the delay ended. Refused as rtd_queue_work_on() is.
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if queued, false if it was pending already or was refused.
 */
bool rtd_queue_delayed_work_on(int cpu, struct rtd_workqueue *wq,
			       struct rtd_delayed_work *dwork, unsigned long delay)
{
	unsigned long flags;
	bool ret = false;

	if (!rtd_bh_work_ok(&dwork->work))
		return false;
	local_irq_save(flags);
	if ((cpu != -1 && !rtd_bh_cpu_ok(cpu)) || !rtd_bh_may_queue(wq))
		goto out;
	if (rtd_bh_try_pend(&dwork->work)) {
		atomic_inc(&wq->nr_active);
		rtd_bh_arm(cpu, wq, dwork, delay);
		ret = true;
	}
out:
	local_irq_restore(flags);
	return ret;
}
EXPORT_SYMBOL_RTDEFER(rtd_queue_delayed_work_on);

/**
 * rtd_queue_delayed_work() - queue a work item after a delay, on the CPU
 * where the delay ends
 * @wq: the queue
 * @dwork: the item
 * @delay: jiffies to wait; 0 queues at once on the current CPU
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if queued, false if it was pending already or was refused.
 */
bool rtd_queue_delayed_work(struct rtd_workqueue *wq,
			    struct rtd_delayed_work *dwork, unsigned long delay)
{
	return rtd_queue_delayed_work_on(-1, wq, dwork, delay);
}
EXPORT_SYMBOL_RTDEFER(rtd_queue_delayed_work);

/*
 * Take ownership of an item's PENDING bit, interrupts off. Returns true if
 * it was pending (it is now off its timer or list), false if it was idle (it
 * is now marked pending by us). Spins only while another CPU is between
 * setting PENDING and inserting the item, with its interrupts off.
 */
static bool rtd_bh_grab(struct rtd_work *work, struct rtd_delayed_work *dwork)
{
	struct rtd_bh_pool *pool;

	for (;;) {
		if (dwork && rtd_timer_delete(&dwork->timer))
			return true;
		if (!(atomic_fetch_or(RTD_WORK_PENDING, &work->state) & RTD_WORK_PENDING))
			return false;
		pool = READ_ONCE(work->pool);
		if (pool) {
			raw_spin_lock(&pool->lock);
			if (READ_ONCE(work->pool) == pool && rtd_bh_on_list(work)) {
				list_del_init(&work->entry);
				raw_spin_unlock(&pool->lock);
				return true;
			}
			raw_spin_unlock(&pool->lock);
		}
		cpu_relax();
	}
}

/**
 * rtd_bh_cancel() - take a work item off its timer or queue
 * @work: the item
 * @dwork: the delayed item it belongs to, or NULL
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if it was pending.
 */
bool rtd_bh_cancel(struct rtd_work *work, struct rtd_delayed_work *dwork)
{
	struct rtd_workqueue *wq;
	unsigned long flags;
	bool was_pending;

	local_irq_save(flags);
	was_pending = rtd_bh_grab(work, dwork);
	wq = work->wq;
	atomic_andnot(RTD_WORK_PENDING, &work->state);
	local_irq_restore(flags);
	if (was_pending)
		rtd_bh_wq_put(wq);
	return was_pending;
}

/**
 * rtd_mod_delayed_work_on() - queue a delayed item, or change its delay
 * @cpu: the CPU to run it on, or -1 for the CPU where the delay ends
 * @wq: the queue
 * @dwork: the item
 * @delay: jiffies from now; 0 queues at once
 *
 * Whether the item was pending or not, it ends up queued to run @delay
 * jiffies from now, unless it is disabled (then it is only cancelled) or
 * the queue or @cpu refuse it (then nothing changes).
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item was pending before, false otherwise.
 */
bool rtd_mod_delayed_work_on(int cpu, struct rtd_workqueue *wq,
			     struct rtd_delayed_work *dwork, unsigned long delay)
{
	struct rtd_workqueue *old_wq;
	unsigned long flags;
	bool was_pending;

	if (!rtd_bh_work_ok(&dwork->work))
		return false;
	local_irq_save(flags);
	if ((cpu != -1 && !rtd_bh_cpu_ok(cpu)) || !rtd_bh_may_queue(wq)) {
		local_irq_restore(flags);
		return false;
	}
	was_pending = rtd_bh_grab(&dwork->work, dwork);
	old_wq = dwork->work.wq;
	if (atomic_read(&dwork->work.state) >= RTD_WORK_DISABLE_ONE) {
		atomic_andnot(RTD_WORK_PENDING, &dwork->work.state);
		local_irq_restore(flags);
		if (was_pending)
			rtd_bh_wq_put(old_wq);
		return was_pending;
	}
	atomic_inc(&wq->nr_active);
	rtd_bh_arm(cpu, wq, dwork, delay);
	local_irq_restore(flags);
	if (was_pending)
		rtd_bh_wq_put(old_wq);
	return was_pending;
}
EXPORT_SYMBOL_RTDEFER(rtd_mod_delayed_work_on);

/**
 * rtd_mod_delayed_work() - rtd_mod_delayed_work_on() on the CPU where the
 * delay ends
 * @wq: the queue
 * @dwork: the item
 * @delay: jiffies from now
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item was pending before, false otherwise.
 */
bool rtd_mod_delayed_work(struct rtd_workqueue *wq,
			  struct rtd_delayed_work *dwork, unsigned long delay)
{
	return rtd_mod_delayed_work_on(-1, wq, dwork, delay);
}
EXPORT_SYMBOL_RTDEFER(rtd_mod_delayed_work);

/**
 * rtd_cancel_work() - take a work item off its queue if it is pending
 * @work: the item
 *
 * Does not wait for a running callback.
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if it was pending (and now is not).
 */
bool rtd_cancel_work(struct rtd_work *work)
{
	return rtd_bh_cancel(work, NULL);
}
EXPORT_SYMBOL_RTDEFER(rtd_cancel_work);

/**
 * rtd_cancel_delayed_work() - stop a delayed item's timer or take it off
 * its queue
 * @dwork: the item
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if it was pending (and now is not).
 */
bool rtd_cancel_delayed_work(struct rtd_delayed_work *dwork)
{
	return rtd_bh_cancel(&dwork->work, dwork);
}
EXPORT_SYMBOL_RTDEFER(rtd_cancel_delayed_work);
