// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_test_bh: in-kernel checks of rtdefer's BH workqueues, driven from the
 * guest's selftest (tests/selftests/rtd_bh_wq.c); one debugfs file per check
 * under /sys/kernel/debug/rtd_test_bh/ (see rtd_check.h).
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <rtdefer/rtdefer.h>
#include <compat/compat.h>

#include "debug_hook.h"
#include "rtd_check.h"
#include "rtd_test_bh.h"

/* A work item that records how its runs went. */
struct rec {
	struct rtd_delayed_work dw;
	atomic_t runs;
	atomic_t running;	/* >1 at any time: ran concurrently */
	int overlaps;
	int cpu;
	bool softirq;
	unsigned long ran_at;	/* jiffies of the last run */
	unsigned int spin_us;	/* busy time inside the callback */
	bool hold;		/* busy until cleared (at most 5 s) */
	int requeue;		/* times to queue itself again */
	struct rtd_workqueue *wq;
	int seq;		/* position in a shared log, see log_seq */
	struct tasklet_struct *tasklet;	/* scheduled by each run, if set */
	bool spin_local;	/* spin_us of local_clock(), not of the mono clock */
	bool clock_stuck;	/* local_clock() did not get there in 50 ms */
};

static atomic_t log_seq;

/* Busy for @us by the clock: udelay() is poorly calibrated under TCG. */
static void spin_for_us(unsigned int us)
{
	u64 end = ktime_get_mono_fast_ns() + (u64)us * NSEC_PER_USEC;

	while (ktime_get_mono_fast_ns() < end)
		cpu_relax();
}

/*
 * Busy for @us of local_clock(), the clock of the BH pass's budget. Under
 * TCG it can stand still for long (an unstable TSC: it stops one tick past
 * the last tick), so at most 50 ms of the mono clock. Return: false then.
 */
static bool spin_local_us(unsigned int us)
{
	u64 end = local_clock() + (u64)us * NSEC_PER_USEC;
	u64 cap = ktime_get_mono_fast_ns() + 50 * NSEC_PER_MSEC;

	while (local_clock() < end) {
		if (ktime_get_mono_fast_ns() > cap)
			return false;
		cpu_relax();
	}
	return true;
}

static void rec_fn(struct rtd_work *work)
{
	struct rec *r = container_of(rtd_to_delayed_work(work), struct rec, dw);

	if (atomic_inc_return(&r->running) > 1)
		r->overlaps++;
	r->cpu = smp_processor_id();
	r->softirq = in_serving_softirq() && !in_hardirq();
	r->ran_at = jiffies;
	r->seq = atomic_inc_return(&log_seq);
	if (r->tasklet)
		tasklet_schedule(r->tasklet);
	if (r->spin_us && r->spin_local)
		r->clock_stuck |= !spin_local_us(r->spin_us);
	else if (r->spin_us)
		spin_for_us(r->spin_us);
	if (READ_ONCE(r->hold)) {
		u64 end = ktime_get_mono_fast_ns() + 5ULL * NSEC_PER_SEC;

		while (READ_ONCE(r->hold) && ktime_get_mono_fast_ns() < end)
			cpu_relax();
	}
	atomic_dec(&r->running);
	atomic_inc(&r->runs);
	if (r->requeue > 0) {
		r->requeue--;
		rtd_queue_work(r->wq, work);
	}
}

static struct rec *rec_new(struct rtd_workqueue *wq)
{
	struct rec *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return NULL;
	RTD_INIT_DELAYED_WORK(&r->dw, rec_fn);
	r->wq = wq;
	r->cpu = -1;
	return r;
}

static void rec_free(struct rec *r)
{
	if (!r)
		return;
	rtd_cancel_delayed_work_sync(&r->dw);
	kfree(r);
}

/* Wait (sleeping) until @r ran @n times; false after 10 s. */
static bool rec_wait(struct rec *r, int n)
{
	unsigned long end = jiffies + 10 * HZ;

	while (atomic_read(&r->runs) < n && time_before(jiffies, end))
		usleep_range(500, 1000);
	return atomic_read(&r->runs) >= n;
}

/*
 * 10000 items queued round-robin on every online CPU from task context:
 * each runs once, in softirq context, on its CPU, in queueing order per CPU.
 */
#define NORDER 10000

struct ordered {
	struct rtd_work work;
	int idx;
	int cpu;	/* asked for */
	int ran_cpu;
	int seq;	/* order of running on its CPU */
	bool softirq;
};

static atomic_t *order_seq;	/* per CPU */

static void ordered_fn(struct rtd_work *work)
{
	struct ordered *o = container_of(work, struct ordered, work);

	o->ran_cpu = smp_processor_id();
	o->softirq = in_serving_softirq();
	o->seq = atomic_inc_return(&order_seq[o->ran_cpu]);
}

static int order_check(struct seq_file *m, struct ordered *o)
{
	int i, j, last_seq;

	for (i = 0; i < NORDER; i++) {
		if (failed(m, o[i].seq > 0, "item %d never ran", i) ||
		    failed(m, o[i].ran_cpu == o[i].cpu, "item %d for CPU %d ran on %d",
			   i, o[i].cpu, o[i].ran_cpu) ||
		    failed(m, o[i].softirq, "item %d not in softirq context", i))
			return -1;
	}
	for (i = 0; i < NORDER; i++) {
		last_seq = 0;
		for (j = i; j < NORDER && !last_seq; j++)
			if (j != i && o[j].cpu == o[i].cpu)
				last_seq = o[j].seq;
		if (failed(m, !last_seq || last_seq > o[i].seq,
			   "CPU %d ran item %d after a later one", o[i].cpu, i))
			return -1;
	}
	return 0;
}

static int order_show(struct seq_file *m, void *v)
{
	struct ordered *o = vzalloc(sizeof(*o) * NORDER);
	int i, cpu = -1;

	order_seq = kcalloc(nr_cpu_ids, sizeof(*order_seq), GFP_KERNEL);
	if (failed(m, o && order_seq, "no memory"))
		goto out;
	cpus_read_lock();
	for (i = 0; i < NORDER; i++) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		rtd_init_work(&o[i].work, ordered_fn);
		o[i].idx = i;
		o[i].cpu = cpu;
		rtd_queue_work_on(cpu, rtd_system_bh_wq, &o[i].work);
	}
	cpus_read_unlock();
	rtd_flush_workqueue(rtd_system_bh_wq);
	if (!order_check(m, o))
		seq_puts(m, "ok\n");
out:
	vfree(o);
	kfree(order_seq);
	return 0;
}

/* With BH off, a normal and a high-priority item: HI runs first. */
static int highpri_show(struct seq_file *m, void *v)
{
	struct rec *lo = rec_new(rtd_system_bh_wq), *hi = rec_new(rtd_system_bh_highpri_wq);

	if (failed(m, lo && hi, "no memory"))
		goto out;
	local_irq_disable();
	rtd_queue_work(rtd_system_bh_wq, &lo->dw.work);
	rtd_queue_work(rtd_system_bh_highpri_wq, &hi->dw.work);
	local_irq_enable();
	if (failed(m, rec_wait(lo, 1) && rec_wait(hi, 1), "items never ran") ||
	    failed(m, hi->seq < lo->seq, "normal item ran before the highpri one") ||
	    failed(m, hi->softirq && lo->softirq, "not in softirq context"))
		goto out;
	seq_puts(m, "ok\n");
out:
	rec_free(lo);
	rec_free(hi);
	return 0;
}

