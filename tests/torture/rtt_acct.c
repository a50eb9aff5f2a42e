// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture: accounting. Items are claimed by their producer, stamped with
 * a sequence number and the CPU they go to, and handed back when their
 * callback runs or a cancel takes them back. Each callback checks that its
 * queueing had not been run already, that it runs on the promised CPU (or
 * that CPU went offline since), and, for items queued locally with IRQs
 * off, that it did not overtake an earlier item of the same queue and CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "debug_hook.h"
#include "rtt.h"

static DEFINE_PER_CPU(u64, rtt_seq);
static DEFINE_PER_CPU(struct task_struct *, rtt_iw_thread);
static DEFINE_PER_CPU(struct task_struct *, rtt_timer_thread);

/**
 * rtt_note_threads() - note rtdefer's threads of every CPU, before the run
 *
 * Context: Process context (module init).
 */
void rtt_note_threads(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		per_cpu(rtt_iw_thread, cpu) = rtd_debug_class_thread("irq_work", cpu);
		per_cpu(rtt_timer_thread, cpu) = rtd_debug_class_thread("timer", cpu);
	}
}

/**
 * rtt_in_thread() - whether this runs in rtdefer's thread @t of this CPU
 * @t: the class
 *
 * By task, not by name: PREEMPT_RT kernels have irq_work/N and ktimers/N
 * threads of their own.
 */
bool rtt_in_thread(enum rtt_thread t)
{
	int cpu = raw_smp_processor_id();

	return in_task() && current == (t == RTT_THREAD_IW ? per_cpu(rtt_iw_thread, cpu) :
					per_cpu(rtt_timer_thread, cpu));
}

#define RTT_SEQ_CPU_BITS	8

/**
 * rtt_claim() - take an idle item for queueing
 * @it: the item
 *
 * Return: true if the caller owns it now.
 */
bool rtt_claim(struct rtt_item *it)
{
	return atomic_cmpxchg(&it->owned, 0, 1) == 0;
}

/**
 * rtt_stamp() - record where and in which order an item is queued
 * @it: the item, owned by the caller
 * @cpu: the CPU it is queued to (-1: any)
 * @ordered: queued to this CPU with IRQs off, so FIFO order applies
 */
void rtt_stamp(struct rtt_item *it, int cpu, bool ordered)
{
	int here = get_cpu();

	it->cpu = cpu;
	it->alt_cpu = it->kind->behind_itself ? it->prev_cpu : -1;
	/*
	 * An item queued while its callback still runs elsewhere goes behind
	 * itself there (BH work, timers): no order against that CPU's items.
	 */
	it->ordered = ordered && (it->alt_cpu < 0 || it->alt_cpu == cpu);
	it->gen = cpu >= 0 ? rtt_cpu_gen(cpu) : 0;
	it->seq = (this_cpu_inc_return(rtt_seq) << RTT_SEQ_CPU_BITS) | here;
	put_cpu();
}

/**
 * rtt_release() - hand an item back to the producers
 * @it: the item
 */
void rtt_release(struct rtt_item *it)
{
	atomic_set_release(&it->owned, 0);
}

/**
 * rtt_bad() - count and report (a few times) a broken promise
 * @counter: the kind's counter of this failure
 * @it: the item
 * @what: what went wrong
 */
void rtt_bad(atomic_long_t *counter, struct rtt_item *it, const char *what)
{
	if (atomic_long_inc_return(counter) <= 3)
		pr_err("%s: %s (seq %llu cpu %d on cpu %d)\n", it->kind->name,
		       what, it->seq >> RTT_SEQ_CPU_BITS, it->cpu,
		       raw_smp_processor_id());
}

static void rtt_check_order(struct rtt_item *it, u64 seq, int run)
{
	struct rtt_kind *k = it->kind;
	unsigned int origin = seq & ((1U << RTT_SEQ_CPU_BITS) - 1);
	unsigned long *last = &k->last[origin * nr_cpu_ids + run];
	u64 n = seq >> RTT_SEQ_CPU_BITS;

	if (n <= READ_ONCE(*last))
		rtt_bad(&k->bad_order, it, "overtook an earlier item");
	WRITE_ONCE(*last, n);
}

/**
 * rtt_cb_start() - what every callback does first
 * @it: the item
 * @ctx_ok: whether the callback runs in the context its queue promises
 */
