// SPDX-License-Identifier: GPL-2.0
/*
 * Deferred timers: the hardirq part (a HARD hrtimer) runs the optional quick
 * check and hands the expiry on; the callback runs in the expiring CPU's
 * ktimers/N thread (this file) or in a bound task (timer_task.c).
 *
 * State (rtd_timer.state):
 *  PENDING  an expiry waits to be delivered; set by the hardirq part (if it
 *           was set already, the expiry is an overrun), cleared by the runner
 *           when it starts the callback, or by a cancel;
 *  RUNNING  the callback runs (thread or task); cancels wait for it.
 * A delivered expiry waits on the per-CPU queue of a ktimers thread, under
 * that queue's lock; rtd_timer.qcpu says which queue (1 + CPU, 0: none) and
 * changes only under the lock of the queue it names. The thread takes a
 * timer off its queue and claims the expiry in one locked step; a cancel
 * takes a queued, unclaimed expiry off the queue itself, so it never waits
 * for a thread to get to it (that thread may be the caller, running
 * another timer's callback) and, once it returns, no thread touches the
 * timer again.
 * A timer's callback never runs concurrently with itself: an expiry that
 * comes while it runs stays PENDING and the running side runs it next; the
 * queue entry its hardirq part made is then stale (not PENDING): the
 * thread skips it, and a cancel that takes it off does not report it.
 * rtd_timer_cancel() bumps cancel_seq: a callback that was running across
 * it is not re-armed even if it returns RTD_TIMER_RESTART; the thread then
 * sets DROPPED, and the waiting cancel reports the stopped re-arm (returns
 * 1, as hrtimer_cancel() does for a restart it then cancels). A cancel from
 * the callback itself sets SELF_CANCEL instead: nobody waits to be told.
 * rtd_timer_try_to_cancel() leaves a running callback alone, as mainline.
 *
 * A quick check that declines an expiry of a periodic timer keeps its
 * period: the hardirq part moves the expiry on by the interval the callback
 * last forwarded it by (rtd_timer.period) and re-arms it, as the callback
 * would have. The period is forgotten when the callback returns
 * RTD_TIMER_NORESTART and when the timer is cancelled.
 *
 * Hotplug: the kernel migrates a dying CPU's hrtimers; the ktimers thread
 * runs its list when it parks, and whatever reaches the dying CPU's list
 * later is moved, once the CPU is dead, to the CPU running the hotplug
 * operation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smpboot.h>
#include <linux/wait_bit.h>
#include <rtdefer/timer.h>

#include "compat/compat.h"
#include "debug_hook.h"
#include "internal.h"
#include "timer_internal.h"

/* A ktimers thread's queue of delivered expiries. */
struct rtd_ktimers_queue {
	raw_spinlock_t lock;
	struct list_head list;
};

static DEFINE_PER_CPU(struct rtd_ktimers_queue, rtd_ktimers_q);
static DEFINE_PER_CPU(struct task_struct *, rtd_ktimers_task);
static enum cpuhp_state rtd_timer_hp_state;

static void rtd_timer_setup(struct rtd_timer *timer,
			    enum rtd_timer_restart (*fn)(struct rtd_timer *),
			    clockid_t clockid, enum hrtimer_mode mode, bool on_stack)
{
	if (timer->hrt.function == rtd_timer_hard_fn &&
	    (rtd_timer_active(timer) || READ_ONCE(timer->qcpu))) {
		rtd_misuse("initialising an active rtd_timer %ps: ignored\n",
			   timer->function);
		return;
	}
	if (on_stack)
		rtd_hrtimer_setup_on_stack(&timer->hrt, rtd_timer_hard_fn, clockid,
					   mode | HRTIMER_MODE_HARD);
	else
		rtd_hrtimer_setup(&timer->hrt, rtd_timer_hard_fn, clockid,
				  mode | HRTIMER_MODE_HARD);
	timer->function = fn;
	timer->check = NULL;
	atomic_set(&timer->state, 0);
	atomic_set(&timer->cancel_seq, 0);
	atomic_long_set(&timer->overruns, 0);
	timer->period = 0;
	timer->pinned = mode & HRTIMER_MODE_PINNED;
	timer->binding = NULL;
	timer->runner = NULL;
	INIT_LIST_HEAD(&timer->entry);
	timer->qcpu = 0;
}

