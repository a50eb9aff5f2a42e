// SPDX-License-Identifier: GPL-2.0
/*
 * BH workqueues: waiting and lifetime. Flushing, the _sync cancels,
 * disable/enable (counted, as in v6.10), draining, and the queues
 * themselves (allocation, destruction, the two system queues).
 *
 * A flush puts a barrier item right behind the item waited for (or at the
 * head of its pool if it is running, or at the tail of every pool for a
 * whole queue) and sleeps until the pool runs the barrier. Waiting for a
 * running callback from BH context (the _sync calls on BH items, which
 * mainline allows there) spins instead: the callback runs in another CPU's
 * softirq, and this CPU's cannot start while it is in BH context.
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

struct rtd_bh_barrier {
	struct rtd_work work;
	struct completion done;
};

static void rtd_bh_barrier_fn(struct rtd_work *work)
{
	complete(&container_of(work, struct rtd_bh_barrier, work)->done);
}

static void rtd_bh_barrier_init(struct rtd_bh_barrier *barr)
{
	rtd_bh_work_setup(&barr->work, rtd_bh_barrier_fn);
	atomic_or(RTD_WORK_PENDING, &barr->work.state);
	init_completion(&barr->done);
}

/*
 * Lock the pool an item was last queued on, interrupts off; NULL if it never
 * was. The pool may change while unlocked (re-queue elsewhere, hotplug).
 */
static struct rtd_bh_pool *rtd_bh_lock_pool_of(struct rtd_work *work)
{
	struct rtd_bh_pool *pool;

	for (;;) {
		pool = READ_ONCE(work->pool);
		if (!pool)
			return NULL;
		raw_spin_lock(&pool->lock);
		if (READ_ONCE(work->pool) == pool)
			return pool;
		raw_spin_unlock(&pool->lock);
	}
}

/* Put @barr behind @work if it is queued or running; false if neither. */
static bool rtd_bh_insert_barrier(struct rtd_work *work,
				  struct rtd_bh_barrier *barr)
{
	struct rtd_bh_pool *pool;
	bool queued = true;

	local_irq_disable();
	pool = rtd_bh_lock_pool_of(work);
	if (!pool) {
		local_irq_enable();
		return false;
	}
	rtd_bh_barrier_init(barr);
	barr->work.pool = pool;
	if (rtd_bh_on_list(work))
		list_add(&barr->work.entry, &work->entry);
	else if (pool->current_work == work && pool->current_func == work->func)
		list_add(&barr->work.entry, &pool->worklist);
	else
		queued = false;
	raw_spin_unlock(&pool->lock);
	local_irq_enable();
	return queued;
}

/**
 * rtd_flush_work() - wait for a work item's last queueing to finish running
 * @work: the item
 *
 * An item left queued on a CPU that went offline (one whose hotplug
 * operation has not yet moved its items) is moved to the caller's CPU and
 * run there: a CPU hotplug callback, of any state, may flush.
 *
 * Context: Process context; sleeps.
 * Return: true if it waited for a pending or running item, false if the
 * item was idle.
 */
bool rtd_flush_work(struct rtd_work *work)
{
	struct rtd_bh_barrier barr;

	might_sleep();
	rtd_bh_adopt_stranded();
	if (!rtd_bh_insert_barrier(work, &barr))
		return false;
	wait_for_completion(&barr.done);
	return true;
}
EXPORT_SYMBOL_RTDEFER(rtd_flush_work);

/**
 * rtd_flush_delayed_work() - end a delayed item's delay now and wait for it
 * @dwork: the item
 *
 * A pending delay is cut short: the item is queued at once (on its CPU) and
 * waited for.
 *
 * Context: Process context; sleeps.
 * Return: true if the item was waiting for its delay, queued or running
 * (it has run when this returns), false if it was idle.
 */
