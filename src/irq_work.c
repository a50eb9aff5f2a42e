// SPDX-License-Identifier: GPL-2.0
/*
 * Threaded irq_work: PREEMPT_RT's split of kernel/irq_work.c for every
 * kernel. HARD items run in hardirq context from a kernel irq_work of our
 * own (a HARD one, so it stays in hardirq on PREEMPT_RT too); all others run
 * in the per-CPU irq_work/N thread.
 *
 * Per CPU there are three lock-free lists (llist): hard, thread and lazy.
 * The first item added to an empty list kicks its runner:
 *  - hard:   the kernel irq_work @hard_kick (self-IPI), NMI-safe;
 *  - thread: wake_up_process() of the thread where that is safe (not NMI,
 *            and interrupts on unless the item is DIRECT: its owner
 *            promised never to queue it under a scheduler lock), else
 *            @hard_kick, whose handler wakes the thread;
 *  - lazy:   the kernel LAZY irq_work @lazy_kick, which the kernel runs at
 *            the next tick or at once when the tick is stopped, and whose
 *            handler wakes the thread (@hard_kick on a CPU going down).
 * Remote queueing adds to the target CPU's list and kicks that CPU: the
 * thread is woken directly, or an IPI (smp_call_function_single_async) does
 * there what @hard_kick does.
 *
 * Hotplug: the thread runs what is left on its lists when it parks; whatever
 * arrives later on the dying CPU is moved, after it died, to the CPU that ran
 * the hotplug operation and kicked there. Nothing is dropped or run twice:
 * an item is on exactly one list until a runner takes it off with
 * llist_del_all().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/hardirq.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/smpboot.h>
#include <linux/wait_bit.h>
#include <rtdefer/irq_work.h>

#include "compat/compat.h"
#include "debug_hook.h"
#include "internal.h"

struct rtd_iw_cpu {
	struct llist_head hard;
	struct llist_head thread;
	struct llist_head lazy;
	struct irq_work hard_kick;
	struct irq_work lazy_kick;
	call_single_data_t csd;
	atomic_t csd_queued;
	bool lazy_ok;
};

static DEFINE_PER_CPU(struct rtd_iw_cpu, rtd_iw);
static DEFINE_PER_CPU(struct task_struct *, rtd_iw_task);
static enum cpuhp_state rtd_iw_hp_state;
static enum cpuhp_state rtd_iw_online_state;

static void rtd_iw_wake_thread(unsigned int cpu)
{
	wake_up_process(per_cpu(rtd_iw_task, cpu));
}

/* Claim the item as mainline does; false if it was pending already. */
static bool rtd_iw_claim(struct rtd_irq_work *work, int *flags)
{
	int old = atomic_read(&work->flags);

	if (unlikely(!(old & RTD_IRQ_WORK_INIT_MAGIC))) {
		rtd_misuse("queueing an uninitialised irq_work item %ps: ignored\n",
			   work->func);
		return false;
	}
	old = atomic_fetch_or(RTD_IRQ_WORK_PENDING, &work->flags);
	*flags = old;
	return !(old & RTD_IRQ_WORK_PENDING);
}

static void rtd_iw_run_one(struct rtd_irq_work *work)
{
	rtd_irq_work_fn_t fn = work->func;
	/* read while PENDING keeps a new queueing from writing it */
	u64 queued_ns = work->queued_ns;

	/*
	 * Count the run and clear PENDING in one fully ordered step: from
	 * here on the item may be queued again, and stays busy until the
	 * count drops.
	 */
	atomic_add_return(RTD_IRQ_WORK_RUN_ONE - RTD_IRQ_WORK_PENDING, &work->flags);
	rtd_obs_start(RTD_FAC_IRQ_WORK, fn, queued_ns);
	fn(work);
	rtd_obs_end(RTD_FAC_IRQ_WORK, fn);
	rtd_debug_hook(RTD_HOOK_IW_CALLBACK_DONE, work);
	/* The callback's effects are visible before the item reads idle. */
	smp_mb__before_atomic();
	atomic_sub(RTD_IRQ_WORK_RUN_ONE, &work->flags);
}