/**
 * rtd_timer_init() - initialise a deferred timer
 * @timer: the timer
 * @fn: the expiry callback, run in a ktimers/N thread or the bound task
 * @clockid: CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME, ...
 * @mode: HRTIMER_MODE_REL or _ABS, optionally _PINNED; the HARD bit is
 *	  added by rtdefer
 *
 * For a timer on the stack use rtd_timer_init_on_stack().
 *
 * Context: Any context; the timer must not be active. Initialising an
 * initialised timer that is armed, has an expiry pending or a callback
 * running would corrupt the hrtimer queue or the thread's list: that is
 * reported once as "API misuse" and the timer is left as it was.
 */
void rtd_timer_init(struct rtd_timer *timer,
		    enum rtd_timer_restart (*fn)(struct rtd_timer *),
		    clockid_t clockid, enum hrtimer_mode mode)
{
	rtd_timer_setup(timer, fn, clockid, mode, false);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_init);

/**
 * rtd_timer_init_on_stack() - initialise a deferred timer on the stack
 * @timer: the timer, a local variable
 * @fn: the expiry callback
 * @clockid: the clock
 * @mode: HRTIMER_MODE_REL or _ABS, optionally _PINNED
 *
 * As rtd_timer_init(), for a timer that lives on the stack, which the
 * kernel's object debugging (CONFIG_DEBUG_OBJECTS_TIMERS) must be told of.
 * Once the timer is cancelled, and before the function returns, call
 * rtd_timer_destroy_on_stack().
 *
 * Context: As rtd_timer_init().
 */
void rtd_timer_init_on_stack(struct rtd_timer *timer,
			     enum rtd_timer_restart (*fn)(struct rtd_timer *),
			     clockid_t clockid, enum hrtimer_mode mode)
{
	rtd_timer_setup(timer, fn, clockid, mode, true);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_init_on_stack);

/**
 * rtd_timer_destroy_on_stack() - end the life of a timer on the stack
 * @timer: a timer set up with rtd_timer_init_on_stack(), cancelled with
 *	   rtd_timer_cancel() (and unbound, if it was bound to a task)
 *
 * Context: Process context.
 */
void rtd_timer_destroy_on_stack(struct rtd_timer *timer)
{
	destroy_hrtimer_on_stack(&timer->hrt);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_destroy_on_stack);

/**
 * rtd_timer_set_check() - set the quick check run in hardirq at expiry
 * @timer: the timer
 * @check: returns true to defer the expiry to the thread or task, false
 *	   for no expiry this time; NULL: always defer
 *
 * The check runs in hardirq context at every expiry and must not sleep. A
 * declined expiry of a periodic timer (one whose callback moved it on with
 * rtd_timer_forward*() and returned RTD_TIMER_RESTART) keeps the period: the
 * timer is moved on by that interval and re-armed without its callback, so
 * "busy now" skips one period, never the rest. The check may also move the
 * expiry itself with rtd_timer_forward*(); a declined one-shot timer, or a
 * periodic one before its callback first ran, stays idle.
 *
 * Context: Any context.
 */
void rtd_timer_set_check(struct rtd_timer *timer, bool (*check)(struct rtd_timer *))
{
	WRITE_ONCE(timer->check, check);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_set_check);

/*
 * Hand a pending expiry to this CPU's ktimers thread, unless it waits on a
 * queue already (delivered twice: by the hardirq part and by a re-bind).
 * Interrupts off.
 */
static void rtd_timer_queue_thread(struct rtd_timer *timer)
{
	struct rtd_ktimers_queue *q = this_cpu_ptr(&rtd_ktimers_q);
	bool first;

	raw_spin_lock(&q->lock);
	/* qcpu changes under the lock of the queue it names: the gate */
	if (cmpxchg(&timer->qcpu, 0, smp_processor_id() + 1)) {
		raw_spin_unlock(&q->lock);
		return;
	}
	first = list_empty(&q->list);
	list_add_tail(&timer->entry, &q->list);
	raw_spin_unlock(&q->lock);
	if (first)
		wake_up_process(__this_cpu_read(rtd_ktimers_task));
}

