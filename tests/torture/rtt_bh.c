// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture: the BH workqueue. Four queues: a normal and a HIGHPRI
 * workqueue of the torture's own fed on the local CPU with IRQs off
 * (queueing order applies), rtd_system_bh_wq fed with items for another CPU,
 * and delayed work (queue_delayed_work_on / mod_delayed_work_on, 0-7
 * jiffies, or 10 s brought forward). Chaos threads cancel, cancel_sync,
 * flush, disable and enable items in flight, and flush or drain the
 * torture's own queues; a cancel that reports a pending item taken back
 * counts it as cancelled, and after a _sync one its callback must not be
 * running. An item is refused only while it is disabled, its CPU goes
 * offline, a cancel holds it or its queue drains.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hardirq.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <rtdefer/bh_wq.h>

#include "rtt.h"

enum { RTT_BH_NORMAL, RTT_BH_HIGHPRI, RTT_BH_REMOTE, RTT_BH_DELAYED, RTT_BH_NR };

static const char * const rtt_bh_names[RTT_BH_NR] = {
	"bh.normal", "bh.highpri", "bh.remote", "bh.delayed",
};

struct rtt_bh {
	struct rtd_delayed_work dw;
	struct rtt_item it;
	atomic_t meddlers;	/* chaos threads cancelling or disabling it */
	atomic_t meddle_gen;	/* advanced when one starts and ends */
};

static struct rtt_kind rtt_bh_kinds[RTT_BH_NR];
static struct rtt_bh *rtt_bh_items[RTT_BH_NR];
static struct rtd_workqueue *rtt_wq, *rtt_wq_hi;
/* odd while rtt_bh_flush_drain() drains one of them */
static atomic_t rtt_bh_drain_gen;
/* producers inside a mod_delayed_work sequence (rtt_bh_mod_begin()) */
static atomic_t rtt_bh_mods;

static void rtt_bh_fn(struct rtd_work *w)
{
	struct rtt_bh *b = container_of(rtd_to_delayed_work(w), struct rtt_bh, dw);

	rtt_cb_start(&b->it, in_serving_softirq());
	rtt_cb_end(&b->it);
}

static struct rtd_workqueue *rtt_bh_wq(unsigned int k)
{
	return k == RTT_BH_HIGHPRI ? rtt_wq_hi :
	       k == RTT_BH_REMOTE ? rtd_system_bh_wq : rtt_wq;
}

static int rtt_bh_init(void)
{
	unsigned int k, n;
	int ret = 0;

	rtt_wq = rtd_alloc_bh_workqueue("rtt_bh", 0);
	rtt_wq_hi = rtd_alloc_bh_workqueue("rtt_bh_hi", RTD_WQ_HIGHPRI);
	if (!rtt_wq || !rtt_wq_hi)
		ret = -ENOMEM;
	for (k = 0; k < RTT_BH_NR && !ret; k++) {
		ret = rtt_kind_init(&rtt_bh_kinds[k], rtt_bh_names[k], true);
		rtt_bh_items[k] = kcalloc(rtt_nitems, sizeof(struct rtt_bh), GFP_KERNEL);
		if (!rtt_bh_items[k])
			ret = -ENOMEM;
		for (n = 0; !ret && n < rtt_nitems; n++) {
			rtt_bh_items[k][n].it.kind = &rtt_bh_kinds[k];
			rtt_bh_items[k][n].it.prev_cpu = -1;
			RTD_INIT_DELAYED_WORK(&rtt_bh_items[k][n].dw, rtt_bh_fn);
		}
	}
	return ret;
}

/*
 * mod_delayed_work_on() returns false both when it queued an idle item and
 * when the item was disabled (a cancel_sync in progress): ambiguous. So a
 * producer uses it only while no chaos thread meddles with the item, and
 * chaos threads leave an item alone while it is being modified.
 */
#define RTT_MOD 0x10000