bool rtd_flush_delayed_work(struct rtd_delayed_work *dwork)
{
	bool cut;

	/*
	 * As mainline: the _sync delete also waits for a timer callback that
	 * runs on another CPU right now (the timer is TIMER_IRQSAFE, so it
	 * may be waited for with interrupts off): once it returns, the item
	 * is queued or was never due, and the flush below finds it.
	 */
	local_irq_disable();
	cut = rtd_timer_delete_sync(&dwork->timer);
	if (cut)
		rtd_delayed_work_timer_fn(&dwork->timer);
	local_irq_enable();
	return rtd_flush_work(&dwork->work) || cut;
}
EXPORT_SYMBOL_RTDEFER(rtd_flush_delayed_work);

/*
 * Whether waiting for a BH callback may sleep here. Never on non-RT
 * kernels: as mainline does for BH items since v6.10, the _sync calls spin,
 * because they may be called under a spinlock, with preemption off or in an
 * RCU read-side section, which kernels without preemption counting cannot
 * see. The callback runs in a softirq of another CPU then: a softirq is
 * never preempted by a task, and does not nest in another. On PREEMPT_RT
 * softirqs run in preemptible threads, so a preemptible caller outside any
 * RCU read-side section (a spinlock_t is one on RT) and outside BH sleeps.
 */
static bool rtd_bh_wait_may_sleep(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && preemptible() &&
		!rcu_preempt_depth() && !in_softirq();
}

/* Wait until @work's callback is not running, in any context but hardirq. */
static void rtd_bh_wait_running(struct rtd_work *work)
{
	struct rtd_bh_pool *pool;

	if (in_hardirq() || in_nmi()) {
		pr_err_once("cannot wait for BH work %ps from hardirq context\n",
			    work->func);
		return;
	}
	if (rtd_bh_wait_may_sleep()) {
		rtd_flush_work(work);
		return;
	}
	pool = READ_ONCE(work->pool);
	/* pairs with smp_store_release() of current_work in rtd_bh_run_one() */
	while (pool && smp_load_acquire(&pool->current_work) == work) {
		cpu_relax();
		pool = READ_ONCE(work->pool);
	}
}

static void rtd_bh_disable_count(struct rtd_work *work)
{
	if (atomic_add_return(RTD_WORK_DISABLE_ONE, &work->state) < 0)
		pr_err_once("BH work %ps disabled too often\n", work->func);
}

/**
 * rtd_disable_work() - disable a work item and cancel it if pending
 * @work: the item
 *
 * Disabling is counted: each call needs a rtd_enable_work(). While
 * disabled, queueing the item fails. Does not wait for a running callback.
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item was pending.
 */
bool rtd_disable_work(struct rtd_work *work)
{
	rtd_bh_disable_count(work);
	return rtd_bh_cancel(work, NULL);
}
EXPORT_SYMBOL_RTDEFER(rtd_disable_work);

/**
 * rtd_disable_work_sync() - disable a work item, cancel it, wait for it
 * @work: the item
 *
 * Like rtd_disable_work(), then waits until the callback is not running.
 * The wait spins (the callback runs in another CPU's softirq), as mainline
 * does for BH items, so it may be called from any context but hardirq:
 * BH off, preemption off, a spinlock held, an RCU read-side section. On
 * PREEMPT_RT, where softirqs run in threads, a caller that may sleep (not
 * in BH, not in an RCU read-side section, which a spinlock_t section is
 * on RT) sleeps instead. From hardirq context it only disables and
 * cancels, and says so once in the kernel log.
 *
 * Context: Any context but hardirq and NMI. Sleeps only on PREEMPT_RT, in
 * preemptible task context.
 * Return: true if the item was pending.
 */
bool rtd_disable_work_sync(struct rtd_work *work)
{
	bool ret = rtd_disable_work(work);

	rtd_bh_wait_running(work);
	return ret;
}
EXPORT_SYMBOL_RTDEFER(rtd_disable_work_sync);