/* Self-requeue runs on the same CPU, never concurrently with itself. */
static int requeue_show(struct seq_file *m, void *v)
{
	struct rec *r = rec_new(rtd_system_bh_wq);
	int cpu;

	if (failed(m, r, "no memory"))
		goto out;
	r->requeue = 20;
	cpu = cpumask_last(cpu_online_mask);
	if (failed(m, rtd_queue_work_on(cpu, rtd_system_bh_wq, &r->dw.work), "queue failed") ||
	    failed(m, rec_wait(r, 21), "ran %d of 21 times", atomic_read(&r->runs)) ||
	    failed(m, r->cpu == cpu, "re-queued item moved to CPU %d", r->cpu) ||
	    failed(m, !r->overlaps, "ran concurrently with itself"))
		goto out;
	seq_puts(m, "ok\n");
out:
	rec_free(r);
	return 0;
}

/*
 * Queued on another CPU while its callback runs: it is queued behind
 * itself, on the CPU running it, and never runs on two CPUs at once.
 */
struct two_cpus {
	struct seq_file *m;
	struct rec *r;
	int a, b;
};

/* Watch from CPU b: item on a, queued again on b while it runs. */
static int nonreentrant_body(void *arg)
{
	struct two_cpus *t = arg;
	struct seq_file *m = t->m;
	struct rec *r = t->r;
	int i, a = t->a, b = t->b;

	r->spin_us = 50000;
	rtd_queue_work_on(a, rtd_system_bh_wq, &r->dw.work);
	for (i = 0; i < 10000 && !atomic_read(&r->running); i++)
		usleep_range(50, 100);
	if (failed(m, atomic_read(&r->running), "never started") ||
	    failed(m, rtd_queue_work_on(b, rtd_system_bh_wq, &r->dw.work),
		   "re-queue while running refused") ||
	    failed(m, rec_wait(r, 2), "second run missing") ||
	    failed(m, !r->overlaps, "ran on two CPUs at once") ||
	    failed(m, r->cpu == a, "second run on CPU %d, not behind itself on %d",
		   r->cpu, a))
		return -1;
	return 0;
}

/* Run @body on the second online CPU with an item for the first. */
static int on_two_cpus(struct seq_file *m, int (*body)(void *))
{
	struct two_cpus t = { .m = m, .r = rec_new(rtd_system_bh_wq) };

	t.a = cpumask_first(cpu_online_mask);
	t.b = cpumask_next(t.a, cpu_online_mask);
	if (!failed(m, t.r && t.b < nr_cpu_ids, "needs memory and two CPUs") &&
	    !rtd_run_on_cpu(t.b, body, &t))
		seq_puts(m, "ok\n");
	rec_free(t.r);
	return 0;
}

static int nonreentrant_show(struct seq_file *m, void *v)
{
	return on_two_cpus(m, nonreentrant_body);
}

/*
 * Budget: a pass runs at most bh/max_restarts items and stops once
 * bh/budget_us have passed; then it schedules its tasklet again, so other
 * softirq work runs before the rest. NBUDGET items are queued at once on
 * this CPU, and the first one schedules a tasklet of ours there. Tasklets
 * run in the order they were scheduled: ours runs after the pass that
 * scheduled it, or after a later one if the pool's tasklet was raised once
 * more before ours (7.3-rt once ran 2 where 1 was expected), so the items
 * that ran before it are whole passes. The selftest loads rtdefer with
 * bh_max_restarts=7 and a budget no pass reaches ("budget_items": a
 * multiple of 7 below 50), or with bh_budget_us=10 and items that spin
 * 20 us of local_clock() each ("budget_time": fewer than the default
 * bh_max_restarts, 10, so time ended the passes, not their count).
 */
#define NBUDGET 50

static atomic_t budget_seen;	/* log_seq when our tasklet ran, + 1 */

static void budget_tasklet_fn(struct tasklet_struct *t)
{
	atomic_set(&budget_seen, atomic_read(&log_seq) + 1);
}

static DECLARE_TASKLET(budget_tasklet, budget_tasklet_fn);

static int budget_run(struct seq_file *m, unsigned int spin_us, int per_pass, int below)
{
	struct rec **r = kcalloc(NBUDGET, sizeof(*r), GFP_KERNEL);
	int i, first, ran;

	if (failed(m, r, "no memory"))
		return 0;
	for (i = 0; i < NBUDGET; i++) {
		r[i] = rec_new(rtd_system_bh_wq);
		if (failed(m, r[i], "no memory"))
			goto out;
		r[i]->spin_us = spin_us;
		r[i]->spin_local = true;
	}
	r[0]->tasklet = &budget_tasklet;
	atomic_set(&budget_seen, 0);
	local_irq_disable();
	first = atomic_read(&log_seq);
	for (i = 0; i < NBUDGET; i++)
		rtd_queue_work(rtd_system_bh_wq, &r[i]->dw.work);
	local_irq_enable();
	rtd_flush_workqueue(rtd_system_bh_wq);
	/* the first item scheduled it: now it has run */
	tasklet_kill(&budget_tasklet);
	ran = atomic_read(&budget_seen) - 1 - first;
	for (i = 0; i < NBUDGET; i++)
		if (failed(m, !r[i]->clock_stuck, "local_clock() stood still for 50 ms"))
			goto out;
	if (failed(m, atomic_read(&budget_seen), "the other tasklet never ran") ||
	    failed(m, ran > 0 && ran < below && ran % per_pass == 0,
		   "%d items ran before the other tasklet, not passes of %d (fewer than %d)",
		   ran, per_pass, below))
		goto out;
	seq_printf(m, "ok the other tasklet ran after item %d of %d\n", ran, NBUDGET);
out:
	for (i = 0; i < NBUDGET; i++)
		rec_free(r[i]);
	kfree(r);
	return 0;
}

static int budget_items_show(struct seq_file *m, void *v)
{
	return budget_run(m, 0, 7, NBUDGET);
}

static int budget_time_show(struct seq_file *m, void *v)
{
	return budget_run(m, 20, 1, 10);
}

