// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_test_iw: in-kernel checks of rtdefer's threaded irq_work, driven from
 * the guest's selftest (tests/selftests/rtd_irq_work.c).
 *
 * Each file in /sys/kernel/debug/rtd_test_iw/ is one check: reading it runs
 * the check and returns "ok" or "FAIL <what went wrong>". The hotplug checks
 * are split into a "start" and a "stop" file so user space can offline CPUs
 * in between.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <rtdefer/rtdefer.h>
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#include <asm/nmi.h>
#endif
#include <compat/compat.h>

#include "debug_hook.h"
#include "rtd_check.h"

#define CTX_TASK	0x01
#define CTX_HARDIRQ	0x02
#define CTX_SOFTIRQ	0x04
#define CTX_PREEMPTIBLE	0x08
#define CTX_OUR_THREAD	0x10	/* irq_work/N of the running CPU, FIFO 1 */

/* One observed callback run. */
struct probe {
	struct rtd_irq_work work;
	atomic_t runs;
	int cpu;		/* where it ran */
	int ctx;		/* CTX_* seen there */
	int seen;		/* payload the callback read */
	int payload;		/* written before queueing */
	unsigned int sleep_ms;	/* sleep inside the callback */
	int requeue;		/* times to queue itself again */
	struct completion done;
};

/* rtdefer's irq_work/N thread of each CPU, noted at init */
static DEFINE_PER_CPU(struct task_struct *, our_thread);

static int current_ctx(void)
{
	int ctx = 0;

	if (in_task())
		ctx |= CTX_TASK;
	if (in_hardirq())
		ctx |= CTX_HARDIRQ;
	if (in_serving_softirq())
		ctx |= CTX_SOFTIRQ;
	/* without a preempt count (5.10's voluntary preemption) look at IRQs */
	if (IS_ENABLED(CONFIG_PREEMPT_COUNT) ? preemptible() : !irqs_disabled())
		ctx |= CTX_PREEMPTIBLE;
	/* by task: on PREEMPT_RT the kernel's irq_work/N has the same name */
	if (in_task() && current == per_cpu(our_thread, raw_smp_processor_id()) &&
	    current->policy == SCHED_FIFO && current->rt_priority == 1)
		ctx |= CTX_OUR_THREAD;
	return ctx;
}

static void probe_fn(struct rtd_irq_work *work)
{
	struct probe *p = container_of(work, struct probe, work);

	p->cpu = raw_smp_processor_id();
	p->ctx = current_ctx();
	p->seen = READ_ONCE(p->payload);
	if (p->sleep_ms)
		msleep(p->sleep_ms);
	atomic_inc(&p->runs);
	if (p->requeue > 0) {
		p->requeue--;
		if (!rtd_irq_work_queue(work))
			p->seen = -1;
		return;
	}
	complete(&p->done);
}

static struct probe *probe_new(int kind)
{
	struct probe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	if (kind == RTD_IRQ_WORK_HARD)
		p->work = (struct rtd_irq_work)RTD_IRQ_WORK_INIT_HARD(probe_fn);
	else if (kind == RTD_IRQ_WORK_LAZY)
		p->work = (struct rtd_irq_work)RTD_IRQ_WORK_INIT_LAZY(probe_fn);
	else if (kind == RTD_IRQ_WORK_DIRECT)
		p->work = (struct rtd_irq_work)RTD_IRQ_WORK_INIT_DIRECT(probe_fn);
	else
		rtd_init_irq_work(&p->work, probe_fn);
	init_completion(&p->done);
	p->cpu = -1;
	return p;
}

/* Free a probe whose item may still be queued (failure paths). */
static void probe_free(struct probe *p)
{
	if (!p)
		return;
	rtd_irq_work_sync(&p->work);
	kfree(p);
}

/* Wait for the probe's last run; false after 30 s (a lost item). */
static bool probe_wait(struct probe *p)
{
	return wait_for_completion_timeout(&p->done, 30 * HZ) != 0;
}

static int want_ctx(int kind)
{
	return kind == RTD_IRQ_WORK_HARD ? CTX_HARDIRQ :
		CTX_TASK | CTX_PREEMPTIBLE | CTX_OUR_THREAD;
}

static const char *kind_name(int kind)
{
	return kind == RTD_IRQ_WORK_HARD ? "hard" :
		kind == RTD_IRQ_WORK_LAZY ? "lazy" :
		kind == RTD_IRQ_WORK_DIRECT ? "direct" : "threaded";
}

/* Queue one item of each kind from task context; check where it ran. */
static int ctx_task_show(struct seq_file *m, void *v)
{
	static const int kinds[] = { 0, RTD_IRQ_WORK_HARD, RTD_IRQ_WORK_LAZY };
	struct probe *p = NULL;
	int i, cpu;
	bool queued;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		p = probe_new(kinds[i]);
		if (failed(m, p, "no memory"))
			goto out;
		if (failed(m, rtd_irq_work_is_hard(&p->work) == !!(kinds[i] & RTD_IRQ_WORK_HARD),
			   "is_hard wrong for %s", kind_name(kinds[i])))
			goto out;
		cpu = get_cpu();
		queued = rtd_irq_work_queue(&p->work);
		put_cpu();
		if (failed(m, queued, "queue failed"))
			goto out;
		if (failed(m, probe_wait(p), "%s item never ran", kind_name(kinds[i])))
			goto out;
		rtd_irq_work_sync(&p->work);
		if (failed(m, p->cpu == cpu, "%s item ran on CPU %d, queued on %d",
			   kind_name(kinds[i]), p->cpu, cpu))
			goto out;
		if (failed(m, (p->ctx & want_ctx(kinds[i])) == want_ctx(kinds[i]) &&
			   !(kinds[i] == RTD_IRQ_WORK_HARD && (p->ctx & CTX_TASK)),
			   "%s item ran in context %#x, want %#x", kind_name(kinds[i]),
			   p->ctx, want_ctx(kinds[i])))
			goto out;
		if (failed(m, !rtd_irq_work_is_busy(&p->work), "busy after sync"))
			goto out;
		kfree(p);
		p = NULL;
	}
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/*
 * The same items with the clock made to read one nanosecond behind each
 * queueing stamp (a stalled clock, or another CPU's that lags): the
 * statistics count a latency of 0 and rtdefer_execute_start must still
 * say that it measured one (rtd_stats' tracepoint checks read the events).
 */