/**
 * rtd_enable_work() - undo one rtd_disable_work()
 * @work: the item
 *
 * An enable without a matching disable is reported once and ignored.
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item is enabled now (the count reached zero).
 */
bool rtd_enable_work(struct rtd_work *work)
{
	int old = atomic_read(&work->state);

	do {
		if (old < RTD_WORK_DISABLE_ONE) {
			pr_err_once("BH work %ps enabled more often than disabled\n",
				    work->func);
			return true;
		}
	} while (!atomic_try_cmpxchg(&work->state, &old, old - RTD_WORK_DISABLE_ONE));
	return old - RTD_WORK_DISABLE_ONE < RTD_WORK_DISABLE_ONE;
}
EXPORT_SYMBOL_RTDEFER(rtd_enable_work);

/**
 * rtd_enable_and_queue_work() - enable a work item and queue it if enabled
 * @wq: the queue
 * @work: the item
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item is enabled now and was queued by this call.
 */
bool rtd_enable_and_queue_work(struct rtd_workqueue *wq, struct rtd_work *work)
{
	return rtd_enable_work(work) && rtd_queue_work(wq, work);
}
EXPORT_SYMBOL_RTDEFER(rtd_enable_and_queue_work);

/**
 * rtd_disable_delayed_work() - rtd_disable_work() for a delayed item
 * @dwork: the item; a pending delay is cancelled too
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item was pending.
 */
bool rtd_disable_delayed_work(struct rtd_delayed_work *dwork)
{
	rtd_bh_disable_count(&dwork->work);
	return rtd_bh_cancel(&dwork->work, dwork);
}
EXPORT_SYMBOL_RTDEFER(rtd_disable_delayed_work);

/**
 * rtd_disable_delayed_work_sync() - rtd_disable_work_sync() for a delayed item
 * @dwork: the item
 *
 * Context: As rtd_disable_work_sync().
 * Return: true if the item was pending.
 */
bool rtd_disable_delayed_work_sync(struct rtd_delayed_work *dwork)
{
	bool ret = rtd_disable_delayed_work(dwork);

	rtd_bh_wait_running(&dwork->work);
	return ret;
}
EXPORT_SYMBOL_RTDEFER(rtd_disable_delayed_work_sync);

/**
 * rtd_enable_delayed_work() - rtd_enable_work() for a delayed item
 * @dwork: the item
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: true if the item is enabled now.
 */
bool rtd_enable_delayed_work(struct rtd_delayed_work *dwork)
{
	return rtd_enable_work(&dwork->work);
}
EXPORT_SYMBOL_RTDEFER(rtd_enable_delayed_work);

/**
 * rtd_cancel_work_sync() - cancel a work item and wait for its callback
 * @work: the item
 *
 * Safe against an item that queues itself again: it is disabled while
 * cancelled and waited for, then enabled again.
 *
 * Context: Any context but hardirq and NMI (see rtd_disable_work_sync()).
 * Return: true if the item was pending.
 */
bool rtd_cancel_work_sync(struct rtd_work *work)
{
	bool ret = rtd_disable_work_sync(work);

	rtd_enable_work(work);
	return ret;
}
EXPORT_SYMBOL_RTDEFER(rtd_cancel_work_sync);

/**
 * rtd_cancel_delayed_work_sync() - rtd_cancel_work_sync() for a delayed item
 * @dwork: the item
 *
 * Context: Any context but hardirq and NMI (see rtd_disable_work_sync()).
 * Return: true if the item was pending.
 */
bool rtd_cancel_delayed_work_sync(struct rtd_delayed_work *dwork)
{
	bool ret = rtd_disable_delayed_work_sync(dwork);

	rtd_enable_delayed_work(dwork);
	return ret;
}
EXPORT_SYMBOL_RTDEFER(rtd_cancel_delayed_work_sync);