static void rtd_iw_run_list(struct llist_head *list, bool threaded)
{
	struct llist_node *node = llist_reverse_order(llist_del_all(list));
	struct rtd_irq_work *work, *tmp;

	llist_for_each_entry_safe(work, tmp, node, llnode) {
		rtd_iw_run_one(work);
		if (threaded) {
			/*
			 * Wake rtd_irq_work_sync() waiters: order the end of
			 * the run before wake_up_var()'s waitqueue check,
			 * pairing with the barrier in wait_var_event().
			 */
			smp_mb__after_atomic();
			wake_up_var(work);
			cond_resched();
		}
	}
}

/* @hard_kick: hardirq context on the CPU whose lists these are. */
static void rtd_iw_hard_kick_fn(struct irq_work *kick)
{
	struct rtd_iw_cpu *c = container_of(kick, struct rtd_iw_cpu, hard_kick);

	rtd_iw_run_list(&c->hard, false);
	if (!llist_empty(&c->thread) || !llist_empty(&c->lazy))
		rtd_iw_wake_thread(smp_processor_id());
}

static void rtd_iw_lazy_kick_fn(struct irq_work *kick)
{
	rtd_iw_wake_thread(smp_processor_id());
}

/*
 * IPI from a remote queueing: run this CPU's HARD items and wake its
 * thread, in the IPI's own hardirq, so that a remote queueing costs one
 * interrupt, as mainline's irq_work_queue_on() does. A CPU that found the
 * IPI pending while idle runs it from the idle loop instead (not hardirq
 * context): then the kick is queued and runs in the next interrupt, where
 * HARD items belong.
 *
 * csd_queued is cleared first: a remote queueing that still read it set
 * added its item before that, and full barriers (this atomic_xchg() and
 * the one in rtd_iw_queue_remote() after its llist_add()) order the item
 * before this handler's llist_del_all() and llist_empty(); one that read
 * it clear sends an IPI of its own. rtd_iw_sync_kicks() waits for a
 * handler that is past the clear.
 */
static void rtd_iw_csd_fn(void *info)
{
	struct rtd_iw_cpu *c = info;

	if (!in_hardirq()) {
		irq_work_queue(&c->hard_kick);
		/* after the kick is claimed: exit then finds the kick busy */
		atomic_xchg(&c->csd_queued, 0);
		return;
	}
	atomic_xchg(&c->csd_queued, 0);
	rtd_iw_hard_kick_fn(&c->hard_kick);
}

/*
 * Whether the thread may be woken from here: not from NMI, and with
 * interrupts off only for an item whose owner promised to queue it under
 * no scheduler lock (RTD_IRQ_WORK_DIRECT, see rtd_init_irq_work_direct()).
 */
static bool rtd_iw_can_wake(int flags)
{
	if (in_nmi())
		return false;
	return (flags & RTD_IRQ_WORK_DIRECT) || !irqs_disabled();
}

static void rtd_iw_note_kick(struct rtd_irq_work *work, int cpu,
			     enum rtd_hook_kick how)
{
	struct rtd_hook_iw_kick kick = { .work = work, .cpu = cpu, .how = how };

	rtd_debug_hook(RTD_HOOK_IW_KICK, &kick);
}

/* The first threaded item on @cpu's empty list: get the thread going. */
static void rtd_iw_kick_thread(struct rtd_irq_work *work, int flags, int cpu)
{
	struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

	if (rtd_iw_can_wake(flags)) {
		rtd_iw_note_kick(work, cpu, RTD_KICK_WAKE);
		rtd_iw_wake_thread(cpu);
	} else if (cpu == smp_processor_id()) {
		rtd_iw_note_kick(work, cpu, RTD_KICK_IRQ_WORK);
		irq_work_queue(&c->hard_kick);
	} else if (!atomic_xchg(&c->csd_queued, 1)) {
		rtd_iw_note_kick(work, cpu, RTD_KICK_IPI);
		smp_call_function_single_async(cpu, &c->csd);
	}
}