/* Delayed work: not before its delay; 0 at once; mod; cancel; flush. */
static int delayed_show(struct seq_file *m, void *v)
{
	struct rec *r = rec_new(rtd_system_bh_wq);
	unsigned long t0;

	if (failed(m, r, "no memory"))
		goto out;
	t0 = jiffies;
	if (failed(m, rtd_queue_delayed_work(rtd_system_bh_wq, &r->dw, 10), "queue failed") ||
	    failed(m, !rtd_queue_delayed_work(rtd_system_bh_wq, &r->dw, 10),
		   "queued twice") ||
	    failed(m, rec_wait(r, 1), "never ran") ||
	    failed(m, time_after_eq(r->ran_at, t0 + 10), "ran after %lu of 10 jiffies",
		   r->ran_at - t0) ||
	    failed(m, rtd_queue_delayed_work(rtd_system_bh_wq, &r->dw, 0), "delay 0 refused") ||
	    failed(m, rec_wait(r, 2), "delay 0 never ran"))
		goto out;
	/* mod shortens a long delay; cancel stops one; flush cuts one short */
	if (failed(m, rtd_queue_delayed_work(rtd_system_bh_wq, &r->dw, 100 * HZ), "queue failed") ||
	    failed(m, rtd_mod_delayed_work(rtd_system_bh_wq, &r->dw, 1), "mod: was not pending") ||
	    failed(m, rec_wait(r, 3), "modded item never ran") ||
	    failed(m, !rtd_mod_delayed_work(rtd_system_bh_wq, &r->dw, 100 * HZ),
		   "mod of an idle item said pending") ||
	    failed(m, rtd_cancel_delayed_work(&r->dw), "cancel: was not pending") ||
	    failed(m, !rtd_delayed_work_pending(&r->dw), "pending after cancel"))
		goto out;
	msleep(50);
	if (failed(m, atomic_read(&r->runs) == 3, "cancelled item ran") ||
	    failed(m, rtd_queue_delayed_work(rtd_system_bh_wq, &r->dw, 100 * HZ), "queue failed") ||
	    failed(m, rtd_flush_delayed_work(&r->dw), "flush: nothing to wait for") ||
	    failed(m, atomic_read(&r->runs) == 4, "flush returned before the run"))
		goto out;
	seq_puts(m, "ok\n");
out:
	rec_free(r);
	return 0;
}

static struct rec *release_rec;

static void release_fn(struct timer_list *t)
{
	WRITE_ONCE(release_rec->hold, false);
}

static DEFINE_TIMER(release_timer, release_fn);

/* flush and cancel results, as mainline gives them; item on CPU a, we on b. */
static int flush_cancel_body(void *arg)
{
	struct two_cpus *t = arg;
	struct seq_file *m = t->m;
	struct rec *r = t->r;
	int i;

	release_rec = r;
	r->hold = true;
	if (failed(m, !rtd_flush_work(&r->dw.work), "flush of a never-queued item waited") ||
	    failed(m, !rtd_cancel_work(&r->dw.work), "cancel of an idle item said pending") ||
	    failed(m, rtd_queue_work_on(t->a, rtd_system_bh_wq, &r->dw.work), "queue failed"))
		return -1;
	/* the callback runs until a timer lets it go, 100 ms into the flush */
	for (i = 0; i < 10000 && !atomic_read(&r->running); i++)
		usleep_range(50, 100);
	mod_timer(&release_timer, jiffies + HZ / 10);
	if (failed(m, rtd_flush_work(&r->dw.work), "flush of a running item did not wait") ||
	    failed(m, atomic_read(&r->runs) == 1, "flush returned before the run ended") ||
	    failed(m, !rtd_flush_work(&r->dw.work), "flush of an idle item waited"))
		return -1;
	/*
	 * With interrupts off here, an item queued here stays pending (on
	 * RT 7.x, BH off in a task does not hold back the softirq threads).
	 */
	local_irq_disable();
	rtd_queue_work(rtd_system_bh_wq, &r->dw.work);
	if (failed(m, rtd_work_pending(&r->dw.work), "not pending after queue") ||
	    failed(m, rtd_cancel_work(&r->dw.work), "cancel of a pending item said idle")) {
		local_irq_enable();
		return -1;
	}
	local_irq_enable();
	msleep(50);
	if (failed(m, atomic_read(&r->runs) == 1, "cancelled item ran"))
		return -1;
	return 0;
}

static int flush_cancel_show(struct seq_file *m, void *v)
{
	int ret = on_two_cpus(m, flush_cancel_body);

	timer_delete_sync(&release_timer);
	return ret;
}

/*
 * cancel_sync while the callback runs on another CPU, from task context,
 * from BH context, and from the atomic contexts mainline (v6.10) allows for
 * BH items: preemption off, a spinlock held, an RCU read-side section. The
 * item re-queues itself, so only the disable stops it. From the atomic
 * contexts the wait must not sleep: the calling task's count of voluntary
 * context switches stays as it was (an oracle that works on kernels
 * without preemption counting too).
 */
enum { IN_TASK, IN_BH, IN_PREEMPT_OFF, IN_SPINLOCK, IN_RCU, NR_CTX };

static const char *const ctx_name[NR_CTX] = {
	"task", "BH", "preemption off", "a spinlock", "an RCU read-side section"
};

static DEFINE_SPINLOCK(cancel_sync_lock);

/* rtd_cancel_work_sync() in context @ctx; true if it slept. */
static bool cancel_sync_in(struct rtd_work *w, int ctx)
{
	unsigned long nvcsw;

	switch (ctx) {
	case IN_BH:
		local_bh_disable();
		break;
	case IN_PREEMPT_OFF:
		preempt_disable();
		break;
	case IN_SPINLOCK:
		spin_lock(&cancel_sync_lock);
		break;
	case IN_RCU:
		rcu_read_lock();
		break;
	}
	nvcsw = READ_ONCE(current->nvcsw);
	rtd_cancel_work_sync(w);
	nvcsw = READ_ONCE(current->nvcsw) - nvcsw;
	switch (ctx) {
	case IN_BH:
		local_bh_enable();
		break;
	case IN_PREEMPT_OFF:
		preempt_enable();
		break;
	case IN_SPINLOCK:
		spin_unlock(&cancel_sync_lock);
		break;
	case IN_RCU:
		rcu_read_unlock();
		break;
	}
	return ctx != IN_TASK && nvcsw;
}

static int cancel_sync_body(void *arg)
{
	struct two_cpus *t = arg;
	struct seq_file *m = t->m;
	struct rec *r = t->r;
	int i, ctx;

	/*
	 * Short runs and a bounded chain: under single-threaded TCG a CPU
	 * spinning in BH context lets the other vCPU run only at round-robin
	 * switches, so waits must stay far below the soft-lockup threshold.
	 * A disable that failed to stop the chain still shows as runs after
	 * cancel_sync returned.
	 */
	r->spin_us = 20000;
	for (ctx = 0; ctx < NR_CTX; ctx++) {
		r->requeue = 50;
		rtd_queue_work_on(t->a, rtd_system_bh_wq, &r->dw.work);
		for (i = 0; i < 10000 && !atomic_read(&r->running); i++)
			usleep_range(50, 100);
		if (failed(m, atomic_read(&r->running), "never started"))
			return -1;
		if (failed(m, !cancel_sync_in(&r->dw.work, ctx),
			   "cancel_sync slept in %s", ctx_name[ctx]) ||
		    failed(m, !atomic_read(&r->running),
			   "cancel_sync from %s returned while running", ctx_name[ctx]) ||
		    failed(m, !rtd_work_pending(&r->dw.work), "pending after cancel_sync"))
			return -1;
		i = atomic_read(&r->runs);
		msleep(200);
		if (failed(m, atomic_read(&r->runs) == i, "ran after cancel_sync"))
			return -1;
	}
	return 0;
}