static void clock_behind_hook(void *arg)
{
	struct rtd_hook_clock *clk = arg;

	clk->now = clk->queued_ns - 1;
}

static int clock_behind_show(struct seq_file *m, void *v)
{
	rtd_debug_set_hook(RTD_HOOK_OBS_CLOCK, clock_behind_hook);
	ctx_task_show(m, v);
	rtd_debug_set_hook(RTD_HOOK_OBS_CLOCK, NULL);
	return 0;
}

/* Queueing from hardirq (hrtimer), softirq (tasklet), IRQs off. */
struct from_ctx {
	struct probe *p[2];	/* threaded, hard; or one item (p[1] NULL) */
	int cpu;		/* where the trigger ran */
	int target;		/* -1: queue locally; else queue on another CPU */
	bool queued[2];
};

/* Queue the items of struct from_ctx @arg; run by rtd_run_in(). */
static void from_ctx_queue(void *arg)
{
	struct from_ctx *f = arg;
	int i;

	f->cpu = smp_processor_id();
	if (f->target >= 0)
		f->target = cpumask_any_but(cpu_online_mask, f->cpu);
	for (i = 0; i < 2 && f->p[i]; i++)
		f->queued[i] = f->target < 0 ? rtd_irq_work_queue(&f->p[i]->work) :
			rtd_irq_work_queue_on(&f->p[i]->work, f->target);
}

static int from_ctx_show(struct seq_file *m, void *v)
{
	static const char * const how_name[] = {
		[RTD_IN_HARDIRQ] = "hardirq",
		[RTD_IN_SOFTIRQ] = "softirq",
		[RTD_IN_IRQS_OFF] = "irqs-off",
	};
	struct from_ctx f = {};
	enum rtd_in how;
	int i;

	for (how = RTD_IN_HARDIRQ; how <= RTD_IN_IRQS_OFF; how++) {
		f.p[0] = probe_new(0);
		f.p[1] = probe_new(RTD_IRQ_WORK_HARD);
		if (failed(m, f.p[0] && f.p[1], "no memory"))
			goto out;
		f.queued[0] = false;
		f.queued[1] = false;
		f.target = -1;
		if (failed(m, rtd_run_in(how, from_ctx_queue, &f), "%s never came",
			   how_name[how]))
			goto out;
		for (i = 0; i < 2; i++) {
			int kind = i ? RTD_IRQ_WORK_HARD : 0;

			if (failed(m, f.queued[i], "queue from %s failed", how_name[how]))
				goto out;
			if (failed(m, probe_wait(f.p[i]), "%s item queued from %s never ran",
				   kind_name(kind), how_name[how]))
				goto out;
			rtd_irq_work_sync(&f.p[i]->work);
			if (failed(m, f.p[i]->cpu == f.cpu, "ran on CPU %d, queued from %s on %d",
				   f.p[i]->cpu, how_name[how], f.cpu))
				goto out;
			if (failed(m, (f.p[i]->ctx & want_ctx(kind)) == want_ctx(kind),
				   "%s item queued from %s ran in context %#x",
				   kind_name(kind), how_name[how], f.p[i]->ctx))
				goto out;
		}
		kfree(f.p[0]);
		kfree(f.p[1]);
		f.p[0] = NULL;
		f.p[1] = NULL;
	}
	seq_puts(m, "ok\n");
out:
	probe_free(f.p[0]);
	probe_free(f.p[1]);
	return 0;
}

/*
 * How a threaded item's queueing kicks the thread (RTD_HOOK_IW_KICK): the
 * direct wake-up where the item's kind allows it, the detour through an
 * interrupt where it does not. kick_how is -1 until the watched item kicks.
 */
static struct rtd_irq_work *kick_watch;
static int kick_how = -1, kick_cpu = -1;

static void kick_hook(void *arg)
{
	struct rtd_hook_iw_kick *k = arg;

	if (k->work != READ_ONCE(kick_watch))
		return;
	WRITE_ONCE(kick_cpu, k->cpu);
	/* pairs with the acquire in direct_case() */
	smp_store_release(&kick_how, k->how);
}

struct kick_case {
	const char *name;
	int kind;		/* 0 or RTD_IRQ_WORK_DIRECT */
	enum rtd_in how;	/* where it is queued from */
	bool remote;
	enum rtd_hook_kick want;
};