/* Preemption disabled: add to this CPU's lists and kick. */
static void rtd_iw_queue_local(struct rtd_irq_work *work, int flags)
{
	struct rtd_iw_cpu *c = this_cpu_ptr(&rtd_iw);
	int cpu = smp_processor_id();

	work->queued_ns = rtd_obs_queued(RTD_FAC_IRQ_WORK, work->func, cpu);
	if (flags & RTD_IRQ_WORK_HARD) {
		if (llist_add(&work->llnode, &c->hard))
			irq_work_queue(&c->hard_kick);
	} else if (flags & RTD_IRQ_WORK_LAZY) {
		if (!llist_add(&work->llnode, &c->lazy))
			return;
		rtd_iw_note_kick(work, cpu, RTD_KICK_LAZY);
		irq_work_queue(READ_ONCE(c->lazy_ok) ? &c->lazy_kick : &c->hard_kick);
	} else if (llist_add(&work->llnode, &c->thread)) {
		rtd_iw_kick_thread(work, flags, cpu);
	}
}

/* Preemption disabled, @cpu online and not this CPU. */
static void rtd_iw_queue_remote(struct rtd_irq_work *work, int flags, int cpu)
{
	struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

	work->queued_ns = rtd_obs_queued(RTD_FAC_IRQ_WORK, work->func, cpu);
	if (flags & RTD_IRQ_WORK_HARD) {
		if (llist_add(&work->llnode, &c->hard) &&
		    !atomic_xchg(&c->csd_queued, 1))
			smp_call_function_single_async(cpu, &c->csd);
	} else if (llist_add(&work->llnode, &c->thread)) {
		rtd_iw_kick_thread(work, flags, cpu);
	}
}

/**
 * rtd_irq_work_queue() - queue an item on the current CPU
 * @work: the item, set up with RTD_IRQ_WORK_INIT*() or rtd_init_irq_work()
 *
 * HARD items run in hardirq context on this CPU; all others run in this
 * CPU's irq_work/N thread, LAZY ones possibly only after the next tick.
 * Queueing an uninitialised item is reported once and ignored.
 *
 * Context: Any context, NMI included. Lock-free; does not sleep.
 * Return: true if queued, false if it was already pending (it will run once).
 */
bool rtd_irq_work_queue(struct rtd_irq_work *work)
{
	int flags;

	if (!rtd_iw_claim(work, &flags))
		return false;
	preempt_disable();
	rtd_iw_queue_local(work, flags);
	preempt_enable();
	return true;
}
EXPORT_SYMBOL_RTDEFER(rtd_irq_work_queue);

/**
 * rtd_irq_work_queue_on() - queue an item on a given CPU
 * @work: the item
 * @cpu: the CPU to run it on; may be the current CPU
 *
 * Like rtd_irq_work_queue() but runs @work on @cpu. The callback observes
 * every store the caller made before this call. Remote queueing from NMI
 * context is refused (IPIs cannot be sent from NMI), as is an invalid or
 * offline @cpu; then the item is not claimed and nothing changes. If @cpu
 * goes offline after the item was queued, the item runs on another CPU.
 *
 * Context: Any context; NMI only for the current CPU. Does not sleep.
 * Return: true if queued; false if already pending, or refused as above.
 */
bool rtd_irq_work_queue_on(struct rtd_irq_work *work, int cpu)
{
	bool queued = false;
	int flags;

	if (cpu < 0 || cpu >= nr_cpu_ids)
		return false;
	/* With preemption off, @cpu cannot finish going offline under us. */
	preempt_disable();
	if (!cpu_online(cpu))
		goto out;
	if (cpu != smp_processor_id() && in_nmi())
		goto out;
	if (!rtd_iw_claim(work, &flags))
		goto out;
	if (cpu == smp_processor_id())
		rtd_iw_queue_local(work, flags);
	else
		rtd_iw_queue_remote(work, flags, cpu);
	queued = true;
out:
	preempt_enable();
	return queued;
}
EXPORT_SYMBOL_RTDEFER(rtd_irq_work_queue_on);

/* Move a list of a dead CPU to this CPU's, keeping the order. */
static void rtd_iw_adopt(struct llist_head *from, struct llist_head *to,
			 struct irq_work *kick)
{
	struct llist_node *first = llist_del_all(from), *last;

