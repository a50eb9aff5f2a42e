// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU pools of BH work: two per CPU (normal and high priority), each a
 * FIFO list run by a tasklet of its own (TASKLET_SOFTIRQ, or HI_SOFTIRQ for
 * the high-priority pool) on its CPU.
 *
 * A module cannot open a softirq of its own, so the pools ride on tasklets,
 * the way mainline's first BH workqueue did. Two things mainline got wrong
 * at first are handled here:
 *  - A tasklet runs on the CPU that schedules it, so a remote CPU's pool is
 *    kicked through a HARD irq_work queued on that CPU (rtdefer's own), whose
 *    hardirq handler schedules the tasklet there.
 *  - A CPU that goes down may leave items on its pools; once it is dead they
 *    are moved, in order, to the pools of the CPU running the hotplug
 *    operation and run there (mainline later added workqueue_softirq_dead()
 *    for this). The kernel also moves a dead CPU's scheduled tasklets to
 *    another CPU: a pool's tasklet that finds itself on a foreign CPU runs
 *    nothing and only re-kicks its own CPU if that came back with work.
 *  - From the moment a CPU starts going down (rtdefer's online state is
 *    torn down on it, before its ksoftirqd parks) until it is up again, its
 *    pools' tasklets are not raised there: a softirq raised on a CPU whose
 *    ksoftirqd is parked stays pending into idle ("NOHZ tick-stop error:
 *    local softirq work is pending"). Items queued meanwhile wait for the
 *    adoption above, or for the CPU's return, whose online callback kicks
 *    its pools.
 *
 * A pass of a pool runs at most rtd_bh_max_restarts items and stops once
 * rtd_bh_budget_us have passed; leftovers re-raise the softirq, so other
 * softirqs (timers, network) are served in between and BH work cannot
 * starve the CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/wait_bit.h>

#include "bh.h"
#include "compat/compat.h"
#include "debug_hook.h"
#include "internal.h"

static DEFINE_PER_CPU(struct rtd_bh_pool, rtd_bh_pools[2]);
static enum cpuhp_state rtd_bh_hp_state;
static enum cpuhp_state rtd_bh_online_state;

/**
 * rtd_bh_pool_of() - the pool of a CPU for a queue's priority
 * @cpu: the CPU
 * @wq: the queue
 *
 * Return: the pool; it exists for every possible CPU.
 */
struct rtd_bh_pool *rtd_bh_pool_of(int cpu, struct rtd_workqueue *wq)
{
	return rtd_bh_pool(cpu, !!(wq->flags & RTD_WQ_HIGHPRI));
}

/**
 * rtd_bh_pool() - a pool of a CPU
 * @cpu: the CPU
 * @hi: 0 for the normal pool, 1 for the highpri one
 *
 * Return: the pool; it exists for every possible CPU.
 */
struct rtd_bh_pool *rtd_bh_pool(int cpu, int hi)
{
	return per_cpu_ptr(&rtd_bh_pools[hi], cpu);
}

/* Raise the pool's tasklet on this CPU (its own), unless the CPU is down. */
static void rtd_bh_raise(struct rtd_bh_pool *pool)
{
	if (READ_ONCE(pool->down))
		return;
	if (pool->highpri)
		tasklet_hi_schedule(&pool->tasklet);
	else
		tasklet_schedule(&pool->tasklet);
}

/**
 * rtd_bh_kick() - make a pool's CPU run the pool soon
 * @pool: the pool, locked, interrupts off
 */
void rtd_bh_kick(struct rtd_bh_pool *pool)
{
	if (pool->cpu == smp_processor_id())
		rtd_bh_raise(pool);
	else
		rtd_irq_work_queue_on(&pool->kick, pool->cpu);
}

static void rtd_bh_kick_fn(struct rtd_irq_work *kick)
{
	rtd_bh_raise(container_of(kick, struct rtd_bh_pool, kick));
}

/**
 * rtd_bh_lock_target() - lock the pool a work item must be queued on
 * @work: the item
 * @want: the pool the caller asks for
 *
 * An item whose callback runs right now is queued behind itself, on the
 * pool that runs it, so that it never runs concurrently with itself.
 *
 * Context: Interrupts off.
 * Return: the locked pool.
 */
struct rtd_bh_pool *rtd_bh_lock_target(struct rtd_work *work,
				       struct rtd_bh_pool *want)
{
	struct rtd_bh_pool *last = READ_ONCE(work->pool);

	if (last && last != want) {
		raw_spin_lock(&last->lock);
		if (last->current_work == work && last->current_func == work->func)
			return last;
		raw_spin_unlock(&last->lock);
	}
	raw_spin_lock(&want->lock);
	return want;
}

/**
 * rtd_bh_insert() - add a work item whose PENDING bit the caller owns
 * @pool: the pool, locked by the caller, interrupts off
 * @wq: the queue the item is queued on
 * @work: the item
 */
void rtd_bh_insert(struct rtd_bh_pool *pool, struct rtd_workqueue *wq,
		   struct rtd_work *work)
{
	bool was_empty = list_empty(&pool->worklist);

	WRITE_ONCE(work->pool, pool);
	work->wq = wq;
	work->queued_ns = rtd_obs_queued(RTD_FAC_BH, work->func, pool->cpu);
	list_add_tail(&work->entry, &pool->worklist);
	if (was_empty)
		rtd_bh_kick(pool);
}

/**
 * rtd_bh_pool_holds() - whether a work item sits on one of the pools' lists
 * @work: the item, possibly never initialised: only compared, never followed
 *
 * Context: Any context but NMI.
 */
bool rtd_bh_pool_holds(struct rtd_work *work)
{
	struct rtd_bh_pool *pool = READ_ONCE(work->pool), *p;
	struct rtd_work *w;
	unsigned long flags;
	bool found = false;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		for (i = 0; i < 2; i++) {
			p = per_cpu_ptr(&rtd_bh_pools[i], cpu);
			if (p != pool)
				continue;
			raw_spin_lock_irqsave(&p->lock, flags);
			list_for_each_entry(w, &p->worklist, entry)
				found |= w == work;
			raw_spin_unlock_irqrestore(&p->lock, flags);
			return found;
		}
	}
	return false;
}

/**
 * rtd_bh_current_wq_is() - whether this runs inside a callback of @wq
 * @wq: the queue
 *
 * Context: Any context; true only in softirq context on this CPU.
 */
bool rtd_bh_current_wq_is(struct rtd_workqueue *wq)
{
	int i;

	if (!in_serving_softirq())
		return false;
	for (i = 0; i < 2; i++)
		if (READ_ONCE(this_cpu_ptr(&rtd_bh_pools[i])->current_wq) == wq)
			return true;
	return false;
}

/**
 * rtd_bh_wq_put() - one item of @wq is done (run or cancelled)
 * @wq: the queue, or NULL for flush barriers
 *
 * Context: Any context but hardirq with a raw lock held; wakes drainers.
 */
void rtd_bh_wq_put(struct rtd_workqueue *wq)
{
	if (wq && atomic_dec_and_test(&wq->nr_active))
		wake_up_var(&wq->nr_active);
}

/* Lock held, interrupts off; drops and retakes the lock around the callback. */
static void rtd_bh_run_one(struct rtd_bh_pool *pool)
{
	struct rtd_work *work = list_first_entry(&pool->worklist, struct rtd_work, entry);
	struct rtd_workqueue *wq = work->wq;
	rtd_work_func_t fn = work->func;
	/* read while PENDING keeps a new queueing from writing it */
	u64 queued_ns = work->queued_ns;

	list_del_init(&work->entry);
	WRITE_ONCE(pool->current_work, work);
	pool->current_func = fn;
	WRITE_ONCE(pool->current_wq, wq);
	/*
	 * From here on the item may be queued again: behind itself, here.
	 * current_work is set before PENDING clears: a canceller whose
	 * fetch_or finds PENDING clear (it takes no lock then) must see the
	 * callback as running in rtd_bh_wait_running() (tests/lkmm/
	 * bh-wait-start.litmus); pairs with that fetch_or's full barrier.
	 */
	smp_mb__before_atomic();
	atomic_andnot(RTD_WORK_PENDING, &work->state);
	raw_spin_unlock_irq(&pool->lock);

	/* flush barriers (no queue) are not counted */
	if (wq)
		rtd_obs_start(RTD_FAC_BH, fn, queued_ns);
	fn(work);
	if (wq)
		rtd_obs_end(RTD_FAC_BH, fn);
	rtd_bh_wq_put(wq);

	raw_spin_lock_irq(&pool->lock);
	/*
	 * The callback's accesses happen before a waiter that spins without
	 * the lock sees the item done: pairs with smp_load_acquire() in
	 * rtd_bh_wait_running().
	 */
	smp_store_release(&pool->current_work, NULL);
	pool->current_func = NULL;
	WRITE_ONCE(pool->current_wq, NULL);
}

/* One pass over the pool, within the budget. */
static void rtd_bh_run(struct rtd_bh_pool *pool)
{
	u64 end = local_clock() + (u64)READ_ONCE(rtd_bh_budget_us) * NSEC_PER_USEC;
	unsigned int left = READ_ONCE(rtd_bh_max_restarts);

	raw_spin_lock_irq(&pool->lock);
	/*
	 * At least one item per pass, whatever the clock says: under
	 * emulation or a loaded host the clock can jump past the budget before
	 * the first item, and a pass that runs nothing would let the normal
	 * pool overtake the high-priority one.
	 */
	while (!list_empty(&pool->worklist)) {
		rtd_bh_run_one(pool);
		if (list_empty(&pool->worklist))
			break;
		if (!--left || local_clock() >= end) {
			rtd_stat_add(RTD_FAC_BH, RTD_STAT_BUDGET, 1);
			rtd_bh_raise(pool);
			break;
		}
	}
	raw_spin_unlock_irq(&pool->lock);
}

/* The kernel moved our tasklet off a dead CPU: the items moved already. */
static void rtd_bh_stray(struct rtd_bh_pool *pool)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	if (!list_empty(&pool->worklist) && cpu_online(pool->cpu))
		rtd_irq_work_queue_on(&pool->kick, pool->cpu);
	raw_spin_unlock_irqrestore(&pool->lock, flags);
}