static const struct kick_case kick_cases[] = {
	{ "direct item from hardirq", RTD_IRQ_WORK_DIRECT, RTD_IN_HARDIRQ, false, RTD_KICK_WAKE },
	{ "direct item with IRQs off", RTD_IRQ_WORK_DIRECT, RTD_IN_IRQS_OFF, false,
	  RTD_KICK_WAKE },
	{ "direct item from hardirq to another CPU", RTD_IRQ_WORK_DIRECT, RTD_IN_HARDIRQ, true,
	  RTD_KICK_WAKE },
	{ "plain item from hardirq", 0, RTD_IN_HARDIRQ, false, RTD_KICK_IRQ_WORK },
	{ "plain item with IRQs off", 0, RTD_IN_IRQS_OFF, false, RTD_KICK_IRQ_WORK },
	{ "plain item from hardirq to another CPU", 0, RTD_IN_HARDIRQ, true, RTD_KICK_IPI },
};

/* One case: queue, wait, check the kick and where the callback ran. */
static bool direct_case(struct seq_file *m, const struct kick_case *kc)
{
	struct from_ctx f = { .target = kc->remote ? 0 : -1 };
	bool ok = false;
	int how;

	f.p[0] = probe_new(kc->kind);
	if (failed(m, f.p[0], "no memory"))
		return false;
	/* probe_new() used the static initialiser: here the run-time one */
	if (kc->kind == RTD_IRQ_WORK_DIRECT && kc->how == RTD_IN_IRQS_OFF)
		rtd_init_irq_work_direct(&f.p[0]->work, probe_fn);
	WRITE_ONCE(kick_how, -1);
	WRITE_ONCE(kick_watch, &f.p[0]->work);
	if (failed(m, rtd_run_in(kc->how, from_ctx_queue, &f), "%s: the trigger never came",
		   kc->name) ||
	    failed(m, f.queued[0], "%s: not queued", kc->name) ||
	    failed(m, probe_wait(f.p[0]), "%s: never ran", kc->name))
		goto out;
	rtd_irq_work_sync(&f.p[0]->work);
	/* pairs with the release in kick_hook() */
	how = smp_load_acquire(&kick_how);
	if (failed(m, how == kc->want, "%s: kick %d, want %d", kc->name, how, kc->want) ||
	    failed(m, kick_cpu == f.p[0]->cpu, "%s: kicked CPU %d, ran on %d", kc->name,
		   kick_cpu, f.p[0]->cpu) ||
	    failed(m, f.p[0]->cpu == (kc->remote ? f.target : f.cpu),
		   "%s: ran on CPU %d, queued from %d", kc->name, f.p[0]->cpu, f.cpu) ||
	    failed(m, (f.p[0]->ctx & want_ctx(0)) == want_ctx(0), "%s: ran in context %#x",
		   kc->name, f.p[0]->ctx))
		goto out;
	ok = true;
out:
	WRITE_ONCE(kick_watch, NULL);
	probe_free(f.p[0]);
	return ok;
}

static int direct_show(struct seq_file *m, void *v)
{
	int i, ret;

	if (failed(m, num_online_cpus() >= 2, "needs two CPUs"))
		return 0;
	ret = rtd_debug_set_hook(RTD_HOOK_IW_KICK, kick_hook);
	if (failed(m, !ret, "set hook: %d", ret))
		return 0;
	for (i = 0; i < ARRAY_SIZE(kick_cases); i++)
		if (!direct_case(m, &kick_cases[i]))
			break;
	rtd_debug_set_hook(RTD_HOOK_IW_KICK, NULL);
	if (i == ARRAY_SIZE(kick_cases))
		seq_puts(m, "ok\n");
	return 0;
}

/* A threaded callback may sleep; it re-queues itself from inside. */
static int sleep_requeue_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(0);

	if (failed(m, p, "no memory"))
		goto out;
	p->sleep_ms = 5;
	p->requeue = 5;
	if (failed(m, rtd_irq_work_queue(&p->work), "queue failed"))
		goto out;
	if (failed(m, probe_wait(p), "never completed"))
		goto out;
	rtd_irq_work_sync(&p->work);
	if (failed(m, p->seen != -1, "re-queue from the callback returned false"))
		goto out;
	if (failed(m, atomic_read(&p->runs) == 6, "ran %d times, want 6",
		   atomic_read(&p->runs)))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/*
 * Claim semantics on one CPU, whose thread is busy in the callback:
 * pending -> false; running -> true, and it runs once more.
 */
static int claim_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(0);
	int i, cpu = cpumask_first(cpu_online_mask);

	if (failed(m, p, "no memory"))
		goto out;
	p->sleep_ms = 500;
	if (failed(m, rtd_irq_work_queue_on(&p->work, cpu), "first queue failed"))
		goto out;
	for (i = 0; i < 3000 && rtd_irq_work_is_pending(&p->work); i++)
		usleep_range(100, 200);
	if (failed(m, !rtd_irq_work_is_pending(&p->work), "never started"))
		goto out;
	if (failed(m, rtd_irq_work_is_busy(&p->work), "not busy while running"))
		goto out;
	if (failed(m, rtd_irq_work_queue_on(&p->work, cpu), "re-queue while running refused"))
		goto out;
	if (failed(m, !rtd_irq_work_queue_on(&p->work, cpu), "queue while pending accepted"))
		goto out;
	rtd_irq_work_sync(&p->work);
	if (failed(m, atomic_read(&p->runs) == 2, "ran %d times, want 2",
		   atomic_read(&p->runs)))
		goto out;
	if (failed(m, !rtd_irq_work_is_busy(&p->work), "busy after sync"))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/*
 * Re-queued on another CPU while running, the item may run on both at once
 * (as in mainline); sync() must wait for both runs, whichever ends first.
 */