static bool rtt_bh_mod_begin(struct rtt_bh *b)
{
	if (atomic_cmpxchg(&b->meddlers, 0, RTT_MOD))
		return false;
	/*
	 * Nor while a drain goes on, where a refused mod would look like a
	 * queueing. Pairs with the barrier in rtt_bh_flush_drain(): either
	 * this sees the drain begun, or the drain waits for this mod.
	 */
	atomic_inc(&rtt_bh_mods);
	smp_mb__after_atomic();	/* pairs with rtt_bh_flush_drain()'s */
	if (!(atomic_read(&rtt_bh_drain_gen) & 1))
		return true;
	atomic_dec(&rtt_bh_mods);
	atomic_sub(RTT_MOD, &b->meddlers);
	return false;
}

static void rtt_bh_mod_end(struct rtt_bh *b)
{
	atomic_dec(&rtt_bh_mods);
	atomic_sub(RTT_MOD, &b->meddlers);
}

/*
 * A delayed item: queued (0-7 jiffies); or, while no chaos thread meddles
 * and no drain goes on, modified when idle (queues it, says it was not
 * pending); or queued 10 s out and brought forward by mod_delayed_work
 * (pending: one queueing). The mods name no CPU (-1: where the delay ends),
 * so only a drain could make them refuse, which rtt_bh_mod_begin() rules out.
 */
static bool rtt_bh_queue_delayed(struct rtt_bh *b, int cpu)
{
	struct rtd_workqueue *wq = rtt_bh_wq(RTT_BH_DELAYED);
	unsigned int how = rtt_rand(4);
	bool ok = true;

	if (how < 2 || !rtt_bh_mod_begin(b)) {
		rtt_stamp(&b->it, cpu, false);
		return rtd_queue_delayed_work_on(cpu, wq, &b->dw, rtt_rand(8));
	}
	rtt_stamp(&b->it, -1, false);
	if (how == 2) {
		if (rtd_mod_delayed_work_on(-1, wq, &b->dw, rtt_rand(8)))
			rtt_bad(&b->it.kind->bad_ret, &b->it,
				"mod_delayed_work: an idle item was pending");
	} else {
		ok = rtd_queue_delayed_work_on(cpu, wq, &b->dw, 10 * HZ);
		if (ok && !rtd_mod_delayed_work_on(-1, wq, &b->dw, rtt_rand(8)))
			rtt_bad(&b->it.kind->bad_ret, &b->it,
				"mod_delayed_work: a pending item was not pending");
	}
	rtt_bh_mod_end(b);
	return ok;
}

static bool rtt_bh_queue_one(unsigned int k, struct rtt_bh *b, int cpu)
{
	struct rtd_workqueue *wq = rtt_bh_wq(k);
	unsigned long flags;
	bool ok;

	switch (k) {
	case RTT_BH_REMOTE:
		rtt_stamp(&b->it, cpu, false);
		return rtd_queue_work_on(cpu, wq, &b->dw.work);
	case RTT_BH_DELAYED:
		return rtt_bh_queue_delayed(b, cpu);
	default:
		local_irq_save(flags);
		rtt_stamp(&b->it, cpu, true);
		ok = rtd_queue_work_on(cpu, wq, &b->dw.work);
		local_irq_restore(flags);
		return ok;
	}
}

/* Claim an item of queue @k and queue it; return it if it was queued. */
static struct rtt_bh *rtt_bh_produce_one(unsigned int k, int cpu)
{
	struct rtt_bh *b = &rtt_bh_items[k][rtt_rand(rtt_nitems)];
	int d1, g1, w1, target = cpu;
	bool ok;

