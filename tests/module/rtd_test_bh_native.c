// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_test_bh, part two: rtdefer's BH workqueues against the kernel's own
 * (system_bh_wq with disable_work, v6.10+) in one scenario.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/workqueue.h>
#include <rtdefer/rtdefer.h>

#include "rtd_check.h"
#include "rtd_test_bh.h"

#ifdef RTD_HAVE_NATIVE_BH_WQ
/*
 * The same scenario against the kernel's own BH workqueue (v6.10+) and
 * rtdefer's: queue/cancel/disable/enable/flush/mod results, context and
 * order must be the same, step by step.
 */
#define NSTEPS 20
#define NORD 20

struct scenario {
	bool res[NSTEPS];
	int n;
	int order[NORD];
	atomic_t ran;
	bool softirq;
};

struct bh_ops {
	bool (*queue_delayed)(void *w, unsigned long delay);
	bool (*queue_on)(int cpu, void *w);
	bool (*cancel)(void *w);	/* cancel_delayed_work */
	bool (*disable)(void *w);	/* disable_delayed_work */
	bool (*enable)(void *w);	/* enable_delayed_work */
	bool (*flush)(void *w);
	bool (*pending)(void *w);
	bool (*mod)(void *w, unsigned long delay);
	void *(*item)(int i);		/* NORD + 1 items, the work member */
	void (*drain)(void);
};

static void step(struct scenario *sc, bool r)
{
	if (sc->n < NSTEPS)
		sc->res[sc->n++] = r;
}

/*
 * Pending states are made with long delays, never by holding BH off: on
 * PREEMPT_RT kernels without the softirq BKL (v6.17+) local_bh_disable()
 * does not keep the softirq threads from running queued items.
 */
#define LONG (100 * HZ)

static void run_scenario(const struct bh_ops *o, struct scenario *sc)
{
	void *w = o->item(0);
	int i, cpu = cpumask_first(cpu_online_mask);

	step(sc, o->flush(w));
	step(sc, o->cancel(w));
	step(sc, o->queue_delayed(w, LONG));
	step(sc, o->queue_delayed(w, LONG));
	step(sc, o->pending(w));
	step(sc, o->cancel(w));
	step(sc, o->pending(w));
	step(sc, o->queue_delayed(w, LONG));
	step(sc, o->disable(w));
	step(sc, o->disable(w));
	step(sc, o->queue_delayed(w, LONG));
	step(sc, o->enable(w));
	step(sc, o->enable(w));
	step(sc, o->queue_delayed(w, 0));
	o->drain();
	step(sc, atomic_read(&sc->ran) == 1);
	step(sc, o->flush(w));
	step(sc, o->mod(w, LONG));
	step(sc, o->mod(w, LONG));
	step(sc, o->cancel(w));
	step(sc, o->cancel(w));
	for (i = 1; i <= NORD; i++)
		o->queue_on(cpu, o->item(i));
	o->drain();
}

static struct scenario sc_native, sc_rtd;

static void sc_record(struct scenario *sc, int idx)
{
	int n = atomic_inc_return(&sc->ran);

	if (!idx)
		sc->softirq = in_serving_softirq();
	else if (n - 2 >= 0 && n - 2 < NORD)
		sc->order[n - 2] = idx;
}

static struct rtd_delayed_work rtd_items[NORD + 1];

static void rtd_item_fn(struct rtd_work *w)
{
	sc_record(&sc_rtd, rtd_to_delayed_work(w) - rtd_items);
}

static struct rtd_delayed_work *rdw(void *w)
{
	return rtd_to_delayed_work(w);
}

static bool rqd(void *w, unsigned long d)
{
	return rtd_queue_delayed_work(rtd_system_bh_wq, rdw(w), d);
}

static bool rqo(int cpu, void *w)
{
	return rtd_queue_work_on(cpu, rtd_system_bh_wq, w);
}

static bool rc(void *w)
{
	return rtd_cancel_delayed_work(rdw(w));
}