static int cancel_sync_show(struct seq_file *m, void *v)
{
	return on_two_cpus(m, cancel_sync_body);
}

/*
 * rtd_queue_work() queues on the CPU the caller runs on when it queues: a
 * caller preempted and migrated on its way in (the debug hook moves it
 * from CPU a to CPU b where the old code had already chosen a) queues on
 * b; and if a went offline meanwhile the item is still queued (the old
 * code refused it: false, read as "already pending", and the item was
 * lost). Needs rtdefer's test build (debug hooks) and CPU 1.
 */
#ifdef RTD_DEBUG_HOOKS
static struct task_struct *migrate_task;
static int migrate_to;
static bool migrate_offline;	/* take the CPU we leave down */
static int migrate_from;

static void migrate_hook(void *arg)
{
	if (current != migrate_task)
		return;
	migrate_task = NULL;	/* once */
	migrate_from = raw_smp_processor_id();
	set_cpus_allowed_ptr(current, cpumask_of(migrate_to));
	if (migrate_offline)
		remove_cpu(migrate_from);
}

static int migrated_queue_fn(void *arg)
{
	struct seq_file *m = arg;
	struct rec *r = rec_new(rtd_system_bh_wq);
	int round, ret = -1;
	bool queued;

	if (failed(m, r, "no memory"))
		return -1;
	for (round = 0; round < 2; round++) {
		set_cpus_allowed_ptr(current, cpumask_of(1));
		migrate_to = 0;
		migrate_offline = round;
		migrate_task = current;
		queued = rtd_queue_work(rtd_system_bh_wq, &r->dw.work);
		migrate_task = NULL;
		if (round)
			add_cpu(1);
		if (failed(m, migrate_from == 1, "the hook did not run on CPU 1") ||
		    failed(m, queued, "%s: queue refused",
			   round ? "CPU left went offline" : "migrated") ||
		    failed(m, rec_wait(r, round + 1), "item never ran") ||
		    failed(m, r->cpu == 0, "queued from CPU 0, ran on CPU %d", r->cpu))
			goto out;
	}
	ret = 0;
out:
	rec_free(r);
	return ret;
}

static DECLARE_COMPLETION(migrated_done);
static int migrated_ret;

static int migrated_queue_wrap(void *arg)
{
	migrated_ret = migrated_queue_fn(arg);
	complete(&migrated_done);
	return 0;
}

static int queue_migrated_show(struct seq_file *m, void *v)
{
	struct task_struct *t;

	if (failed(m, cpu_online(1), "needs CPU 1"))
		return 0;
	reinit_completion(&migrated_done);
	rtd_debug_set_hook(RTD_HOOK_BH_QUEUE_LOCAL, migrate_hook);
	t = kthread_run(migrated_queue_wrap, m, "rtd_migrate");
	if (!failed(m, !IS_ERR(t), "no thread")) {
		wait_for_completion(&migrated_done);
		if (!migrated_ret)
			seq_puts(m, "ok\n");
	}
	rtd_debug_set_hook(RTD_HOOK_BH_QUEUE_LOCAL, NULL);
	return 0;
}

/*
 * rtd_flush_delayed_work() while the item's delay ends on another CPU: the
 * debug hook holds the timer callback on CPU 1 (its timer already off the
 * wheel, the item not yet queued) until the flush on CPU 0 has returned,
 * or for one second. A flush that waits for the callback, as it must,
 * cannot return meanwhile: the hook lets go after the second and the
 * flush then waits for the item. The old code found the timer gone and
 * nothing queued, and returned false at once. (The second bounds the
 * hook, not the verdict: single-threaded TCG switches vCPUs only every
 * 100 ms, so a hold measured in time alone can end before CPU 0 runs.)
 */
static atomic_t delay_hook_armed, delay_hook_in, flush_returned;

/*
 * The bound is read from the clocksource itself: with interrupts off here
 * and on CPU 0 (spinning in the flush), jiffies stand still, and so does
 * local_clock() where sched_clock is jiffies-based (TCG on 5.10 and 6.1).
 */
static void delay_end_hook(void *arg)
{
	u64 end = ktime_get_mono_fast_ns() + NSEC_PER_SEC;

	if (raw_smp_processor_id() != 1 || !atomic_xchg(&delay_hook_armed, 0))
		return;
	atomic_set(&delay_hook_in, 1);
	while (!atomic_read(&flush_returned) && ktime_get_mono_fast_ns() < end)
		cpu_relax();
}

static int flush_racing_delay_fn(void *arg)
{
	struct seq_file *m = arg;
	struct rec *r = rec_new(rtd_system_bh_wq);
	int i, ret = -1;
	bool flushed;

	if (failed(m, r, "no memory"))
		return -1;
	atomic_set(&delay_hook_in, 0);
	atomic_set(&flush_returned, 0);
	atomic_set(&delay_hook_armed, 1);
	rtd_queue_delayed_work_on(1, rtd_system_bh_wq, &r->dw, 1);
	for (i = 0; i < 10000 && !atomic_read(&delay_hook_in); i++)
		usleep_range(100, 200);
	if (failed(m, atomic_read(&delay_hook_in), "the delay never ended on CPU 1"))
		goto out;
	flushed = rtd_flush_delayed_work(&r->dw);
	atomic_set(&flush_returned, 1);
	/*
	 * The item was due when the flush began: it has run when the flush
	 * returns. (Its return value may be either, as mainline's: the item
	 * can have run before the flush looked.)
	 */
	if (failed(m, atomic_read(&r->runs) == 1,
		   "flush returned (%d) before the item, its delay ending meanwhile, ran",
		   flushed))
		goto out;
	ret = 0;
out:
	atomic_set(&delay_hook_armed, 0);
	rec_free(r);
	return ret;
}

static int flush_racing_delay_show(struct seq_file *m, void *v)
{
	if (failed(m, cpu_online(1), "needs CPU 1"))
		return 0;
	rtd_debug_set_hook(RTD_HOOK_BH_DELAY_END, delay_end_hook);
	if (!rtd_run_on_cpu(0, flush_racing_delay_fn, m))
		seq_puts(m, "ok\n");
	rtd_debug_set_hook(RTD_HOOK_BH_DELAY_END, NULL);
	return 0;
}
#else
static int queue_migrated_show(struct seq_file *m, void *v)
{
	seq_puts(m, "FAIL rtdefer's test build (debug hooks) needed\n");
	return 0;
}

static int flush_racing_delay_show(struct seq_file *m, void *v)
{
	return queue_migrated_show(m, v);
}
#endif