static bool rtd_timer_drop_pending(struct rtd_timer *timer)
{
	return atomic_fetch_andnot(RTD_TIMER_PENDING, &timer->state) & RTD_TIMER_PENDING;
}

/*
 * Take @timer off the ktimers queue it waits on, if any, and drop its
 * pending expiry: the thread will not see it again. Any context.
 * An entry can be stale: an expiry that came while the callback ran was
 * queued by the hardirq part and also taken by the running side
 * (rtd_timer_run_again()); then it dropped nothing.
 * Return: true if it dropped a pending expiry.
 */
static bool rtd_timer_unqueue(struct rtd_timer *timer)
{
	struct rtd_ktimers_queue *q;
	unsigned long flags;
	bool dropped = false;
	int qcpu;

	local_irq_save(flags);
	while ((qcpu = READ_ONCE(timer->qcpu))) {
		q = per_cpu_ptr(&rtd_ktimers_q, qcpu - 1);
		raw_spin_lock(&q->lock);
		if (READ_ONCE(timer->qcpu) == qcpu) {
			list_del_init(&timer->entry);
			WRITE_ONCE(timer->qcpu, 0);
			dropped = rtd_timer_drop_pending(timer);
			raw_spin_unlock(&q->lock);
			break;
		}
		raw_spin_unlock(&q->lock);	/* moved meanwhile: follow it */
	}
	local_irq_restore(flags);
	return dropped;
}

/**
 * rtd_timer_deliver() - send a pending expiry to where the timer runs now
 * @timer: the timer, with RTD_TIMER_PENDING set by the caller
 *
 * Context: Interrupts off.
 */
void rtd_timer_deliver(struct rtd_timer *timer)
{
	if (!rtd_timer_queue_task(timer))
		rtd_timer_queue_thread(timer);
}

/*
 * The check declined this expiry: a periodic timer moves on by its period
 * (unless the check moved it already) and stays armed; a bound timer whose
 * task exited stops.
 */
static enum hrtimer_restart rtd_timer_declined(struct rtd_timer *timer)
{
	ktime_t now = hrtimer_cb_get_time(&timer->hrt);
	ktime_t period = READ_ONCE(timer->period);

	if (!period || (atomic_read(&timer->state) & RTD_TIMER_TASK_EXITED))
		return HRTIMER_NORESTART;
	if (ktime_compare(hrtimer_get_expires(&timer->hrt), now) <= 0)
		rtd_timer_forward(timer, now, period);
	return HRTIMER_RESTART;
}

/**
 * rtd_timer_hard_fn() - the hardirq part of every deferred timer
 * @hrt: the timer's hrtimer
 *
 * Return: HRTIMER_NORESTART: periodic timers are re-armed after their
 * callback, by the runner; HRTIMER_RESTART when the check declined an
 * expiry of a periodic timer.
 */
enum hrtimer_restart rtd_timer_hard_fn(struct hrtimer *hrt)
{
	struct rtd_timer *timer = container_of(hrt, struct rtd_timer, hrt);
	bool (*check)(struct rtd_timer *t) = READ_ONCE(timer->check);

	if (check && !check(timer))
		return rtd_timer_declined(timer);
	rtd_debug_hook(RTD_HOOK_TIMER_HARD, timer);
	if (atomic_fetch_or(RTD_TIMER_PENDING, &timer->state) & RTD_TIMER_PENDING) {
		atomic_long_inc(&timer->overruns);
		rtd_stat_add(RTD_FAC_TIMER, RTD_STAT_OVERRUN, 1);
	} else {
		WRITE_ONCE(timer->queued_ns,
			   rtd_obs_queued(RTD_FAC_TIMER, timer->function,
					  smp_processor_id()));
		rtd_timer_deliver(timer);
	}
	return HRTIMER_NORESTART;
}