void rtt_cb_start(struct rtt_item *it, bool ctx_ok)
{
	struct rtt_kind *k = it->kind;
	int run = raw_smp_processor_id();
	u64 seq = READ_ONCE(it->seq);

	/*
	 * BH items and timers never run concurrently with themselves. An
	 * irq_work item may (re-queued elsewhere while it runs), but no
	 * torture item is: its owner queues it again only after its callback
	 * ended, or from the callback onto the CPU it runs on. So an overlap
	 * is a bug everywhere here.
	 */
	if (atomic_inc_return(&it->in_cb) != 1)
		rtt_bad(&k->overlap, it, "ran concurrently with itself");
	if (it->ran_seq == seq)
		rtt_bad(&k->dup, it, "ran twice for one queueing");
	it->ran_seq = seq;
	if (!ctx_ok)
		rtt_bad(&k->bad_ctx, it, "wrong context");
	it->prev_cpu = run;
	if (it->cpu >= 0 && run != it->cpu && run != it->alt_cpu &&
	    !rtt_cpu_moved(it->cpu, it->gen))
		rtt_bad(&k->bad_cpu, it, "ran on another CPU, its own stayed online");
	if (it->ordered && run < nr_cpu_ids)
		rtt_check_order(it, seq, run);
	atomic_long_inc(&k->ran);
}

/**
 * rtt_cb_end() - what every callback does last: hand the item back
 * @it: the item; not to be touched afterwards
 */
void rtt_cb_end(struct rtt_item *it)
{
	atomic_dec(&it->in_cb);
	rtt_release(it);
}

/**
 * rtt_queued() - account for a queueing call
 * @it: the item, owned by the caller
 * @ok: what the call returned
 * @refusal_ok: a refusal has a documented reason right now
 */
void rtt_queued(struct rtt_item *it, bool ok, bool refusal_ok)
{
	if (ok) {
		atomic_long_inc(&it->kind->queued);
		return;
	}
	if (refusal_ok)
		atomic_long_inc(&it->kind->refused);
	else
		rtt_bad(&it->kind->bad_ret, it, "queueing refused an idle item");
	rtt_release(it);
}

/**
 * rtt_cancelled() - account for a cancel that took a pending item back
 * @it: the item; its callback must not be running
 */
void rtt_cancelled(struct rtt_item *it)
{
	atomic_long_inc(&it->kind->cancelled);
	rtt_release(it);
}

/**
 * rtt_dropped() - account for an expiry dropped because its bound task exited
 * @it: the item; its callback must not be running
 */
void rtt_dropped(struct rtt_item *it)
{
	atomic_long_inc(&it->kind->dropped);
	rtt_release(it);
}

/**
 * rtt_settle() - at the end, wait (until @deadline) for an item to come back
 * @it: the item
 * @deadline: in jiffies
 */
void rtt_settle(struct rtt_item *it, unsigned long deadline)
{
	while (atomic_read_acquire(&it->owned) && time_before(jiffies, deadline))
		msleep(20);
}

/**
 * rtt_kind_account() - at the end, with everything quiet: count the lost
 * @k: the kind
 * @it: one of its items
 */
void rtt_kind_account(struct rtt_kind *k, struct rtt_item *it)
{
	if (atomic_read(&it->owned))
		rtt_bad(&k->lost, it, "queued, never ran, not cancelled");
}

int rtt_kind_init(struct rtt_kind *k, const char *name, bool behind_itself)
{
	k->name = name;
	k->behind_itself = behind_itself;
	k->last = kcalloc(nr_cpu_ids * nr_cpu_ids, sizeof(*k->last), GFP_KERNEL);
	return k->last ? 0 : -ENOMEM;
}

void rtt_kind_free(struct rtt_kind *k)
{
	kfree(k->last);
	k->last = NULL;
}

static long rtt_n(atomic_long_t *counter)
{
	return atomic_long_read(counter);
}

/**
 * rtt_kind_report() - one KTAP line for a kind, and its counts
 * @k: the kind
 * @test: the KTAP test number, advanced
 *
 * Return: true if every queueing was accounted for and nothing broke.
 */
bool rtt_kind_report(struct rtt_kind *k, int *test)
{
	long q = rtt_n(&k->queued), r = rtt_n(&k->ran), c = rtt_n(&k->cancelled);
	long d = rtt_n(&k->dropped);
	long bad = rtt_n(&k->dup) + rtt_n(&k->bad_ctx) + rtt_n(&k->bad_cpu) +
		   rtt_n(&k->bad_order) + rtt_n(&k->bad_ret) + rtt_n(&k->lost) +
		   rtt_n(&k->overlap);
	bool ok = q > 0 && q == r + c + d && !bad;

	pr_info("ktap: # %s: queued %ld ran %ld cancelled %ld dropped %ld refused %ld lost %ld dup %ld ctx %ld cpu %ld order %ld ret %ld overlap %ld\n",
		k->name, q, r, c, d, rtt_n(&k->refused), rtt_n(&k->lost), rtt_n(&k->dup),
		rtt_n(&k->bad_ctx), rtt_n(&k->bad_cpu), rtt_n(&k->bad_order), rtt_n(&k->bad_ret),
		rtt_n(&k->overlap));
	pr_info("ktap: %s %d %s\n", ok ? "ok" : "not ok", ++*test, k->name);
	return ok;
}