	if (!first)
		return;
	for (last = first; last->next; last = last->next)
		rtd_stat_add(RTD_FAC_IRQ_WORK, RTD_STAT_MIGRATED, 1);
	rtd_stat_add(RTD_FAC_IRQ_WORK, RTD_STAT_MIGRATED, 1);
	llist_add_batch(first, last, to);
	irq_work_queue(kick);
}

/* cpuhp teardown, on a live CPU after @cpu died. */
static int rtd_iw_cpu_dead(unsigned int cpu)
{
	struct rtd_iw_cpu *dead = per_cpu_ptr(&rtd_iw, cpu), *here;

	here = get_cpu_ptr(&rtd_iw);
	rtd_iw_adopt(&dead->hard, &here->hard, &here->hard_kick);
	rtd_iw_adopt(&dead->thread, &here->thread, &here->hard_kick);
	rtd_iw_adopt(&dead->lazy, &here->lazy, &here->hard_kick);
	put_cpu_ptr(&rtd_iw);
	return 0;
}

/*
 * Adopt what a CPU that went offline left on its lists, before the hotplug
 * operation's own adoption does: a CPU hotplug teardown callback registered
 * after rtdefer's runs before it, and may wait for such an item. Only a CPU
 * in the middle of going down can hold items while offline (queueing on an
 * offline CPU is refused), and then adopting twice is harmless: each list
 * is taken by one llist_del_all().
 */
static void rtd_iw_adopt_stranded(void)
{
	struct rtd_iw_cpu *c;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			continue;
		c = per_cpu_ptr(&rtd_iw, cpu);
		if (!llist_empty(&c->hard) || !llist_empty(&c->thread) ||
		    !llist_empty(&c->lazy))
			rtd_iw_cpu_dead(cpu);
	}
}

/**
 * rtd_irq_work_sync() - wait until the item's callback is not running
 * @work: the item
 *
 * Returns once @work is neither pending nor running. Threaded items are
 * waited for by sleeping; HARD items, whose callbacks are short and run in
 * hardirq context, by polling. Any number of callers may wait at once. An
 * item re-queued meanwhile is waited for again, on whichever CPU it runs.
 * An item left queued on a CPU that went offline is moved to the caller's
 * CPU and run there first, so a CPU hotplug teardown callback of any state
 * may wait for an item queued on the CPU that died.
 *
 * Context: Process context; may sleep. Not from the item's own callback.
 * Called with interrupts off, in interrupt context or (on kernels that count
 * preemption) under a spinlock, it reports "API misuse" once and returns
 * without waiting.
 */
void rtd_irq_work_sync(struct rtd_irq_work *work)
{
	if (rtd_cannot_sleep()) {
		rtd_misuse("%s(%ps) from atomic context: not waiting\n",
			   __func__, work->func);
		return;
	}
	rtd_iw_adopt_stranded();
	if (rtd_irq_work_is_hard(work)) {
		while (rtd_irq_work_is_busy(work))
			cpu_relax();
	} else {
		wait_var_event(work, !rtd_irq_work_is_busy(work));
	}
	/*
	 * The wait ended on a plain read of the run count: order the
	 * caller's reads after it, so that they see the callback's stores.
	 * Pairs with smp_mb__before_atomic() in rtd_iw_run_one()
	 * (tests/lkmm/iw-sync-effects.litmus).
	 */
	smp_acquire__after_ctrl_dep();
}
EXPORT_SYMBOL_RTDEFER(rtd_irq_work_sync);

static int rtd_iw_should_run(unsigned int cpu)
{
	struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

	return !llist_empty(&c->thread) || !llist_empty(&c->lazy);
}

static void rtd_iw_thread_fn(unsigned int cpu)
{
	struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

	rtd_iw_run_list(&c->thread, true);
	rtd_iw_run_list(&c->lazy, true);
}

static void rtd_iw_thread_park(unsigned int cpu)
{
	rtd_iw_thread_fn(cpu);
	rtd_debug_hook(RTD_HOOK_IW_PARKED, NULL);
}

static struct smp_hotplug_thread rtd_iw_threads = {
	.store			= &rtd_iw_task,
	.thread_should_run	= rtd_iw_should_run,
	.thread_fn		= rtd_iw_thread_fn,
	.park			= rtd_iw_thread_park,
	.thread_comm		= "irq_work/%u",
};