static int requeue_remote_show(struct seq_file *m, void *v)
{
	int i, a = cpumask_first(cpu_online_mask);
	int b = cpumask_next(a, cpu_online_mask);
	struct probe *p = probe_new(0);

	if (failed(m, p, "no memory"))
		goto out;
	if (failed(m, b < nr_cpu_ids, "needs two online CPUs"))
		goto out;
	p->sleep_ms = 300;
	if (failed(m, rtd_irq_work_queue_on(&p->work, a), "first queue failed"))
		goto out;
	for (i = 0; i < 3000 && rtd_irq_work_is_pending(&p->work); i++)
		usleep_range(100, 200);
	if (failed(m, !rtd_irq_work_is_pending(&p->work), "never started"))
		goto out;
	if (failed(m, rtd_irq_work_queue_on(&p->work, b), "re-queue on CPU %d refused", b))
		goto out;
	rtd_irq_work_sync(&p->work);
	if (failed(m, atomic_read(&p->runs) == 2, "sync returned after %d of 2 runs",
		   atomic_read(&p->runs)))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/* sync() waits for a running callback, threaded and hard. */
static int sync_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(0);

	if (failed(m, p, "no memory"))
		goto out;
	p->sleep_ms = 200;
	if (failed(m, rtd_irq_work_queue(&p->work), "queue failed"))
		goto out;
	while (rtd_irq_work_is_pending(&p->work))
		usleep_range(100, 200);
	rtd_irq_work_sync(&p->work);
	if (failed(m, atomic_read(&p->runs) == 1, "sync returned before the callback ended"))
		goto out;
	if (failed(m, !rtd_irq_work_is_busy(&p->work), "busy after sync"))
		goto out;
	kfree(p);

	p = probe_new(RTD_IRQ_WORK_HARD);
	if (failed(m, p, "no memory"))
		goto out;
	if (failed(m, rtd_irq_work_queue(&p->work), "hard queue failed"))
		goto out;
	rtd_irq_work_sync(&p->work);
	if (failed(m, atomic_read(&p->runs) == 1, "sync returned before the hard callback ran"))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/* queue_on every CPU: runs there, sees the stores made before queueing. */
static int remote_show(struct seq_file *m, void *v)
{
	struct probe *p = NULL;
	int cpu, kind;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		for (kind = 0; kind <= RTD_IRQ_WORK_HARD; kind += RTD_IRQ_WORK_HARD) {
			p = probe_new(kind);
			if (failed(m, p, "no memory"))
				goto out;
			p->payload = 0x5eed0000 + cpu;
			if (failed(m, rtd_irq_work_queue_on(&p->work, cpu),
				   "queue_on(%d) failed", cpu))
				goto out;
			if (failed(m, probe_wait(p), "%s item for CPU %d never ran",
				   kind_name(kind), cpu))
				goto out;
			rtd_irq_work_sync(&p->work);
			if (failed(m, p->cpu == cpu, "item for CPU %d ran on %d", cpu, p->cpu))
				goto out;
			if (failed(m, p->seen == 0x5eed0000 + cpu, "callback saw a stale payload"))
				goto out;
			if (failed(m, (p->ctx & want_ctx(kind)) == want_ctx(kind),
				   "%s item on CPU %d ran in context %#x",
				   kind_name(kind), cpu, p->ctx))
				goto out;
			kfree(p);
			p = NULL;
		}
	}
	seq_puts(m, "ok\n");
out:
	cpus_read_unlock();
	probe_free(p);
	return 0;
}

/* Invalid and offline CPUs: false, item untouched. */
static int queue_on_bad_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(0);
	int bad[3] = { -1, nr_cpu_ids, -1 };
	int i, cpu;

	if (failed(m, p, "no memory"))
		goto out;
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			bad[2] = cpu;
	if (failed(m, bad[2] >= 0, "no offline CPU: offline one before reading this"))
		goto out;
	for (i = 0; i < 3; i++) {
		if (failed(m, !rtd_irq_work_queue_on(&p->work, bad[i]),
			   "queue_on(%d) accepted", bad[i]))
			goto out;
		if (failed(m, !rtd_irq_work_is_busy(&p->work), "queue_on(%d) claimed the item",
			   bad[i]))
			goto out;
	}
	seq_puts(m, "ok\n");
out:
	kfree(p);
	return 0;
}

/*
 * Storm: one producer kthread per online CPU queues NITEMS items of its own
 * round-robin, local and remote, threaded and hard, STORM times in all.
 * Every successful queueing must be matched by exactly one run.
 */
#define NITEMS 32
#define STORM 100000

struct counted {
	struct rtd_irq_work work;
	atomic_t queued;
	atomic_t runs;
};

struct producer {
	struct counted items[NITEMS];
	struct task_struct *task;
	int cpu;
	long count;		/* queueing attempts to make; 0 = until stopped */
	bool remote_only;	/* queue only on producer->target */
	int target;
	struct completion done;
};

static void counted_fn(struct rtd_irq_work *work)
{
	atomic_inc(&container_of(work, struct counted, work)->runs);
}

static bool stop_producers;