/* Counted disable/enable, enable_and_queue. */
static int disable_show(struct seq_file *m, void *v)
{
	struct rec *r = rec_new(rtd_system_bh_wq);
	struct rtd_work *w;

	if (failed(m, r, "no memory"))
		goto out;
	w = &r->dw.work;
	local_irq_disable();
	rtd_queue_work(rtd_system_bh_wq, w);
	if (failed(m, rtd_disable_work(w), "disable of a pending item said idle")) {
		local_irq_enable();
		goto out;
	}
	local_irq_enable();
	if (failed(m, !rtd_disable_work(w), "second disable said pending") ||
	    failed(m, !rtd_queue_work(rtd_system_bh_wq, w), "queued while disabled") ||
	    failed(m, !rtd_enable_work(w), "enabled after one of two enables") ||
	    failed(m, !rtd_queue_work(rtd_system_bh_wq, w), "queued while disabled once") ||
	    failed(m, rtd_enable_and_queue_work(rtd_system_bh_wq, w), "enable_and_queue failed") ||
	    failed(m, rec_wait(r, 1), "never ran after enable") ||
	    failed(m, atomic_read(&r->runs) == 1, "disabled item ran"))
		goto out;
	/* an unbalanced enable is reported and changes nothing */
	if (failed(m, rtd_enable_work(w), "unbalanced enable said disabled") ||
	    failed(m, rtd_queue_work(rtd_system_bh_wq, w), "queue after unbalanced enable") ||
	    failed(m, rec_wait(r, 2), "never ran"))
		goto out;
	seq_puts(m, "ok\n");
out:
	rec_free(r);
	return 0;
}

/*
 * Disable during a queueing storm from hardirq: every CPU's hrtimer queues
 * the item every 100 us; after disable_sync it never runs, after enable it
 * runs again. Then, the storm over, one hardirq queues the item and
 * cancel_syncs it: there cancel_sync only cancels (it cannot wait, and says
 * so once), and the item, pending on this CPU, cannot have run in between.
 */
static struct rec *storm_rec;
static atomic_t storm_queued;