/**
 * rtd_timer_claim() - take a pending expiry for this runner
 * @timer: the timer
 * @queued_ns: where to put the expiry's time stamp, for the statistics
 *
 * PENDING -> RUNNING. An expiry that finds the callback running stays
 * PENDING: the running side takes it when it finishes. The stamp is read
 * while PENDING keeps the next expiry from writing it
 * (tests/lkmm/timer-fields-before-claim.litmus).
 *
 * Context: Any context.
 * Return: true if an expiry was pending and the callback not running: it
 * is now RUNNING, and the caller must call rtd_timer_run_claimed().
 */
bool rtd_timer_claim(struct rtd_timer *timer, u64 *queued_ns)
{
	int old = atomic_read(&timer->state), new;

	do {
		if (!(old & RTD_TIMER_PENDING) || (old & RTD_TIMER_RUNNING))
			return false;
		*queued_ns = READ_ONCE(timer->queued_ns);
		new = (old & ~RTD_TIMER_PENDING) | RTD_TIMER_RUNNING;
	} while (!atomic_try_cmpxchg(&timer->state, &old, new));
	return true;
}

/*
 * End of a run: take an expiry that came meanwhile, else clear RUNNING.
 * The hardirq part that set PENDING may still be writing that expiry's
 * stamp: its latency sample can be off by one expiry (statistics only).
 */
static bool rtd_timer_run_again(struct rtd_timer *timer, u64 *queued_ns)
{
	int old = atomic_read(&timer->state), new;

	do {
		if (old & RTD_TIMER_PENDING) {
			*queued_ns = READ_ONCE(timer->queued_ns);
			new = old & ~RTD_TIMER_PENDING;
		} else {
			new = old & ~RTD_TIMER_RUNNING;
		}
	} while (!atomic_try_cmpxchg(&timer->state, &old, new));
	return old & RTD_TIMER_PENDING;
}

/* The callback returned RTD_TIMER_RESTART: re-arm, unless a cancel came. */
static void rtd_timer_restart(struct rtd_timer *timer, int seq)
{
	int state = atomic_read(&timer->state);

	if (atomic_read(&timer->cancel_seq) != seq) {
		if (!(state & RTD_TIMER_SELF_CANCEL))
			atomic_or(RTD_TIMER_DROPPED, &timer->state);
	} else if (!(state & RTD_TIMER_TASK_EXITED)) {
		struct rtd_hook_rearm h = {
			timer, HRTIMER_MODE_ABS_HARD | READ_ONCE(timer->pinned)
		};

		rtd_debug_hook(RTD_HOOK_TIMER_REARM, &h);
		hrtimer_start_expires(&timer->hrt, h.mode);
	}
}

/**
 * rtd_timer_run_claimed() - run the callback of a claimed expiry
 * @timer: the timer
 * @queued_ns: the stamp rtd_timer_claim() read
 *
 * Re-arms a periodic timer unless it was cancelled meanwhile or its task
 * exited, then wakes rtd_timer_cancel() waiters.
 *
 * Context: Thread or task context, may sleep.
 */
void rtd_timer_run_claimed(struct rtd_timer *timer, u64 queued_ns)
{
	enum rtd_timer_restart ret;
	int seq;

	do {
		seq = atomic_read(&timer->cancel_seq);
		WRITE_ONCE(timer->runner, current);
		rtd_obs_start(RTD_FAC_TIMER, timer->function, queued_ns);
		ret = timer->function(timer);
		rtd_obs_end(RTD_FAC_TIMER, timer->function);
		WRITE_ONCE(timer->runner, NULL);
		if (ret == RTD_TIMER_RESTART)
			rtd_timer_restart(timer, seq);
		else
			WRITE_ONCE(timer->period, 0);
		atomic_andnot(RTD_TIMER_SELF_CANCEL, &timer->state);
		/* Re-armed (or not) before it reads as idle to rtd_timer_cancel(). */
		smp_mb__before_atomic();
	} while (rtd_timer_run_again(timer, &queued_ns));
	/* pairs with wait_var_event() in rtd_timer_cancel() */
	smp_mb__after_atomic();
	wake_up_var(timer);
}