static int producer_fn(void *data)
{
	struct producer *pr = data;
	unsigned int n = 0, ncpus = num_possible_cpus();
	long i;

	for (i = 0; !pr->count || i < pr->count; i++) {
		struct counted *c = &pr->items[i % NITEMS];
		int cpu = pr->remote_only ? pr->target : (int)(n++ % ncpus);
		bool ok;

		if (READ_ONCE(stop_producers))
			break;
		if (i % 3 == 0)
			ok = rtd_irq_work_queue(&c->work);
		else
			ok = rtd_irq_work_queue_on(&c->work, cpu);
		if (ok)
			atomic_inc(&c->queued);
		if (i % 64 == 0)
			cond_resched();
	}
	complete(&pr->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static struct producer *producer_start(int cpu, long count, int target)
{
	struct producer *pr = kzalloc(sizeof(*pr), GFP_KERNEL);
	int i;

	if (!pr)
		return NULL;
	for (i = 0; i < NITEMS; i++) {
		if (i % 2)
			pr->items[i].work = (struct rtd_irq_work)RTD_IRQ_WORK_INIT_HARD(counted_fn);
		else
			rtd_init_irq_work(&pr->items[i].work, counted_fn);
	}
	pr->cpu = cpu;
	pr->count = count;
	pr->remote_only = target >= 0;
	pr->target = target;
	init_completion(&pr->done);
	/* kthread_create_on_cpu() is not exported on 5.10 */
	pr->task = kthread_create(producer_fn, pr, "rtd_prod/%d", cpu);
	if (IS_ERR(pr->task)) {
		kfree(pr);
		return NULL;
	}
	kthread_bind(pr->task, cpu);
	wake_up_process(pr->task);
	return pr;
}

/*
 * Stop, sync every item and compare counts; returns mismatches. An item
 * still busy after 10 s is stuck (say, on the list of a dead CPU): it is
 * counted as a mismatch and left alone, and the producer leaked.
 */
static int producer_finish(struct producer *pr, long *queued)
{
	unsigned long deadline = jiffies + 10 * HZ;
	int i, bad = 0;

	wait_for_completion(&pr->done);
	kthread_stop(pr->task);
	for (i = 0; i < NITEMS; i++) {
		*queued += atomic_read(&pr->items[i].queued);
		while (rtd_irq_work_is_busy(&pr->items[i].work) &&
		       time_before(jiffies, deadline))
			msleep(20);
		if (rtd_irq_work_is_busy(&pr->items[i].work))
			bad++;
	}
	if (bad)
		return bad;
	for (i = 0; i < NITEMS; i++) {
		rtd_irq_work_sync(&pr->items[i].work);
		if (atomic_read(&pr->items[i].queued) != atomic_read(&pr->items[i].runs))
			bad++;
	}
	kfree(pr);
	return bad;
}

static int storm_show(struct seq_file *m, void *v)
{
	struct producer **pr = kcalloc(nr_cpu_ids, sizeof(*pr), GFP_KERNEL);
	int cpu, n = 0, bad = 0;
	long queued = 0;

	if (failed(m, pr, "no memory"))
		goto out;
	WRITE_ONCE(stop_producers, false);
	cpus_read_lock();
	for_each_online_cpu(cpu)
		n++;
	for_each_online_cpu(cpu)
		pr[cpu] = producer_start(cpu, STORM / n, -1);
	cpus_read_unlock();
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (pr[cpu])
			bad += producer_finish(pr[cpu], &queued);
	if (failed(m, queued > 0, "nothing was queued"))
		goto out;
	if (failed(m, !bad, "%d items ran a different number of times than queued", bad))
		goto out;
	seq_printf(m, "ok %ld queued\n", queued);
out:
	kfree(pr);
	return 0;
}

/*
 * Hotplug: "hotplug_start" starts a producer on CPU 0 that queues onto CPU 1
 * (threaded and hard, plus items whose callbacks sleep so some stay pending)
 * until "hotplug_stop"; user space offlines and onlines CPU 1 in between.
 */
static struct producer *hp_producer;

static int hotplug_start_show(struct seq_file *m, void *v)
{
	if (failed(m, !hp_producer, "already started"))
		goto out;
	if (failed(m, num_online_cpus() >= 2 && cpu_online(1), "CPU 1 must be online"))
		goto out;
	WRITE_ONCE(stop_producers, false);
	hp_producer = producer_start(0, 0, 1);
	if (failed(m, hp_producer, "cannot start the producer"))
		goto out;
	seq_puts(m, "ok\n");
out:
	return 0;
}

static int hotplug_stop_show(struct seq_file *m, void *v)
{
	long queued = 0;
	int bad;

	if (failed(m, hp_producer, "not started"))
		goto out;
	WRITE_ONCE(stop_producers, true);
	bad = producer_finish(hp_producer, &queued);
	hp_producer = NULL;
	if (failed(m, queued > 0, "nothing was queued"))
		goto out;
	if (failed(m, !bad, "%d items ran a different number of times than queued", bad))
		goto out;
	seq_printf(m, "ok %ld queued\n", queued);
out:
	return 0;
}

/*
 * A LAZY item queued on a CPU going down after every per-CPU kthread of it
 * parked (the kernel's irq_work/N included): a kretprobe on
 * smpboot_park_threads() queues it from the CPU's hotplug thread right
 * there. On PREEMPT_RT only irq_work/N runs the kernel's lazy irq_work, so
 * a kernel LAZY kick queued now would stay claimed on the dead CPU, and
 * rtdefer's exit would wait for it until the CPU returns. "strand_arm"
 * arms the probe; user space takes CPU 1 down; "strand_result" waits until
 * the item ran (on another CPU); then both modules go with CPU 1 down.
 */
static atomic_t strand_armed, strand_queued, strand_ran;
static bool strand_registered;

static void strand_fn(struct rtd_irq_work *w)
{
	atomic_inc(&strand_ran);
}

static struct rtd_irq_work strand_item = RTD_IRQ_WORK_INIT_LAZY(strand_fn);

static int strand_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (smp_processor_id() == 1 && atomic_xchg(&strand_armed, 0))
		atomic_set(&strand_queued, rtd_irq_work_queue(&strand_item) ? 1 : 2);
	return 0;
}

static struct kretprobe strand_probe = {
	.kp.symbol_name = "smpboot_park_threads",
	.handler = strand_ret,
};

static void strand_disarm(void)
{
	atomic_set(&strand_armed, 0);
	if (strand_registered)
		unregister_kretprobe(&strand_probe);
	strand_registered = false;
}

static int strand_arm_show(struct seq_file *m, void *v)
{
	int ret;

	if (failed(m, cpu_online(1), "CPU 1 must be online"))
		return 0;
	atomic_set(&strand_queued, 0);
	atomic_set(&strand_ran, 0);
	ret = register_kretprobe(&strand_probe);
	if (failed(m, !ret, "kretprobe on smpboot_park_threads: %d", ret))
		return 0;
	strand_registered = true;
	atomic_set(&strand_armed, 1);
	seq_puts(m, "ok\n");
	return 0;
}

static int strand_result_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < 10000 && !atomic_read(&strand_ran); i++)
		usleep_range(500, 1000);
	strand_disarm();
	if (failed(m, atomic_read(&strand_queued) == 1,
		   "not queued from CPU 1's parking (%d)", atomic_read(&strand_queued)) ||
	    failed(m, atomic_read(&strand_ran) == 1, "ran %d times, want 1",
		   atomic_read(&strand_ran)))
		return 0;
	seq_puts(m, "ok\n");
	return 0;
}