/*
 * Queue @barr at the end of @pool, unless the pool is idle: then there is
 * nothing to wait for there, and @barr stays unused (no pool). A busy pool
 * of a CPU that is going down or dead keeps its items, the barrier with
 * them, until the hotplug operation adopts them.
 */
static void rtd_bh_barrier_append(struct rtd_bh_pool *pool, struct rtd_bh_barrier *barr)
{
	rtd_bh_barrier_init(barr);
	raw_spin_lock_irq(&pool->lock);
	if (!list_empty(&pool->worklist) || pool->current_work) {
		barr->work.pool = pool;
		list_add_tail(&barr->work.entry, &pool->worklist);
		rtd_bh_kick(pool);
	}
	raw_spin_unlock_irq(&pool->lock);
}

/**
 * rtd_flush_workqueue() - wait for every item queued on @wq so far
 * @wq: the queue
 *
 * Waits for the items queued (not delayed ones still waiting for their
 * timer) before the call, on every CPU; items queued meanwhile may or may
 * not be waited for. An item queued while its callback ran from a queue of
 * the other priority waits behind itself in that queue's pool: both pools
 * of every CPU are flushed. Takes no CPU hotplug lock: a CPU hotplug
 * callback may flush (items left on an offline CPU are handled as by
 * rtd_flush_work()).
 *
 * Context: Process context; sleeps.
 */
void rtd_flush_workqueue(struct rtd_workqueue *wq)
{
	struct rtd_bh_barrier *barr;
	int cpu, i;

	might_sleep();
	barr = kcalloc(2 * nr_cpu_ids, sizeof(*barr), GFP_KERNEL | __GFP_NOFAIL);
	/* no CPU hotplug lock: a hotplug callback may flush */
	rtd_bh_adopt_stranded();
	for_each_possible_cpu(cpu)
		for (i = 0; i < 2; i++)
			rtd_bh_barrier_append(rtd_bh_pool(cpu, i), &barr[2 * cpu + i]);
	rtd_debug_hook(RTD_HOOK_BH_FLUSH_QUEUED, wq);
	for (i = 0; i < 2 * nr_cpu_ids; i++)
		if (barr[i].work.pool)
			wait_for_completion(&barr[i].done);
	kfree(barr);
}
EXPORT_SYMBOL_RTDEFER(rtd_flush_workqueue);

/**
 * rtd_drain_workqueue() - wait until @wq is empty, chained work included
 * @wq: the queue
 *
 * While it drains, only the queue's own callbacks may queue on it (chained
 * work); queueing from anywhere else fails, until the last of several
 * drains going on at once returns. Delayed items are waited for until
 * their delay ends and they have run. Items left on an offline CPU are
 * handled as by rtd_flush_work().
 *
 * Context: Process context; sleeps.
 */
void rtd_drain_workqueue(struct rtd_workqueue *wq)
{
	might_sleep();
	atomic_inc(&wq->nr_drainers);
	rtd_bh_adopt_stranded();
	wait_var_event(&wq->nr_active, !atomic_read(&wq->nr_active));
	rtd_debug_hook(RTD_HOOK_BH_DRAINED, wq);
	atomic_dec(&wq->nr_drainers);
}
EXPORT_SYMBOL_RTDEFER(rtd_drain_workqueue);

static __printf(1, 0)
struct rtd_workqueue *rtd_bh_wq_alloc(const char *fmt, unsigned int flags,
				      va_list args)
{
	struct rtd_workqueue *wq;

	if (flags & ~RTD_WQ_HIGHPRI) {
		pr_err("BH workqueue flags %#x: only RTD_WQ_HIGHPRI is valid\n", flags);
		return NULL;
	}
	wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	if (!wq)
		return NULL;
	vsnprintf(wq->name, sizeof(wq->name), fmt, args);
	wq->flags = flags;
	return wq;
}