/**
 * rtd_timer_start_range_ns() - arm a deferred timer with slack
 * @timer: the timer
 * @tim: expiry time (absolute or relative, see @mode)
 * @range_ns: slack: the expiry may come up to this much later
 * @mode: HRTIMER_MODE_REL or _ABS, optionally _PINNED
 *
 * Re-arms an armed timer. An expiry already pending still runs. As for any
 * hrtimer, a timer re-armed while the hardirq part of its last expiry still
 * runs on another CPU stays on that CPU, _PINNED or not. A callback
 * returning RTD_TIMER_RESTART re-arms it pinned if this start was. A timer
 * never initialised with rtd_timer_init() (its memory zeroed) is not armed:
 * that is reported once as "API misuse".
 *
 * Context: Any context but NMI. Does not sleep.
 */
void rtd_timer_start_range_ns(struct rtd_timer *timer, ktime_t tim,
			      u64 range_ns, enum hrtimer_mode mode)
{
	if (unlikely(!timer->function || timer->hrt.function != rtd_timer_hard_fn)) {
		rtd_misuse("starting an uninitialised rtd_timer: ignored\n");
		return;
	}
	WRITE_ONCE(timer->pinned, mode & HRTIMER_MODE_PINNED);
	hrtimer_start_range_ns(&timer->hrt, tim, range_ns, mode | HRTIMER_MODE_HARD);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_start_range_ns);

/**
 * rtd_timer_start() - arm a deferred timer
 * @timer: the timer
 * @tim: expiry time (absolute or relative, see @mode)
 * @mode: HRTIMER_MODE_REL or _ABS, optionally _PINNED
 *
 * Context: Any context but NMI. Does not sleep.
 */
void rtd_timer_start(struct rtd_timer *timer, ktime_t tim, enum hrtimer_mode mode)
{
	rtd_timer_start_range_ns(timer, tim, 0, mode);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_start);

/**
 * rtd_timer_forward() - move the expiry past @now in steps of @interval
 * @timer: the timer (not armed: call it from the callback)
 * @now: the time to move past
 * @interval: the period
 *
 * Periods skipped beyond the first count as overruns.
 *
 * Context: The timer's callback, or with the timer inactive.
 * Return: the number of periods the expiry moved.
 */
u64 rtd_timer_forward(struct rtd_timer *timer, ktime_t now, ktime_t interval)
{
	u64 n = hrtimer_forward(&timer->hrt, now, interval);

	WRITE_ONCE(timer->period, interval);

	if (n > 1) {
		atomic_long_add(n - 1, &timer->overruns);
		rtd_stat_add(RTD_FAC_TIMER, RTD_STAT_OVERRUN, n - 1);
	}
	return n;
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_forward);

/**
 * rtd_timer_forward_now() - rtd_timer_forward() past the current time
 * @timer: the timer
 * @interval: the period
 *
 * Context: The timer's callback, or with the timer inactive.
 * Return: the number of periods the expiry moved.
 */
u64 rtd_timer_forward_now(struct rtd_timer *timer, ktime_t interval)
{
	return rtd_timer_forward(timer, hrtimer_cb_get_time(&timer->hrt), interval);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_forward_now);

/**
 * rtd_timer_try_to_cancel() - cancel a timer unless its callback runs
 * @timer: the timer
 *
 * A running callback is left alone: if it returns RTD_TIMER_RESTART the
 * timer is armed again (use rtd_timer_cancel() to stop a periodic timer).
 *
 * Context: Any context but NMI. Does not sleep.
 * Return: 1 if the timer was armed or an expiry was pending (now neither),
 * 0 if it was idle, -1 if its callback is running (nothing changed).
 */
int rtd_timer_try_to_cancel(struct rtd_timer *timer)
{
	int ret;

	if (atomic_read(&timer->state) & RTD_TIMER_RUNNING)
		return -1;
	WRITE_ONCE(timer->period, 0);
	ret = hrtimer_try_to_cancel(&timer->hrt);
	if (ret < 0)
		return -1;
	if (rtd_timer_unqueue(timer) | rtd_timer_drop_pending(timer))
		ret = 1;
	/* a runner claimed the expiry under us: its callback runs now */
	if (atomic_read(&timer->state) & RTD_TIMER_RUNNING)
		return -1;
	return ret;
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_try_to_cancel);