static void rtd_bh_tasklet_fn(struct tasklet_struct *t)
{
	struct rtd_bh_pool *pool = container_of(t, struct rtd_bh_pool, tasklet);

	if (unlikely(pool->cpu != smp_processor_id()))
		rtd_bh_stray(pool);
	else
		rtd_bh_run(pool);
}

/* Move a dead CPU's items, in order, to this CPU's pool of the same kind. */
static void rtd_bh_adopt(struct rtd_bh_pool *dead, struct rtd_bh_pool *here)
{
	struct rtd_work *work;
	unsigned long n = 0;

	raw_spin_lock(&dead->lock);
	raw_spin_lock_nested(&here->lock, SINGLE_DEPTH_NESTING);
	if (!list_empty(&dead->worklist)) {
		list_for_each_entry(work, &dead->worklist, entry) {
			WRITE_ONCE(work->pool, here);
			n += !!work->wq;
		}
		rtd_stat_add(RTD_FAC_BH, RTD_STAT_MIGRATED, n);
		list_splice_tail_init(&dead->worklist, &here->worklist);
		rtd_bh_raise(here);
	}
	raw_spin_unlock(&here->lock);
	raw_spin_unlock(&dead->lock);
}

/*
 * Mark @cpu's pools up or down, on @cpu itself; a pool that comes up with
 * work queued while it was down is kicked now.
 */