static enum hrtimer_restart storm_timer_fn(struct hrtimer *t)
{
	if (rtd_queue_work(rtd_system_bh_wq, &storm_rec->dw.work))
		atomic_inc(&storm_queued);
	hrtimer_forward_now(t, ns_to_ktime(100 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static bool hq_queued, hq_cancelled;

static void hq_fn(void *arg)
{
	hq_queued = rtd_queue_work(rtd_system_bh_wq, &storm_rec->dw.work);
	hq_cancelled = rtd_cancel_work_sync(&storm_rec->dw.work);
}

/* Queue and cancel_sync storm_rec in one hardirq; false if it never came. */
static bool hq_run(void)
{
	return rtd_run_in(RTD_IN_HARDIRQ, hq_fn, NULL);
}

static DEFINE_PER_CPU(struct hrtimer, storm_timers);
static bool storm_timers_on;

static void storm_timer_start(void *info)
{
	struct hrtimer *t = this_cpu_ptr(&storm_timers);

	rtd_hrtimer_setup(t, storm_timer_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	hrtimer_start(t, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL_PINNED_HARD);
}

/* One hrtimer per online CPU, queueing (or cancelling) storm_rec. */
static void storm_timers_start(void)
{
	storm_timers_on = true;
	on_each_cpu(storm_timer_start, NULL, 1);
}

static void storm_timers_stop(void)
{
	int cpu;

	if (!storm_timers_on)
		return;
	for_each_possible_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&storm_timers, cpu));
	storm_timers_on = false;
}

static int disable_storm_show(struct seq_file *m, void *v)
{
	int runs;

	storm_rec = rec_new(rtd_system_bh_wq);
	if (failed(m, storm_rec, "no memory"))
		goto out;
	atomic_set(&storm_queued, 0);
	storm_timers_start();
	if (failed(m, rec_wait(storm_rec, 20), "storm items never ran"))
		goto stop;
	rtd_disable_work_sync(&storm_rec->dw.work);
	runs = atomic_read(&storm_rec->runs);
	msleep(100);
	if (failed(m, atomic_read(&storm_rec->runs) == runs, "ran while disabled") ||
	    failed(m, !atomic_read(&storm_rec->running), "running after disable_sync"))
		goto stop;
	rtd_enable_work(&storm_rec->dw.work);
	if (failed(m, rec_wait(storm_rec, runs + 20), "never ran after enable"))
		goto stop;
	storm_timers_stop();
	rtd_flush_work(&storm_rec->dw.work);
	runs = atomic_read(&storm_rec->runs);
	if (failed(m, hq_run(), "the hardirq never came"))
		goto stop;
	rtd_flush_workqueue(rtd_system_bh_wq);
	if (failed(m, hq_queued, "queueing an idle item from hardirq refused") ||
	    failed(m, hq_cancelled, "hardirq cancel_sync of the item just queued said idle") ||
	    failed(m, !rtd_work_pending(&storm_rec->dw.work), "pending after the cancel") ||
	    failed(m, atomic_read(&storm_rec->runs) == runs, "cancelled item ran"))
		goto stop;
	seq_printf(m, "ok %d queued from hardirq\n", atomic_read(&storm_queued));
stop:
	storm_timers_stop();
out:
	rec_free(storm_rec);
	storm_rec = NULL;
	return 0;
}

/* queue_work_on every online CPU; an offline or invalid one is refused. */
static int remote_show(struct seq_file *m, void *v)
{
	struct rec *r = rec_new(rtd_system_bh_highpri_wq);
	int cpu, n = 0;

	if (failed(m, r, "no memory"))
		goto out;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		n++;
		if (failed(m, rtd_queue_work_on(cpu, rtd_system_bh_highpri_wq, &r->dw.work),
			   "queue on CPU %d failed", cpu) ||
		    failed(m, rtd_flush_work(&r->dw.work) || atomic_read(&r->runs) == n,
			   "flush found item for CPU %d idle before it ran", cpu) ||
		    failed(m, atomic_read(&r->runs) == n, "item for CPU %d never ran", cpu) ||
		    failed(m, r->cpu == cpu && r->softirq, "item for CPU %d ran on %d (softirq %d)",
			   cpu, r->cpu, r->softirq)) {
			cpus_read_unlock();
			goto out;
		}
	}
	for_each_possible_cpu(cpu) {
		if (!cpu_online(cpu) &&
		    failed(m, !rtd_queue_work_on(cpu, rtd_system_bh_wq, &r->dw.work),
			   "queue on offline CPU %d accepted", cpu)) {
			cpus_read_unlock();
			goto out;
		}
	}
	cpus_read_unlock();
	if (failed(m, !rtd_queue_work_on(-1, rtd_system_bh_wq, &r->dw.work) &&
		   !rtd_queue_work_on(nr_cpu_ids, rtd_system_bh_wq, &r->dw.work),
		   "queue on an invalid CPU accepted"))
		goto out;
	seq_puts(m, "ok\n");
out:
	rec_free(r);
	return 0;
}

/*
 * Drain: chained items (each re-queues itself 50 times: the queue's own
 * callbacks may) and a delayed item are all waited for. While the drain
 * goes on, queueing from outside the queue's callbacks is refused: tried
 * at the drain's last step (debug hook RTD_HOOK_BH_DRAINED, in the draining
 * task before the drain ends) from there and from a tasklet (a softirq,
 * but not one of the queue's callbacks) it waits for. Destroy with pending
 * work (plain and delayed) runs everything first.
 */
static struct {
	struct rtd_workqueue *wq;
	struct rec *item;
	int tries, accepted;
} outside;

/* One queueing from outside the draining queue; run here and by rtd_run_in(). */
static void outside_try(void *arg)
{
	outside.tries++;
	outside.accepted += rtd_queue_work(outside.wq, &outside.item->dw.work);
}

static void outside_hook(void *arg)
{
	if (arg != outside.wq)
		return;
	outside_try(NULL);
	if (!rtd_run_in(RTD_IN_SOFTIRQ, outside_try, NULL))
		outside.tries = -1;	/* the tasklet never ran: fails the check */
}

static int drain_check(struct seq_file *m, struct rtd_workqueue *wq, struct rec **r, int n)
{
	struct rec *holder = rec_new(wq);
	int i, ret = -1;

	outside.item = rec_new(wq);
	if (failed(m, holder && outside.item, "no memory"))
		goto out;
	for (i = 0; i < n; i++)
		r[i]->requeue = 49;
	outside.wq = wq;
	outside.tries = 0;
	outside.accepted = 0;
	rtd_debug_set_hook(RTD_HOOK_BH_DRAINED, outside_hook);
	rtd_queue_delayed_work(wq, &holder->dw, HZ / 10);
	for (i = 0; i < n; i++)
		rtd_queue_work(wq, &r[i]->dw.work);
	rtd_drain_workqueue(wq);
	rtd_debug_set_hook(RTD_HOOK_BH_DRAINED, NULL);
	for (i = 0; i < n; i++)
		if (failed(m, atomic_read(&r[i]->runs) == 50, "chain %d ran %d of 50 times",
			   i, atomic_read(&r[i]->runs)))
			goto out;
	if (failed(m, atomic_read(&holder->runs) == 1, "drain returned before the delayed item") ||
	    failed(m, outside.tries == 2, "%d tries from outside, not 2", outside.tries) ||
	    failed(m, !outside.accepted, "%d of %d tries from outside accepted while draining",
		   outside.accepted, outside.tries))
		goto out;
	ret = 0;
out:
	rtd_debug_set_hook(RTD_HOOK_BH_DRAINED, NULL);
	rec_free(holder);
	rec_free(outside.item);
	return ret;
}

static int drain_destroy_show(struct seq_file *m, void *v)
{
	struct rtd_workqueue *wq = rtd_alloc_bh_workqueue("rtd_test_%d", 0, 1);
	struct rec *r[8] = {};
	int i;

	if (failed(m, wq, "alloc failed") ||
	    failed(m, !rtd_alloc_bh_workqueue("bad", 0x80), "bad flags accepted"))
		goto out;
	for (i = 0; i < ARRAY_SIZE(r); i++) {
		r[i] = rec_new(wq);
		if (failed(m, r[i], "no memory"))
			goto out;
	}
	if (drain_check(m, wq, r, ARRAY_SIZE(r)) ||
	    failed(m, rtd_queue_work(wq, &r[0]->dw.work), "queue after drain refused"))
		goto out;
	/* destroy with pending work: plain and delayed */
	r[2]->spin_us = 1000;
	rtd_queue_delayed_work(wq, &r[3]->dw, 20);
	rtd_queue_work(wq, &r[2]->dw.work);
	rtd_destroy_workqueue(wq);
	wq = NULL;
	if (failed(m, atomic_read(&r[0]->runs) == 51 && atomic_read(&r[2]->runs) == 51 &&
		   atomic_read(&r[3]->runs) == 51, "destroy did not run pending items first"))
		goto out;
	rtd_destroy_workqueue(rtd_system_bh_wq);	/* refused, says so */
	if (failed(m, rtd_queue_work(rtd_system_bh_wq, &r[4]->dw.work),
		   "system queue destroyed") ||
	    failed(m, rec_wait(r[4], 51), "system queue dead"))
		goto out;
	seq_printf(m, "ok %d tries from outside refused\n", outside.tries);
out:
	rtd_destroy_workqueue(wq);
	for (i = 0; i < ARRAY_SIZE(r); i++)
		rec_free(r[i]);
	return 0;
}

/*
 * An item whose callback runs on CPU 1's normal pool is queued on a highpri
 * queue: it goes behind itself, on the normal pool. Flushing the highpri
 * queue must wait for that run too. The first run lasts past the pool's
 * budget and until the flush (on CPU 0) queued its barriers (debug hook),
 * so that the pool yields and CPU 1's highpri pool runs before the second
 * run; the second run spins until the flush returned (at most 1 s).
 */
static struct {
	struct rtd_work work;
	struct rtd_workqueue *hi;
	atomic_t runs, second_done, requeued, barriers, flush_returned;
} bf;

static void bf_spin(atomic_t *until, u64 min_ns, u64 max_ns)
{
	u64 start = ktime_get_mono_fast_ns(), now = start;

	while ((!atomic_read(until) || now - start < min_ns) && now - start < max_ns) {
		cpu_relax();
		now = ktime_get_mono_fast_ns();
	}
}

static void bf_fn(struct rtd_work *work)
{
	if (atomic_inc_return(&bf.runs) == 1) {
		atomic_set(&bf.requeued, rtd_queue_work(bf.hi, work) ? 1 : 2);
		/* past the pass's budget (2 ms by default) */
		bf_spin(&bf.barriers, 10 * NSEC_PER_MSEC, 5 * NSEC_PER_SEC);
		return;
	}
	bf_spin(&bf.flush_returned, 0, NSEC_PER_SEC);
	atomic_set(&bf.second_done, 1);
}

static void bf_flush_hook(void *arg)
{
	if (arg == bf.hi)
		atomic_set(&bf.barriers, 1);
}

static void behind_flush_run(struct seq_file *m)
{
	int i;

	if (failed(m, rtd_queue_work_on(1, rtd_system_bh_wq, &bf.work), "not queued"))
		return;
	for (i = 0; i < 10000 && !atomic_read(&bf.requeued); i++)
		usleep_range(500, 1000);
	if (failed(m, atomic_read(&bf.requeued) == 1, "re-queue on the highpri queue: %d",
		   atomic_read(&bf.requeued)))
		return;
	rtd_flush_workqueue(bf.hi);
	atomic_set(&bf.flush_returned, 1);
	if (!failed(m, atomic_read(&bf.second_done),
		    "flush returned before the run it should wait for ended"))
		seq_puts(m, "ok\n");
}

static int behind_flush_show(struct seq_file *m, void *v)
{
	if (failed(m, cpu_online(1), "needs CPU 1"))
		return 0;
	bf.hi = rtd_alloc_bh_workqueue("rtd_test_hi", RTD_WQ_HIGHPRI);
	if (failed(m, bf.hi, "no memory"))
		return 0;
	RTD_INIT_WORK(&bf.work, bf_fn);
	atomic_set(&bf.runs, 0);
	atomic_set(&bf.second_done, 0);
	atomic_set(&bf.requeued, 0);
	atomic_set(&bf.flush_returned, 0);
	atomic_set(&bf.barriers, 0);
	rtd_debug_set_hook(RTD_HOOK_BH_FLUSH_QUEUED, bf_flush_hook);
	/* flush from CPU 0, while CPU 1's softirq runs the item */
	set_cpus_allowed_ptr(current, cpumask_of(0));
	behind_flush_run(m);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	rtd_debug_set_hook(RTD_HOOK_BH_FLUSH_QUEUED, NULL);
	rtd_cancel_work_sync(&bf.work);
	rtd_destroy_workqueue(bf.hi);
	return 0;
}

/*
 * Two drains of one queue at once: while either still drains, queueing from
 * outside is refused. The first drainer is held (debug hook) after it saw
 * the queue empty; the second returns; the first still drains.
 */
static struct task_struct *held_drainer;
static DECLARE_COMPLETION(drainer_held);
static DECLARE_COMPLETION(drainer_go);

static void drained_hook(void *arg)
{
	if (current != READ_ONCE(held_drainer))
		return;
	complete(&drainer_held);
	wait_for_completion(&drainer_go);
}

static int held_drain(void *wq)
{
	rtd_drain_workqueue(wq);
	return 0;
}

static void two_drains(struct seq_file *m, struct rtd_workqueue *wq, struct rec *r)
{
	struct task_struct *t = kthread_create(held_drain, wq, "rtd_drainer");

	if (failed(m, !IS_ERR(t), "no thread"))
		return;
	get_task_struct(t);
	WRITE_ONCE(held_drainer, t);
	wake_up_process(t);
	wait_for_completion(&drainer_held);
	rtd_drain_workqueue(wq);
	if (!failed(m, !rtd_queue_work(wq, &r->dw.work),
		    "queued from outside while another drain went on"))
		seq_puts(m, "ok\n");
	complete(&drainer_go);
	kthread_stop(t);
	put_task_struct(t);
	WRITE_ONCE(held_drainer, NULL);
}

static int two_drains_show(struct seq_file *m, void *v)
{
	struct rtd_workqueue *wq = rtd_alloc_bh_workqueue("rtd_test_drains", 0);
	struct rec *r = rec_new(wq);

	if (failed(m, wq && r, "no memory"))
		goto out;
	reinit_completion(&drainer_held);
	reinit_completion(&drainer_go);
	rtd_debug_set_hook(RTD_HOOK_BH_DRAINED, drained_hook);
	two_drains(m, wq, r);
	rtd_debug_set_hook(RTD_HOOK_BH_DRAINED, NULL);
	rtd_flush_workqueue(wq);
out:
	rec_free(r);
	if (wq)
		rtd_destroy_workqueue(wq);
	return 0;
}

/*
 * Hotplug: a producer on CPU 0 keeps queueing 10000 items onto CPU 1 (and
 * its own CPU) until "hotplug_stop"; user space takes CPU 1 down and up, and
 * ends with it down. Every queueing must be matched by exactly one run.
 */
#define NHP 10000

struct counted {
	struct rtd_work work;
	atomic_t queued;
	atomic_t runs;
};

static struct counted *hp_items;
static struct task_struct *hp_task;

static void counted_fn(struct rtd_work *work)
{
	atomic_inc(&container_of(work, struct counted, work)->runs);
}

static int hp_producer(void *data)
{
	long i;

	for (i = 0; !kthread_should_stop(); i++) {
		struct counted *c = &hp_items[i % NHP];

		if (rtd_queue_work_on(i % 4 ? 1 : 0, rtd_system_bh_wq, &c->work))
			atomic_inc(&c->queued);
		if (i % 256 == 0)
			usleep_range(100, 200);
	}
	return 0;
}

static int hotplug_start_show(struct seq_file *m, void *v)
{
	int i;

	if (failed(m, !hp_task && cpu_online(1), "already started, or CPU 1 offline"))
		return 0;
	hp_items = vzalloc(sizeof(*hp_items) * NHP);
	if (failed(m, hp_items, "no memory"))
		return 0;
	for (i = 0; i < NHP; i++)
		rtd_init_work(&hp_items[i].work, counted_fn);
	hp_task = kthread_create(hp_producer, NULL, "rtd_bh_prod");
	if (failed(m, !IS_ERR(hp_task), "no thread")) {
		hp_task = NULL;
		return 0;
	}
	kthread_bind(hp_task, 0);
	wake_up_process(hp_task);
	seq_puts(m, "ok\n");
	return 0;
}

static void hp_stop(void)
{
	if (!hp_task)
		return;
	kthread_stop(hp_task);
	hp_task = NULL;
}

static int hotplug_stop_show(struct seq_file *m, void *v)
{
	unsigned long end = jiffies + 10 * HZ;
	long queued = 0, bad = 0, stuck = 0;
	int i;

	if (failed(m, hp_task, "not started"))
		return 0;
	hp_stop();
	for (i = 0; i < NHP; i++) {
		while (rtd_work_pending(&hp_items[i].work) && time_before(jiffies, end))
			msleep(20);
		stuck += rtd_work_pending(&hp_items[i].work);
	}
	if (failed(m, !stuck, "%ld items stuck pending", stuck))
		return 0;	/* hp_items leaked on purpose: still queued */
	rtd_flush_workqueue(rtd_system_bh_wq);
	for (i = 0; i < NHP; i++) {
		queued += atomic_read(&hp_items[i].queued);
		bad += atomic_read(&hp_items[i].queued) != atomic_read(&hp_items[i].runs);
	}
	vfree(hp_items);
	hp_items = NULL;
	if (failed(m, queued > NHP, "only %ld queued", queued) ||
	    failed(m, !bad, "%ld items ran a different number of times than queued", bad))
		return 0;
	seq_printf(m, "ok %ld queued\n", queued);
	return 0;
}

/* Unload under load: the module's exit stops a storm of queueings. */
static int load_show(struct seq_file *m, void *v)
{
	if (failed(m, !storm_timers_on, "already loaded"))
		return 0;
	storm_rec = rec_new(rtd_system_bh_wq);
	if (failed(m, storm_rec, "no memory"))
		return 0;
	storm_rec->spin_us = 200;
	storm_timers_start();
	seq_puts(m, "ok\n");
	return 0;
}

/*
 * A CPU hotplug teardown callback waits for an item stranded on the CPU
 * that died: its state is registered after rtdefer's, so it runs before
 * rtdefer's dead callback moves the item. The debug hook where CPU 1 going
 * down marks its pools down queues the item there (nothing raises CPU 1's
 * pools any more). Each arming tests the next of the three waits below; user
 * space takes CPU 1 down in between (before rtdefer adopted in its waits,
 * each hung the hotplug; the queue flush also took the hotplug lock that
 * the hotplug operation holds).
 */
static const char *const df_waits[] = {
	"rtd_flush_work", "rtd_flush_workqueue", "rtd_drain_workqueue"
};

static struct rtd_workqueue *df_wq;
static struct rec *df_rec;
static atomic_t df_armed, df_queued;
static int df_state = -1, df_wait, df_pending, df_runs;

static void df_down_hook(void *arg)
{
	if (smp_processor_id() == 1 && atomic_xchg(&df_armed, 0))
		atomic_set(&df_queued, rtd_queue_work_on(1, df_wq, &df_rec->dw.work) ? 1 : 2);
}

static int df_dead(unsigned int cpu)
{
	if (cpu != 1 || atomic_read(&df_queued) != 1 || df_pending >= 0)
		return 0;
	df_pending = rtd_work_pending(&df_rec->dw.work);
	if (df_wait == 0)
		rtd_flush_work(&df_rec->dw.work);
	else if (df_wait == 1)
		rtd_flush_workqueue(df_wq);
	else
		rtd_drain_workqueue(df_wq);
	df_runs = atomic_read(&df_rec->runs);
	return 0;
}

static void df_disarm(void)
{
	atomic_set(&df_armed, 0);
	rtd_debug_set_hook(RTD_HOOK_BH_DOWN, NULL);
	if (df_state >= 0)
		cpuhp_remove_state_nocalls(df_state);
	df_state = -1;
	rec_free(df_rec);
	df_rec = NULL;
	rtd_destroy_workqueue(df_wq);
	df_wq = NULL;
}

static int deadflush_arm_show(struct seq_file *m, void *v)
{
	int ret;

	if (failed(m, cpu_online(1) && df_state < 0, "CPU 1 must be online, not armed"))
		return 0;
	df_wq = rtd_alloc_bh_workqueue("rtd_test_dead", 0);
	df_rec = rec_new(df_wq);
	if (failed(m, df_wq && df_rec, "no memory"))
		goto err;
	atomic_set(&df_queued, 0);
	df_pending = -1;
	df_runs = -1;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "rtd_test_bh:dead",
					NULL, df_dead);
	if (failed(m, ret >= 0, "cpuhp state: %d", ret))
		goto err;
	df_state = ret;
	rtd_debug_set_hook(RTD_HOOK_BH_DOWN, df_down_hook);
	atomic_set(&df_armed, 1);
	seq_printf(m, "ok %s\n", df_waits[df_wait]);
	return 0;
err:
	df_disarm();
	return 0;
}

