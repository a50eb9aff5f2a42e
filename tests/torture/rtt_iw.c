// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture: threaded irq_work. Five queues: threaded, LAZY, HARD and
 * DIRECT items queued to the local CPU with IRQs off (so per-CPU FIFO order
 * applies; DIRECT ones wake their thread from there, from hardirq too), and
 * threaded items queued to another online CPU. A threaded
 * callback sometimes queues its own item again while it runs (allowed, as
 * in mainline), sometimes sleeps; chaos threads call rtd_irq_work_sync() on
 * items in flight.
 */
#include <linux/delay.h>
#include <linux/hardirq.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <rtdefer/irq_work.h>

#include "compat/compat.h"
#include "rtt.h"

enum {
	RTT_IW_THREAD, RTT_IW_LAZY, RTT_IW_HARD, RTT_IW_DIRECT, RTT_IW_REMOTE, RTT_IW_NR
};

static const char * const rtt_iw_names[RTT_IW_NR] = {
	"irq_work.threaded", "irq_work.lazy", "irq_work.hard", "irq_work.direct",
	"irq_work.remote",
};

struct rtt_iw {
	struct rtd_irq_work w;
	struct rtt_item it;
};

static struct rtt_kind rtt_iw_kinds[RTT_IW_NR];
static struct rtt_iw *rtt_iw_items[RTT_IW_NR];

static void rtt_iw_requeue(struct rtt_iw *i)
{
	rtt_stamp(&i->it, -1, false);
	if (rtd_irq_work_queue(&i->w))
		atomic_long_inc(&i->it.kind->queued);
	else
		rtt_bad(&i->it.kind->bad_ret, &i->it, "re-queue while running refused");
}

static void rtt_iw_thread_fn(struct rtd_irq_work *w)
{
	struct rtt_iw *i = container_of(w, struct rtt_iw, w);

	rtt_cb_start(&i->it, rtt_in_thread(RTT_THREAD_IW));
	if (!rtt_rand(64))
		usleep_range(10, 50);
	if (!rtt_stopping() && !rtt_rand(8)) {
		rtt_iw_requeue(i);
		atomic_dec(&i->it.in_cb);	/* still owned: queued again */
		return;
	}
	rtt_cb_end(&i->it);
}

static void rtt_iw_hard_fn(struct rtd_irq_work *w)
{
	struct rtt_iw *i = container_of(w, struct rtt_iw, w);

	rtt_cb_start(&i->it, in_hardirq());
	rtt_cb_end(&i->it);
}

static int rtt_iw_init(void)
{
	unsigned int k, n;
	int ret = 0;

	for (k = 0; k < RTT_IW_NR && !ret; k++) {
		ret = rtt_kind_init(&rtt_iw_kinds[k], rtt_iw_names[k], false);
		rtt_iw_items[k] = kcalloc(rtt_nitems, sizeof(struct rtt_iw), GFP_KERNEL);
		if (!rtt_iw_items[k])
			ret = -ENOMEM;
		for (n = 0; !ret && n < rtt_nitems; n++) {
			struct rtt_iw *i = &rtt_iw_items[k][n];

			i->it.kind = &rtt_iw_kinds[k];
			i->it.prev_cpu = -1;
			rtd_init_irq_work(&i->w, k == RTT_IW_HARD ? rtt_iw_hard_fn :
					  rtt_iw_thread_fn);
			if (k == RTT_IW_LAZY)
				atomic_or(RTD_IRQ_WORK_LAZY, &i->w.flags);
			if (k == RTT_IW_HARD)
				atomic_or(RTD_IRQ_WORK_HARD, &i->w.flags);
			if (k == RTT_IW_DIRECT)
				rtd_init_irq_work_direct(&i->w, rtt_iw_thread_fn);
		}
	}
	return ret;
}

/* Another online CPU, or @cpu itself when it is the only one. */
static int rtt_other_cpu(int cpu)
{
	int other = cpumask_any_but(cpu_online_mask, cpu);

	return other < nr_cpu_ids ? other : cpu;
}

static void rtt_iw_produce_local(unsigned int k, int cpu)
{
	struct rtt_iw *i = &rtt_iw_items[k][rtt_rand(rtt_nitems)];
	unsigned long flags;
	bool ok;

	if (!rtt_claim(&i->it))
		return;
	local_irq_save(flags);
	rtt_stamp(&i->it, cpu, true);
	ok = rtd_irq_work_queue(&i->w);
	local_irq_restore(flags);
	rtt_queued(&i->it, ok, false);
}

static void rtt_iw_produce_remote(int cpu)
{
	struct rtt_iw *i = &rtt_iw_items[RTT_IW_REMOTE][rtt_rand(rtt_nitems)];
	int target = rtt_other_cpu(cpu);
	bool ok;

	if (!rtt_claim(&i->it))
		return;
	rtt_stamp(&i->it, target, false);
	ok = rtd_irq_work_queue_on(&i->w, target);
	/* refused only for a CPU that is (going) offline */
	rtt_queued(&i->it, ok, rtt_cpu_moved(target, i->it.gen));
}

static void rtt_iw_produce(enum rtt_ctx ctx, int cpu)
{
	unsigned int k;

	for (k = 0; k < RTT_IW_NR; k++) {
		if (k == RTT_IW_REMOTE)
			rtt_iw_produce_remote(cpu);
		else
			rtt_iw_produce_local(k, cpu);
	}
}

static void rtt_iw_chaos(void)
{
	unsigned int k = rtt_rand(RTT_IW_NR);

	rtd_irq_work_sync(&rtt_iw_items[k][rtt_rand(rtt_nitems)].w);
}

static void rtt_iw_quiesce(void)
{
	unsigned int k, n;

	for (k = 0; k < RTT_IW_NR; k++) {
		unsigned long deadline = jiffies + RTT_SETTLE_SECS * HZ;

		for (n = 0; n < rtt_nitems; n++) {
			rtt_settle(&rtt_iw_items[k][n].it, deadline);
			rtd_irq_work_sync(&rtt_iw_items[k][n].w);
			rtt_kind_account(&rtt_iw_kinds[k], &rtt_iw_items[k][n].it);
		}
	}
}

static bool rtt_iw_report(int *test)
{
	bool ok = true;
	unsigned int k;

	for (k = 0; k < RTT_IW_NR; k++)
		ok &= rtt_kind_report(&rtt_iw_kinds[k], test);
	return ok;
}

static void rtt_iw_exit(void)
{
	unsigned int k;

	for (k = 0; k < RTT_IW_NR; k++) {
		kfree(rtt_iw_items[k]);
		rtt_iw_items[k] = NULL;
		rtt_kind_free(&rtt_iw_kinds[k]);
	}
}

struct rtt_facility rtt_iw_facility = {
	.name = "irq_work",
	.init = rtt_iw_init,
	.produce = rtt_iw_produce,
	.chaos = rtt_iw_chaos,
	.quiesce = rtt_iw_quiesce,
	.report = rtt_iw_report,
	.exit = rtt_iw_exit,
};