static bool rd(void *w)
{
	return rtd_disable_delayed_work(rdw(w));
}

static bool re(void *w)
{
	return rtd_enable_delayed_work(rdw(w));
}

static bool rf(void *w)
{
	return rtd_flush_work(w);
}

static bool rp(void *w)
{
	return rtd_delayed_work_pending(rdw(w));
}

static bool rm(void *w, unsigned long d)
{
	return rtd_mod_delayed_work(rtd_system_bh_wq, rdw(w), d);
}

static void *ritem(int i)
{
	return &rtd_items[i].work;
}

static void rdrain(void)
{
	rtd_flush_workqueue(rtd_system_bh_wq);
}

static const struct bh_ops rtd_ops = {
	rqd, rqo, rc, rd, re, rf, rp, rm, ritem, rdrain,
};

static struct delayed_work native_items[NORD + 1];

static void native_item_fn(struct work_struct *w)
{
	sc_record(&sc_native, to_delayed_work(w) - native_items);
}

static bool nqd(void *w, unsigned long d)
{
	return queue_delayed_work(system_bh_wq, to_delayed_work(w), d);
}

static bool nqo(int cpu, void *w)
{
	return queue_work_on(cpu, system_bh_wq, w);
}

static bool nc(void *w)
{
	return cancel_delayed_work(to_delayed_work(w));
}

static bool nd(void *w)
{
	return disable_delayed_work(to_delayed_work(w));
}

static bool ne(void *w)
{
	return enable_delayed_work(to_delayed_work(w));
}

static bool nf(void *w)
{
	return flush_work(w);
}

static bool np(void *w)
{
	return delayed_work_pending(to_delayed_work(w));
}

static bool nm(void *w, unsigned long d)
{
	return mod_delayed_work(system_bh_wq, to_delayed_work(w), d);
}

static void *nitem(int i)
{
	return &native_items[i].work;
}

static void ndrain(void)
{
	flush_workqueue(system_bh_wq);
}

static const struct bh_ops native_ops = {
	nqd, nqo, nc, nd, ne, nf, np, nm, nitem, ndrain,
};

int rtd_test_bh_native_show(struct seq_file *m, void *v)
{
	int i;

	memset(&sc_native, 0, sizeof(sc_native));
	memset(&sc_rtd, 0, sizeof(sc_rtd));
	for (i = 0; i <= NORD; i++) {
		INIT_DELAYED_WORK(&native_items[i], native_item_fn);
		RTD_INIT_DELAYED_WORK(&rtd_items[i], rtd_item_fn);
	}
	run_scenario(&native_ops, &sc_native);
	run_scenario(&rtd_ops, &sc_rtd);
	for (i = 0; i < NSTEPS; i++)
		if (failed(m, sc_native.res[i] == sc_rtd.res[i],
			   "step %d: kernel %d, rtdefer %d", i, sc_native.res[i], sc_rtd.res[i]))
			return 0;
	for (i = 0; i < NORD; i++)
		if (failed(m, sc_native.order[i] == sc_rtd.order[i],
			   "run %d: kernel ran item %d, rtdefer %d", i,
			   sc_native.order[i], sc_rtd.order[i]))
			return 0;
	if (failed(m, sc_native.softirq && sc_rtd.softirq, "context: kernel %d, rtdefer %d",
		   sc_native.softirq, sc_rtd.softirq) ||
	    failed(m, sc_native.n == NSTEPS, "scenario ran %d steps", sc_native.n))
		return 0;
	seq_puts(m, "ok same results:");
	for (i = 0; i < sc_rtd.n; i++)
		seq_printf(m, " %d", sc_rtd.res[i]);
	seq_puts(m, "\n");
	return 0;
}
#else
int rtd_test_bh_native_show(struct seq_file *m, void *v)
{
	seq_puts(m, "skip the kernel has no BH workqueues with disable_work (v6.10)\n");
	return 0;
}
#endif