static int deadflush_result_show(struct seq_file *m, void *v)
{
	const char *what = df_waits[df_wait];

	if (failed(m, df_state >= 0, "not armed"))
		return 0;
	df_wait = (df_wait + 1) % ARRAY_SIZE(df_waits);
	if (failed(m, atomic_read(&df_queued) == 1, "%s: not queued from CPU 1 going down (%d)",
		   what, atomic_read(&df_queued)) ||
	    failed(m, df_pending == 1,
		   "%s: item not pending when the callback ran (%d): nothing stranded to test",
		   what, df_pending) ||
	    failed(m, df_runs == 1, "%s: %d runs when it returned", what, df_runs) ||
	    failed(m, df_rec->cpu != 1 && df_rec->softirq, "%s: ran on CPU %d, softirq %d",
		   what, df_rec->cpu, df_rec->softirq))
		goto out;
	seq_printf(m, "ok %s\n", what);
out:
	df_disarm();
	return 0;
}

/*
 * Items declared with RTD_DECLARE_WORK() and RTD_DECLARE_DELAYED_WORK() run
 * like initialised ones; rtd_disable_delayed_work_sync() takes back a
 * pending delay and keeps the item from being queued until it is enabled.
 */
static atomic_t decl_runs;

static void decl_fn(struct rtd_work *w)
{
	atomic_inc(&decl_runs);
}