/**
 * rtd_alloc_bh_workqueue() - create a BH workqueue
 * @fmt: printf format for its name
 * @flags: RTD_WQ_HIGHPRI to run from HI_SOFTIRQ, or 0
 * @...: arguments for @fmt
 *
 * Context: Process context; may sleep.
 * Return: the queue, or NULL on failure (no memory, invalid @flags).
 */
struct rtd_workqueue *rtd_alloc_bh_workqueue(const char *fmt, unsigned int flags, ...)
{
	struct rtd_workqueue *wq;
	va_list args;

	va_start(args, flags);
	wq = rtd_bh_wq_alloc(fmt, flags, args);
	va_end(args);
	return wq;
}
EXPORT_SYMBOL_RTDEFER(rtd_alloc_bh_workqueue);

/**
 * rtd_destroy_workqueue() - drain a BH workqueue and free it
 * @wq: the queue; NULL is ignored
 *
 * Drains first (see rtd_drain_workqueue()), so no item of the queue is left
 * pending or running when it is freed: items still pending or waiting for
 * their delay run first (a delay is waited out), which is reported once as
 * "API misuse" (a consumer should cancel or flush them). rtdefer's system
 * queues cannot be destroyed: that is refused with a message; so is a call
 * from atomic context (the queue is then left alone).
 *
 * Context: Process context; sleeps.
 */
void rtd_destroy_workqueue(struct rtd_workqueue *wq)
{
	int busy;

	if (!wq)
		return;
	if (wq->system) {
		pr_err("%s belongs to rtdefer: not destroyed\n", wq->name);
		return;
	}
	if (rtd_cannot_sleep()) {
		rtd_misuse("%s(%s) from atomic context: not destroyed\n",
			   __func__, wq->name);
		return;
	}
	busy = atomic_read(&wq->nr_active);
	if (busy)
		rtd_misuse("%s destroyed with %d items pending: running them first\n",
			   wq->name, busy);
	rtd_drain_workqueue(wq);
	kfree(wq);
}
EXPORT_SYMBOL_RTDEFER(rtd_destroy_workqueue);

static struct rtd_workqueue *rtd_bh_system_wq(const char *name, unsigned int flags)
{
	struct rtd_workqueue *wq = rtd_alloc_bh_workqueue("%s", flags, name);

	if (wq)
		wq->system = true;
	return wq;
}

static void rtd_bh_system_destroy(struct rtd_workqueue *wq)
{
	if (!wq)
		return;
	rtd_drain_workqueue(wq);
	kfree(wq);
}

/**
 * rtd_bh_init() - start BH workqueues: pools, hotplug hook, system queues
 *
 * Context: Module init, after threaded irq_work. May sleep.
 * Return: 0 or a negative errno, with nothing left behind.
 */
int rtd_bh_init(void)
{
	int ret;

	ret = rtd_bh_pools_init();
	if (ret)
		return ret;
	rtd_system_bh_wq = rtd_bh_system_wq("rtd_system_bh", 0);
	rtd_system_bh_highpri_wq = rtd_bh_system_wq("rtd_system_bh_highpri",
						    RTD_WQ_HIGHPRI);
	if (!rtd_system_bh_wq || !rtd_system_bh_highpri_wq) {
		ret = -ENOMEM;
		goto err_wq;
	}
	return 0;

err_wq:
	kfree(rtd_system_bh_wq);
	kfree(rtd_system_bh_highpri_wq);
	rtd_bh_pools_exit();
	return ret;
}

/**
 * rtd_bh_exit() - stop BH workqueues
 *
 * Runs when no consumer is left: drains the system queues, then stops the
 * pools. No BH callback, tasklet or kick of rtdefer runs after this.
 *
 * Context: Module exit, before threaded irq_work stops. May sleep.
 */
void rtd_bh_exit(void)
{
	rtd_bh_system_destroy(rtd_system_bh_wq);
	rtd_bh_system_destroy(rtd_system_bh_highpri_wq);
	rtd_bh_pools_exit();
}