	if (k == RTT_BH_REMOTE) {
		target = cpumask_any_but(cpu_online_mask, cpu);
		if (target >= nr_cpu_ids)
			target = cpu;
	}
	if (!rtt_claim(&b->it))
		return NULL;
	g1 = atomic_read(&b->meddle_gen);
	d1 = atomic_read(&b->meddlers);
	w1 = atomic_read(&rtt_bh_drain_gen);
	ok = rtt_bh_queue_one(k, b, target);
	/*
	 * Refused only while disabled, for a CPU going offline, while a
	 * cancel holds the idle item's PENDING bit (then the queueing counts
	 * as done and cancelled at once, as in mainline), or while its queue
	 * drains.
	 */
	rtt_queued(&b->it, ok, d1 || g1 != atomic_read(&b->meddle_gen) ||
		   rtt_cpu_moved(target, b->it.gen) ||
		   (rtt_bh_wq(k) != rtd_system_bh_wq &&
		    ((w1 & 1) || w1 != atomic_read(&rtt_bh_drain_gen))));
	return ok ? b : NULL;
}

static void rtt_bh_produce(enum rtt_ctx ctx, int cpu)
{
	unsigned int k;

	for (k = 0; k < RTT_BH_NR; k++)
		rtt_bh_produce_one(k, cpu);
}

/* A cancel said it took the pending item back. */
static void rtt_bh_took(struct rtt_bh *b, bool synced)
{
	if (synced && atomic_read(&b->it.in_cb))
		rtt_bad(&b->it.kind->bad_ret, &b->it, "callback running after a _sync cancel");
	rtt_cancelled(&b->it);
}

static void rtt_bh_disable_enable(struct rtt_bh *b, bool delayed, bool sync)
{
	bool took, still;

	if (delayed)
		took = sync ? rtd_disable_delayed_work_sync(&b->dw) :
			      rtd_disable_delayed_work(&b->dw);
	else
		took = sync ? rtd_disable_work_sync(&b->dw.work) :
			      rtd_disable_work(&b->dw.work);
	if (took)
		rtt_bh_took(b, sync);
	/* another chaos thread may hold it disabled too */
	still = delayed ? !rtd_enable_delayed_work(&b->dw) : !rtd_enable_work(&b->dw.work);
	if (still && atomic_read(&b->meddlers) == 1)
		rtt_bad(&b->it.kind->bad_ret, &b->it, "enable_work: still disabled");
}

/*
 * Flush or drain one of the torture's own queues while producers feed it
 * (the odd values of rtt_bh_drain_gen: a drain is going on, queueing to
 * those queues may be refused). One drain at a time.
 */
static void rtt_bh_flush_drain(void)
{
	static DEFINE_MUTEX(drain_lock);
	struct rtd_workqueue *wq = rtt_rand(2) ? rtt_wq : rtt_wq_hi;

	if (rtt_rand(2) || !mutex_trylock(&drain_lock)) {
		rtd_flush_workqueue(wq);
		return;
	}
	atomic_inc(&rtt_bh_drain_gen);
	smp_mb__after_atomic();	/* pairs with rtt_bh_mod_begin() */
	while (atomic_read(&rtt_bh_mods))
		usleep_range(10, 20);
	rtd_drain_workqueue(wq);
	atomic_inc(&rtt_bh_drain_gen);
	mutex_unlock(&drain_lock);
}

/* Cancel, flush or disable and enable item @b of queue @k. */
static void rtt_bh_meddle(unsigned int k, struct rtt_bh *b, unsigned int op)
{
	bool delayed = k == RTT_BH_DELAYED;

	if (atomic_inc_return(&b->meddlers) >= RTT_MOD)
		goto out;
	atomic_inc(&b->meddle_gen);
	switch (op) {
	case 0:
		if (delayed ? rtd_cancel_delayed_work(&b->dw) : rtd_cancel_work(&b->dw.work))
			rtt_bh_took(b, false);
		break;
	case 1:
		if (delayed ? rtd_cancel_delayed_work_sync(&b->dw) :
			      rtd_cancel_work_sync(&b->dw.work))
			rtt_bh_took(b, true);
		break;
	case 2:
		if (delayed)
			rtd_flush_delayed_work(&b->dw);
		else
			rtd_flush_work(&b->dw.work);
		break;
	default:
		rtt_bh_disable_enable(b, delayed, op == 4);
	}
	atomic_inc(&b->meddle_gen);
out:
	atomic_dec(&b->meddlers);
}