/*
 * Unload while busy: "busy" queues threaded items whose callbacks sleep;
 * module exit must wait for them (rtd_irq_work_sync), or their text would
 * be gone under them.
 */
static struct probe *busy_probes[4];

static int busy_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(busy_probes); i++) {
		if (busy_probes[i])
			continue;
		busy_probes[i] = probe_new(0);
		if (failed(m, busy_probes[i], "no memory"))
			goto out;
		busy_probes[i]->sleep_ms = 300;
		if (failed(m, rtd_irq_work_queue_on(&busy_probes[i]->work,
						    i % num_online_cpus()),
			   "queue failed"))
			goto out;
	}
	seq_puts(m, "ok\n");
out:
	return 0;
}

/*
 * A CPU hotplug teardown callback syncs items stranded on the CPU that
 * died: its state is registered after rtdefer's, so it runs before
 * rtdefer's own dead callback moves them. The debug hook at the end of
 * CPU 1's irq_work thread parking queues a threaded and a LAZY item from
 * there (after the thread's last run: nothing runs them on CPU 1 any more).
 * "deadsync_arm" sets up the hook and the state; user space takes CPU 1
 * down (before rtdefer adopted in its sync calls, this hung the hotplug);
 * "deadsync_result" says what the callback saw.
 */
static struct probe *ds_probe[2];
static atomic_t ds_armed, ds_queued;
static int ds_state = -1;
static int ds_busy[2], ds_runs[2];

static void ds_park_hook(void *arg)
{
	int i;

	if (smp_processor_id() != 1 || !atomic_xchg(&ds_armed, 0))
		return;
	for (i = 0; i < 2; i++)
		if (rtd_irq_work_queue(&ds_probe[i]->work))
			atomic_inc(&ds_queued);
}

static int ds_dead(unsigned int cpu)
{
	int i;

	if (cpu != 1 || atomic_read(&ds_queued) != 2 || ds_busy[0] >= 0)
		return 0;
	for (i = 0; i < 2; i++)
		ds_busy[i] = rtd_irq_work_is_busy(&ds_probe[i]->work);
	for (i = 0; i < 2; i++) {
		rtd_irq_work_sync(&ds_probe[i]->work);
		ds_runs[i] = atomic_read(&ds_probe[i]->runs);
	}
	return 0;
}

static void ds_disarm(void)
{
	int i;

	atomic_set(&ds_armed, 0);
	rtd_debug_set_hook(RTD_HOOK_IW_PARKED, NULL);
	if (ds_state >= 0)
		cpuhp_remove_state_nocalls(ds_state);
	ds_state = -1;
	for (i = 0; i < 2; i++) {
		probe_free(ds_probe[i]);
		ds_probe[i] = NULL;
	}
}

static int deadsync_arm_show(struct seq_file *m, void *v)
{
	int i, ret;

	if (failed(m, cpu_online(1) && ds_state < 0, "CPU 1 must be online, not armed"))
		return 0;
	ds_probe[0] = probe_new(0);
	ds_probe[1] = probe_new(RTD_IRQ_WORK_LAZY);
	if (failed(m, ds_probe[0] && ds_probe[1], "no memory"))
		goto err;
	atomic_set(&ds_queued, 0);
	for (i = 0; i < 2; i++) {
		ds_busy[i] = -1;
		ds_runs[i] = -1;
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "rtd_test_iw:dead",
					NULL, ds_dead);
	if (failed(m, ret >= 0, "cpuhp state: %d", ret))
		goto err;
	ds_state = ret;
	rtd_debug_set_hook(RTD_HOOK_IW_PARKED, ds_park_hook);
	atomic_set(&ds_armed, 1);
	seq_puts(m, "ok\n");
	return 0;
err:
	ds_disarm();
	return 0;
}