static RTD_DECLARE_WORK(decl_work, decl_fn);
static RTD_DECLARE_DELAYED_WORK(decl_dwork, decl_fn);

static int declared_show(struct seq_file *m, void *v)
{
	atomic_set(&decl_runs, 0);
	if (failed(m, rtd_queue_work(rtd_system_bh_wq, &decl_work), "declared item not queued"))
		return 0;
	rtd_flush_work(&decl_work);
	if (failed(m, atomic_read(&decl_runs) == 1, "declared item ran %d times",
		   atomic_read(&decl_runs)) ||
	    failed(m, rtd_queue_delayed_work(rtd_system_bh_wq, &decl_dwork, 60 * HZ),
		   "declared delayed item not queued") ||
	    failed(m, rtd_disable_delayed_work_sync(&decl_dwork),
		   "disable_delayed_work_sync said the item was not pending") ||
	    failed(m, !rtd_queue_delayed_work(rtd_system_bh_wq, &decl_dwork, 0),
		   "a disabled delayed item was queued") ||
	    failed(m, rtd_enable_delayed_work(&decl_dwork), "not enabled again") ||
	    failed(m, rtd_queue_delayed_work(rtd_system_bh_wq, &decl_dwork, 0),
		   "enabled delayed item not queued"))
		goto out;
	rtd_flush_delayed_work(&decl_dwork);
	if (failed(m, atomic_read(&decl_runs) == 2,
		   "%d runs, want 2 (the disabled delay must not run)",
		   atomic_read(&decl_runs)))
		goto out;
	seq_puts(m, "ok\n");
out:
	rtd_cancel_delayed_work_sync(&decl_dwork);
	rtd_enable_delayed_work(&decl_dwork);
	return 0;
}

static const struct rtd_check checks[] = {
	{ "order", order_show },
	{ "highpri", highpri_show },
	{ "requeue", requeue_show },
	{ "nonreentrant", nonreentrant_show },
	{ "budget_items", budget_items_show },
	{ "budget_time", budget_time_show },
	{ "delayed", delayed_show },
	{ "flush_cancel", flush_cancel_show },
	{ "cancel_sync", cancel_sync_show },
	{ "queue_migrated", queue_migrated_show },
	{ "flush_racing_delay", flush_racing_delay_show },
	{ "disable", disable_show },
	{ "declared", declared_show },
	{ "disable_storm", disable_storm_show },
	{ "remote", remote_show },
	{ "drain_destroy", drain_destroy_show },
	{ "two_drains", two_drains_show },
	{ "behind_flush", behind_flush_show },
	{ "hotplug_start", hotplug_start_show },
	{ "hotplug_stop", hotplug_stop_show },
	{ "deadflush_arm", deadflush_arm_show },
	{ "deadflush_result", deadflush_result_show },
	{ "load", load_show },
	{ "native_compare", rtd_test_bh_native_show },
};

static struct dentry *dir;

static int __init rtd_test_bh_init(void)
{
	dir = rtd_checks_create("rtd_test_bh", checks, ARRAY_SIZE(checks));
	return 0;
}

static void __exit rtd_test_bh_exit(void)
{
	debugfs_remove_recursive(dir);
	df_disarm();
	hp_stop();
	storm_timers_stop();
	rec_free(storm_rec);
	if (hp_items) {
		rtd_flush_workqueue(rtd_system_bh_wq);
		vfree(hp_items);
	}
}

module_init(rtd_test_bh_init);
module_exit(rtd_test_bh_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer BH workqueue checks used by rtdefer's own tests");
RTD_MODULE_IMPORT_NS();