/**
 * rtd_timer_cancel() - cancel a timer and wait for its callback
 * @timer: the timer
 *
 * Disarms the timer, takes a pending expiry off the ktimers queue it waits
 * on (never waiting for that thread to get to it: it may be the caller,
 * in another timer's callback) and waits until the callback is not
 * running, in the ktimers thread or the bound task: then the timer may be
 * freed (a bound timer after rtd_timer_unbind_task()). A callback that
 * returns RTD_TIMER_RESTART across the cancel is not re-armed. Called from
 * the timer's own callback it cancels without waiting for itself (only for
 * an expiry's hardirq part running on another CPU), the callback is not
 * re-armed whatever it returns, and no expiry runs it again.
 *
 * Context: Process context; sleeps (not from the callback: then it does not).
 * From atomic context (interrupts off, interrupt context, a spinlock on
 * kernels that count preemption) it reports "API misuse" once and does what
 * rtd_timer_try_to_cancel() does, without waiting: 0 while the callback runs.
 * Return: 1 if the timer was armed, an expiry pending, or its running
 * callback's RTD_TIMER_RESTART was stopped by this cancel (as
 * hrtimer_cancel() reports a restart it cancels); 0 otherwise. From the
 * timer's own callback, whose return value is not known yet: 1 only if
 * the timer was armed again or another expiry was pending.
 */
int rtd_timer_cancel(struct rtd_timer *timer)
{
	int ret = 0;

	WRITE_ONCE(timer->period, 0);
	if (READ_ONCE(timer->runner) == current) {
		atomic_or(RTD_TIMER_SELF_CANCEL, &timer->state);
		atomic_inc(&timer->cancel_seq);
		/*
		 * An expiry's hardirq part may run on another CPU right now:
		 * wait for it (it never waits for us), then take what it
		 * queued. Without sleeping, take what has been queued so far.
		 */
		if (rtd_cannot_sleep())
			ret = hrtimer_try_to_cancel(&timer->hrt) > 0;
		else
			ret = hrtimer_cancel(&timer->hrt);
		ret |= rtd_timer_unqueue(timer);
		return rtd_timer_drop_pending(timer) || ret;
	}
	if (rtd_cannot_sleep()) {
		rtd_misuse("%s(%ps) from atomic context: not waiting\n",
			   __func__, timer->function);
		return rtd_timer_try_to_cancel(timer) > 0;
	}
	atomic_inc(&timer->cancel_seq);
	for (;;) {
		ret |= hrtimer_cancel(&timer->hrt);
		ret |= rtd_timer_unqueue(timer);
		ret |= rtd_timer_drop_pending(timer);
		wait_var_event(timer, !(atomic_read(&timer->state) & RTD_TIMER_RUNNING));
		ret |= !!(atomic_fetch_andnot(RTD_TIMER_DROPPED, &timer->state) &
			  RTD_TIMER_DROPPED);
		if (!hrtimer_active(&timer->hrt) && !READ_ONCE(timer->qcpu) &&
		    !(atomic_read(&timer->state) & RTD_TIMER_PENDING))
			return ret;
	}
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_cancel);

/**
 * rtd_timer_is_queued() - whether the timer is armed
 * @timer: the timer
 *
 * Context: Any context. The answer may be stale by the time it is used.
 */
bool rtd_timer_is_queued(struct rtd_timer *timer)
{
	return hrtimer_is_queued(&timer->hrt);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_is_queued);

/**
 * rtd_timer_active() - whether the timer is armed, has an expiry pending or
 * its callback runs
 * @timer: the timer
 *
 * Context: Any context. The answer may be stale by the time it is used.
 */
bool rtd_timer_active(struct rtd_timer *timer)
{
	return hrtimer_active(&timer->hrt) ||
		(atomic_read(&timer->state) & (RTD_TIMER_PENDING | RTD_TIMER_RUNNING));
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_active);

/*
 * Run the expiries queued so far (later ones on the next call): each is
 * taken off the queue and claimed in one step under the queue's lock, so a
 * cancel either takes it first or waits for a callback that runs.
 */