static int deadsync_result_show(struct seq_file *m, void *v)
{
	int i;

	if (failed(m, ds_state >= 0, "not armed"))
		return 0;
	if (failed(m, atomic_read(&ds_queued) == 2, "%d of 2 items queued from CPU 1's parking",
		   atomic_read(&ds_queued)) ||
	    failed(m, ds_busy[0] == 1 && ds_busy[1] == 1,
		   "items not pending when the callback ran (%d %d): nothing stranded to test",
		   ds_busy[0], ds_busy[1]))
		goto out;
	for (i = 0; i < 2; i++)
		if (failed(m, ds_runs[i] == 1, "item %d: %d runs when its sync returned",
			   i, ds_runs[i]) ||
		    failed(m, ds_probe[i]->cpu != 1 && (ds_probe[i]->ctx & CTX_OUR_THREAD),
			   "item %d ran on CPU %d, context %#x", i, ds_probe[i]->cpu,
			   ds_probe[i]->ctx))
			goto out;
	seq_puts(m, "ok\n");
out:
	ds_disarm();
	return 0;
}

/* A static item set up with RTD_IRQ_WORK_INIT(): threaded, runs once. */
static atomic_t static_runs;
static int static_ctx;

static void static_fn(struct rtd_irq_work *w)
{
	static_ctx = current_ctx();
	atomic_inc(&static_runs);
}

static struct rtd_irq_work static_item = RTD_IRQ_WORK_INIT(static_fn);

static int static_init_show(struct seq_file *m, void *v)
{
	atomic_set(&static_runs, 0);
	if (failed(m, !rtd_irq_work_is_hard(&static_item),
		   "RTD_IRQ_WORK_INIT() made a HARD item") ||
	    failed(m, rtd_irq_work_queue(&static_item), "not queued"))
		return 0;
	rtd_irq_work_sync(&static_item);
	if (failed(m, atomic_read(&static_runs) == 1, "ran %d times, want 1",
		   atomic_read(&static_runs)) ||
	    failed(m, static_ctx & CTX_OUR_THREAD, "ran in context %#x", static_ctx))
		return 0;
	seq_puts(m, "ok\n");
	return 0;
}

#ifdef CONFIG_X86_LOCAL_APIC
/*
 * From NMI context: a self-NMI (an NMI IPI through the local APIC, whose
 * handler only acts while armed) queues one item of each kind on its CPU,
 * and tries rtd_irq_work_queue_on() for another CPU, which must be
 * refused without claiming the item (no IPI can be sent from NMI). The
 * DIRECT item goes first: it finds the thread's list empty and kicks, and
 * must kick through the interrupt.
 */
static const int nmi_kinds[] = {
	RTD_IRQ_WORK_DIRECT, 0, RTD_IRQ_WORK_HARD, RTD_IRQ_WORK_LAZY
};

static struct probe *nmi_probe[ARRAY_SIZE(nmi_kinds)], *nmi_remote;
static atomic_t nmi_armed, nmi_seen;
static bool nmi_queued[ARRAY_SIZE(nmi_kinds)], nmi_remote_ret, nmi_was_nmi;
static int nmi_target;

static int nmi_handler(unsigned int type, struct pt_regs *regs)
{
	int i;

	if (!atomic_xchg(&nmi_armed, 0))
		return NMI_DONE;
	nmi_was_nmi = in_nmi();
	for (i = 0; i < ARRAY_SIZE(nmi_kinds); i++)
		nmi_queued[i] = rtd_irq_work_queue(&nmi_probe[i]->work);
	nmi_remote_ret = rtd_irq_work_queue_on(&nmi_remote->work, nmi_target);
	atomic_inc(&nmi_seen);
	return NMI_HANDLED;
}

/* Send the self-NMI; the CPU it ran on, or -1 if it never came. */
static int nmi_fire(void)
{
	int cpu, i;

	preempt_disable();
	cpu = smp_processor_id();
	nmi_target = cpumask_any_but(cpu_online_mask, cpu);
	atomic_set(&nmi_armed, 1);
	apic->send_IPI_self(NMI_VECTOR);
	preempt_enable();
	for (i = 0; i < 10000 && !atomic_read(&nmi_seen); i++)
		usleep_range(500, 1000);
	return atomic_read(&nmi_seen) ? cpu : -1;
}

static bool nmi_check_runs(struct seq_file *m, int cpu)
{
	struct probe *p;
	int i;

	for (i = 0; i < ARRAY_SIZE(nmi_kinds); i++) {
		p = nmi_probe[i];
		if (failed(m, nmi_queued[i], "%s item not queued from NMI",
			   kind_name(nmi_kinds[i])) ||
		    failed(m, probe_wait(p), "%s item queued from NMI never ran",
			   kind_name(nmi_kinds[i])) ||
		    failed(m, p->cpu == cpu && (p->ctx & want_ctx(nmi_kinds[i])) ==
			   want_ctx(nmi_kinds[i]), "%s item ran on CPU %d (want %d), context %#x",
			   kind_name(nmi_kinds[i]), p->cpu, cpu, p->ctx))
			return false;
	}
	return true;
}