static void rtd_bh_set_down(unsigned int cpu, bool down)
{
	struct rtd_bh_pool *pool;
	int i;

	for (i = 0; i < 2; i++) {
		pool = per_cpu_ptr(&rtd_bh_pools[i], cpu);
		raw_spin_lock_irq(&pool->lock);
		WRITE_ONCE(pool->down, down);
		if (!down && !list_empty(&pool->worklist))
			rtd_bh_raise(pool);
		raw_spin_unlock_irq(&pool->lock);
	}
}

/* cpuhp online state, on @cpu itself: from bring-up on, raise the tasklets. */
static int rtd_bh_cpu_online(unsigned int cpu)
{
	rtd_bh_set_down(cpu, false);
	return 0;
}

/* cpuhp online state torn down, on @cpu itself, before ksoftirqd parks. */
static int rtd_bh_cpu_going_down(unsigned int cpu)
{
	rtd_bh_set_down(cpu, true);
	rtd_debug_hook(RTD_HOOK_BH_DOWN, NULL);
	return 0;
}

/* cpuhp teardown, on a live CPU after @cpu died. */
static int rtd_bh_cpu_dead(unsigned int cpu)
{
	int i;

	local_irq_disable();
	for (i = 0; i < 2; i++)
		rtd_bh_adopt(per_cpu_ptr(&rtd_bh_pools[i], cpu),
			     this_cpu_ptr(&rtd_bh_pools[i]));
	local_irq_enable();
	return 0;
}