/*
 * Queue sixteen items and cancel them at once, with bottom halves still off here
 * (where they hold back this CPU's pass, it is still pending) or, with
 * cancel_sync, just after: most such cancels take a pending item back.
 */
static void rtt_bh_queue_cancel(void)
{
	struct rtt_bh *b[16];
	unsigned int k[16], i;
	bool sync = rtt_rand(2);

	local_bh_disable();
	for (i = 0; i < ARRAY_SIZE(b); i++) {
		k[i] = rtt_rand(RTT_BH_NR);
		b[i] = rtt_bh_produce_one(k[i], raw_smp_processor_id());
	}
	for (i = 0; i < ARRAY_SIZE(b) && !sync; i++)
		if (b[i])
			rtt_bh_meddle(k[i], b[i], 0);
	local_bh_enable();
	for (i = 0; i < ARRAY_SIZE(b) && sync; i++)
		if (b[i])
			rtt_bh_meddle(k[i], b[i], 1);
}

static void rtt_bh_chaos(void)
{
	unsigned int k = rtt_rand(RTT_BH_NR), op = rtt_rand(8);

	if (!rtt_rand(16))
		return rtt_bh_flush_drain();
	if (op >= 5)
		return rtt_bh_queue_cancel();
	rtt_bh_meddle(k, &rtt_bh_items[k][rtt_rand(rtt_nitems)], op);
}

static void rtt_bh_quiesce(void)
{
	unsigned int k, n;

	for (k = 0; k < RTT_BH_NR; k++) {
		unsigned long deadline = jiffies + RTT_SETTLE_SECS * HZ;

		for (n = 0; n < rtt_nitems; n++) {
			struct rtt_bh *b = &rtt_bh_items[k][n];

			rtt_settle(&b->it, deadline);
			if (atomic_read(&b->it.owned))
				pr_err("%s: item %u owned: state %#x timer %d listed %d cpu %d\n",
				       rtt_bh_names[k], n, atomic_read(&b->dw.work.state),
				       timer_pending(&b->dw.timer),
				       b->dw.work.entry.next && !list_empty(&b->dw.work.entry),
				       b->dw.cpu);
			rtd_flush_delayed_work(&b->dw);
			rtt_kind_account(&rtt_bh_kinds[k], &b->it);
		}
	}
}

static bool rtt_bh_report(int *test)
{
	bool ok = true;
	unsigned int k;

	for (k = 0; k < RTT_BH_NR; k++)
		ok &= rtt_kind_report(&rtt_bh_kinds[k], test);
	return ok;
}

static void rtt_bh_exit(void)
{
	unsigned int k, n;

	for (k = 0; k < RTT_BH_NR; k++) {
		for (n = 0; rtt_bh_items[k] && n < rtt_nitems; n++)
			rtd_cancel_delayed_work_sync(&rtt_bh_items[k][n].dw);
		kfree(rtt_bh_items[k]);
		rtt_bh_items[k] = NULL;
		rtt_kind_free(&rtt_bh_kinds[k]);
	}
	if (rtt_wq)
		rtd_destroy_workqueue(rtt_wq);
	if (rtt_wq_hi)
		rtd_destroy_workqueue(rtt_wq_hi);
	rtt_wq = NULL;
	rtt_wq_hi = NULL;
}

struct rtt_facility rtt_bh_facility = {
	.name = "bh",
	.init = rtt_bh_init,
	.produce = rtt_bh_produce,
	.chaos = rtt_bh_chaos,
	.quiesce = rtt_bh_quiesce,
	.report = rtt_bh_report,
	.exit = rtt_bh_exit,
};