static void rtd_ktimers_run(struct rtd_ktimers_queue *q)
{
	struct rtd_timer *timer;
	LIST_HEAD(batch);
	u64 queued_ns;
	bool run;

	raw_spin_lock_irq(&q->lock);
	list_splice_init(&q->list, &batch);
	while ((timer = list_first_entry_or_null(&batch, struct rtd_timer, entry))) {
		list_del_init(&timer->entry);
		WRITE_ONCE(timer->qcpu, 0);
		run = rtd_timer_claim(timer, &queued_ns);
		raw_spin_unlock_irq(&q->lock);
		if (run)
			rtd_timer_run_claimed(timer, queued_ns);
		cond_resched();
		raw_spin_lock_irq(&q->lock);
	}
	raw_spin_unlock_irq(&q->lock);
}

static int rtd_ktimers_should_run(unsigned int cpu)
{
	return !list_empty(&per_cpu_ptr(&rtd_ktimers_q, cpu)->list);
}

static void rtd_ktimers_fn(unsigned int cpu)
{
	rtd_ktimers_run(per_cpu_ptr(&rtd_ktimers_q, cpu));
}

static struct smp_hotplug_thread rtd_ktimers_threads = {
	.store			= &rtd_ktimers_task,
	.thread_should_run	= rtd_ktimers_should_run,
	.thread_fn		= rtd_ktimers_fn,
	.park			= rtd_ktimers_fn,
	.thread_comm		= "ktimers/%u",
};

static struct rtd_pcpu_class rtd_ktimers_class =
	RTD_PCPU_CLASS("timer", &rtd_ktimers_threads);

/* cpuhp teardown, on a live CPU after @cpu died: adopt its expiries. */
static int rtd_ktimers_cpu_dead(unsigned int cpu)
{
	struct rtd_ktimers_queue *dead = per_cpu_ptr(&rtd_ktimers_q, cpu), *here;
	struct rtd_timer *timer;
	unsigned int n = 0;

	local_irq_disable();
	here = this_cpu_ptr(&rtd_ktimers_q);
	raw_spin_lock(&here->lock);
	raw_spin_lock_nested(&dead->lock, SINGLE_DEPTH_NESTING);
	list_for_each_entry(timer, &dead->list, entry) {
		WRITE_ONCE(timer->qcpu, smp_processor_id() + 1);
		n++;
	}
	list_splice_tail_init(&dead->list, &here->list);
	raw_spin_unlock(&dead->lock);
	raw_spin_unlock(&here->lock);
	if (n)
		wake_up_process(__this_cpu_read(rtd_ktimers_task));
	local_irq_enable();
	rtd_stat_add(RTD_FAC_TIMER, RTD_STAT_MIGRATED, n);
	return 0;
}

/**
 * rtd_timer_sys_init() - start the ktimers/N threads
 *
 * Context: Module init, may sleep.
 * Return: 0 or a negative errno, with nothing left behind.
 */
int rtd_timer_sys_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		raw_spin_lock_init(&per_cpu_ptr(&rtd_ktimers_q, cpu)->lock);
		INIT_LIST_HEAD(&per_cpu_ptr(&rtd_ktimers_q, cpu)->list);
	}
	ret = rtd_pcpu_class_register(&rtd_ktimers_class);
	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "rtdefer/timer:dead",
					NULL, rtd_ktimers_cpu_dead);
	if (ret < 0)
		goto err_threads;
	rtd_timer_hp_state = ret;
	return 0;

err_threads:
	rtd_pcpu_class_unregister(&rtd_ktimers_class);
	return ret;
}

/**
 * rtd_timer_sys_exit() - stop the ktimers/N threads
 *
 * Consumers cancelled their timers in their own exit; expiries still queued
 * run when the threads park. Task work of rtdefer still queued on some task
 * holds a module reference, so this cannot run before it has run; the RCU
 * callbacks that drop exited tasks' references are waited for.
 *
 * Context: Module exit, may sleep.
 */
void rtd_timer_sys_exit(void)
{
	cpuhp_remove_state_nocalls(rtd_timer_hp_state);
	rtd_pcpu_class_unregister(&rtd_ktimers_class);
	rtd_timer_task_exit();
}