/**
 * rtd_bh_adopt_stranded() - run what offline CPUs left on their pools here
 *
 * A CPU going down keeps its items until its hotplug operation reaches
 * rtdefer's dead callback; a teardown callback of a later-registered state
 * runs before that one and may wait for such an item. Moving them now, as
 * the dead callback would, keeps that wait from waiting for itself. Only a
 * CPU in the middle of going down holds items while offline (queueing on an
 * offline CPU goes elsewhere), and a second adoption finds its pools empty.
 *
 * Context: Process context, interrupts on.
 */
void rtd_bh_adopt_stranded(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu) && (!list_empty(&rtd_bh_pool(cpu, 0)->worklist) ||
					 !list_empty(&rtd_bh_pool(cpu, 1)->worklist)))
			rtd_bh_cpu_dead(cpu);
}

static void rtd_bh_pool_init(struct rtd_bh_pool *pool, int cpu, bool highpri)
{
	raw_spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->worklist);
	tasklet_setup(&pool->tasklet, rtd_bh_tasklet_fn);
	pool->kick = (struct rtd_irq_work)RTD_IRQ_WORK_INIT_HARD(rtd_bh_kick_fn);
	pool->cpu = cpu;
	pool->highpri = highpri;
	pool->down = true;	/* until rtd_bh_cpu_online() ran there */
}

/**
 * rtd_bh_pools_init() - set up every CPU's pools and the hotplug hook
 *
 * Context: Module init, after threaded irq_work. May sleep.
 * Return: 0 or a negative errno, with nothing left behind.
 */
int rtd_bh_pools_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		rtd_bh_pool_init(per_cpu_ptr(&rtd_bh_pools[0], cpu), cpu, false);
		rtd_bh_pool_init(per_cpu_ptr(&rtd_bh_pools[1], cpu), cpu, true);
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "rtdefer/bh:dead",
					NULL, rtd_bh_cpu_dead);
	if (ret < 0)
		return ret;
	rtd_bh_hp_state = ret;
	/* runs rtd_bh_cpu_online() on every online CPU before it returns */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "rtdefer/bh:online",
				rtd_bh_cpu_online, rtd_bh_cpu_going_down);
	if (ret < 0)
		goto err_dead;
	rtd_bh_online_state = ret;
	return 0;

err_dead:
	cpuhp_remove_state_nocalls(rtd_bh_hp_state);
	return ret;
}

/**
 * rtd_bh_pools_exit() - stop the pools
 *
 * Runs once every queue is drained (consumers are gone, the system queues
 * were drained by the caller): waits for kicks and tasklets still in flight.
 *
 * Context: Module exit, before threaded irq_work stops. May sleep.
 */
void rtd_bh_pools_exit(void)
{
	struct rtd_bh_pool *pool;
	int cpu, i;

	/* the queues are drained: nothing to raise any more */
	cpuhp_remove_state_nocalls(rtd_bh_online_state);
	cpuhp_remove_state_nocalls(rtd_bh_hp_state);
	for_each_possible_cpu(cpu) {
		for (i = 0; i < 2; i++) {
			pool = per_cpu_ptr(&rtd_bh_pools[i], cpu);
			rtd_irq_work_sync(&pool->kick);
			tasklet_kill(&pool->tasklet);
			if (!list_empty(&pool->worklist))
				pr_err("BH pool of CPU %d not empty at exit\n", cpu);
		}
	}
}