static struct rtd_pcpu_class rtd_iw_class =
	RTD_PCPU_CLASS("irq_work", &rtd_iw_threads);

/* cpuhp online, on @cpu: the kernel runs lazy kicks there again. */
static int rtd_iw_cpu_online(unsigned int cpu)
{
	WRITE_ONCE(per_cpu_ptr(&rtd_iw, cpu)->lazy_ok, true);
	return 0;
}

/*
 * cpuhp teardown, on @cpu going down, before its kthreads park. On
 * PREEMPT_RT only the kernel's irq_work/N runs a kernel LAZY irq_work: a
 * lazy kick queued after that thread parked would stay claimed on the dead
 * CPU, and exit would wait for it until the CPU returns. So LAZY items kick
 * through @hard_kick from now on (a HARD irq_work, which the CPU runs until
 * it dies), and the lazy kick queued before is waited for here. Same CPU
 * as every queueing of it: no barrier needed.
 */
static int rtd_iw_cpu_down_prep(unsigned int cpu)
{
	struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

	WRITE_ONCE(c->lazy_ok, false);
	irq_work_sync(&c->lazy_kick);
	return 0;
}

static void rtd_iw_init_cpu(unsigned int cpu)
{
	struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

	init_llist_head(&c->hard);
	init_llist_head(&c->thread);
	init_llist_head(&c->lazy);
	rtd_init_kernel_irq_work(&c->hard_kick, rtd_iw_hard_kick_fn, IRQ_WORK_HARD_IRQ);
	rtd_init_kernel_irq_work(&c->lazy_kick, rtd_iw_lazy_kick_fn, IRQ_WORK_LAZY);
	rtd_init_csd(&c->csd, rtd_iw_csd_fn, c);
	atomic_set(&c->csd_queued, 0);
}

/* Wait until no kick of ours is queued or running anywhere. */
static void rtd_iw_sync_kicks(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

		/* pairs with the atomic_xchg() in rtd_iw_csd_fn() */
		while (atomic_read_acquire(&c->csd_queued))
			schedule_timeout_uninterruptible(1);
	}
	/*
	 * A handler past its clear still runs, with interrupts off: an RCU
	 * read-side critical section, waited for here.
	 */
	synchronize_rcu();
	for_each_possible_cpu(cpu) {
		struct rtd_iw_cpu *c = per_cpu_ptr(&rtd_iw, cpu);

		irq_work_sync(&c->hard_kick);
		irq_work_sync(&c->lazy_kick);
	}
}

/**
 * rtd_irq_work_init() - start threaded irq_work
 *
 * Context: Module init, may sleep.
 * Return: 0 or a negative errno, with nothing left behind.
 */
int rtd_irq_work_init(void)
{
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu)
		rtd_iw_init_cpu(cpu);
	ret = rtd_pcpu_class_register(&rtd_iw_class);
	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "rtdefer/irq_work:dead",
					NULL, rtd_iw_cpu_dead);
	if (ret < 0)
		goto err_threads;
	rtd_iw_hp_state = ret;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "rtdefer/irq_work:online",
				rtd_iw_cpu_online, rtd_iw_cpu_down_prep);
	if (ret < 0)
		goto err_dead;
	rtd_iw_online_state = ret;
	return 0;

err_dead:
	cpuhp_remove_state_nocalls(rtd_iw_hp_state);
err_threads:
	rtd_pcpu_class_unregister(&rtd_iw_class);
	return ret;
}

/**
 * rtd_irq_work_exit() - stop threaded irq_work
 *
 * Runs at module exit, when no consumer module is left: every item still
 * queued is run, then the threads stop. No callback runs after this returns.
 *
 * Context: Module exit, may sleep.
 */
void rtd_irq_work_exit(void)
{
	cpuhp_remove_state_nocalls(rtd_iw_online_state);
	cpuhp_remove_state_nocalls(rtd_iw_hp_state);
	/* Kicks first: their handlers wake the threads. */
	rtd_iw_sync_kicks();
	/* Parking runs what is left on each thread's lists. */
	rtd_pcpu_class_unregister(&rtd_iw_class);
}