static int nmi_show(struct seq_file *m, void *v)
{
	int cpu, i, ret;

	if (failed(m, num_online_cpus() >= 2, "needs two CPUs"))
		return 0;
	nmi_remote = probe_new(0);
	ret = !nmi_remote;
	for (i = 0; i < ARRAY_SIZE(nmi_kinds); i++) {
		nmi_probe[i] = probe_new(nmi_kinds[i]);
		ret |= !nmi_probe[i];
	}
	if (failed(m, !ret, "no memory"))
		goto out;
	atomic_set(&nmi_seen, 0);
	WRITE_ONCE(kick_how, -1);
	WRITE_ONCE(kick_watch, &nmi_probe[0]->work);
	ret = rtd_debug_set_hook(RTD_HOOK_IW_KICK, kick_hook);
	if (failed(m, !ret, "set hook: %d", ret))
		goto out;
	ret = register_nmi_handler(NMI_LOCAL, nmi_handler, 0, "rtd_test_iw");
	if (failed(m, !ret, "register_nmi_handler: %d", ret))
		goto out;
	cpu = nmi_fire();
	unregister_nmi_handler(NMI_LOCAL, "rtd_test_iw");
	rtd_debug_set_hook(RTD_HOOK_IW_KICK, NULL);
	if (failed(m, cpu >= 0, "the self-NMI never came") ||
	    failed(m, nmi_was_nmi, "the handler did not run in NMI context") ||
	    !nmi_check_runs(m, cpu) ||
	    failed(m, !nmi_remote_ret && !rtd_irq_work_is_busy(&nmi_remote->work),
		   "queue_on another CPU from NMI: returned %d, busy %d", nmi_remote_ret,
		   rtd_irq_work_is_busy(&nmi_remote->work)))
		goto out;
	/* pairs with the release in kick_hook() */
	ret = smp_load_acquire(&kick_how);
	if (failed(m, ret == RTD_KICK_IRQ_WORK,
		   "direct item queued from NMI: kick %d, want the interrupt (%d)", ret,
		   RTD_KICK_IRQ_WORK))
		goto out;
	seq_puts(m, "ok\n");
out:
	rtd_debug_set_hook(RTD_HOOK_IW_KICK, NULL);
	WRITE_ONCE(kick_watch, NULL);
	for (i = 0; i < ARRAY_SIZE(nmi_kinds); i++) {
		probe_free(nmi_probe[i]);
		nmi_probe[i] = NULL;
	}
	probe_free(nmi_remote);
	nmi_remote = NULL;
	return 0;
}
#elif defined(CONFIG_ARM64)
/*
 * arm64 has NMIs only as GICv3 pseudo-NMIs (CONFIG_ARM64_PSEUDO_NMI,
 * booted with irqchip.gicv3_pseudo_nmi=1), and a module has no self-NMI
 * there; Debian's arm64 kernels (6.1 to 7.3) are all built without them.
 */
static int nmi_show(struct seq_file *m, void *v)
{
	if (!IS_ENABLED(CONFIG_ARM64_PSEUDO_NMI))
		seq_puts(m, "skip: arm64 kernel without NMIs (built without CONFIG_ARM64_PSEUDO_NMI)\n");
	else
		seq_puts(m, "skip: arm64: no self-NMI a module can send (pseudo-NMI kernel)\n");
	return 0;
}
#else
static int nmi_show(struct seq_file *m, void *v)
{
	seq_puts(m, "skip: no self-NMI on this architecture\n");
	return 0;
}
#endif

static const struct rtd_check checks[] = {
	{ "ctx_task", ctx_task_show },
	{ "clock_behind", clock_behind_show },
	{ "from_ctx", from_ctx_show },
	{ "direct", direct_show },
	{ "nmi", nmi_show },
	{ "sleep_requeue", sleep_requeue_show },
	{ "claim", claim_show },
	{ "requeue_remote", requeue_remote_show },
	{ "sync", sync_show },
	{ "static_init", static_init_show },
	{ "remote", remote_show },
	{ "queue_on_bad", queue_on_bad_show },
	{ "storm", storm_show },
	{ "hotplug_start", hotplug_start_show },
	{ "hotplug_stop", hotplug_stop_show },
	{ "busy", busy_show },
	{ "strand_arm", strand_arm_show },
	{ "strand_result", strand_result_show },
	{ "deadsync_arm", deadsync_arm_show },
	{ "deadsync_result", deadsync_result_show },
};

static struct dentry *dir;

static int __init rtd_test_iw_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(our_thread, cpu) = rtd_debug_class_thread("irq_work", cpu);
	dir = rtd_checks_create("rtd_test_iw", checks, ARRAY_SIZE(checks));
	return 0;
}

static void __exit rtd_test_iw_exit(void)
{
	int i;

	debugfs_remove_recursive(dir);
	strand_disarm();
	ds_disarm();
	if (hp_producer) {
		long queued = 0;

		WRITE_ONCE(stop_producers, true);
		producer_finish(hp_producer, &queued);
	}
	for (i = 0; i < ARRAY_SIZE(busy_probes); i++) {
		if (!busy_probes[i])
			continue;
		rtd_irq_work_sync(&busy_probes[i]->work);
		kfree(busy_probes[i]);
	}
}

module_init(rtd_test_iw_init);
module_exit(rtd_test_iw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer irq_work checks used by rtdefer's own tests");
RTD_MODULE_IMPORT_NS();
