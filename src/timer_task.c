// SPDX-License-Identifier: GPL-2.0
/*
 * Deferred timers bound to a task: the expiry runs in the task's own
 * context on its next return to user space, through task_work (the
 * posix-cpu-timers technique of v5.9, which mainline keeps internal).
 *
 * A binding is a small refcounted object between timer and task, so that a
 * task_work still queued on a task never points at a timer that was unbound
 * and freed meanwhile (task_work_cancel() is not exported): the timer holds
 * one reference, a queued task_work another. The binding holds a reference
 * on the task; it is dropped when the timer is unbound, or as soon as rtdefer
 * sees the task exit (an expiry finds it exiting, or a queued task_work runs
 * from the exit path). Then the timer stops: no callback runs, no re-arm,
 * and rtd_timer_task_exited() says why.
 *
 * A queued task_work also holds a reference on rtdefer itself, so the
 * module cannot go while some task still has work of it queued.
 *
 * The hardirq part of an expiry finds the binding through timer->binding
 * without a reference, while an unbind on another CPU may drop the last
 * one: bindings are freed after an RCU grace period, and every reader of
 * timer->binding runs with interrupts off (an RCU read-side section).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <rtdefer/timer.h>

#include "compat/compat.h"
#include "debug_hook.h"
#include "internal.h"
#include "timer_internal.h"

struct rtd_timer_binding {
	struct callback_head cb;
	raw_spinlock_t lock;
	struct rtd_timer *timer;
	struct task_struct *task;
	struct task_struct *put_task;
	struct rcu_head put_rcu;
	refcount_t ref;
	bool queued;
	struct rcu_head rcu;
};

static void rtd_binding_put(struct rtd_timer_binding *b)
{
	struct rtd_hook_free h = { b, sizeof(*b) };

	if (!refcount_dec_and_test(&b->ref))
		return;
	rtd_debug_hook(RTD_HOOK_FREE, &h);
	if (b->task)
		put_task_struct(b->task);
	/* an expiry in hardirq may still hold it: see the top of this file */
	kfree_rcu(b, rcu);
}

/*
 * RCU callback: drop the task reference outside hardirq context. Not an
 * irq_work of the binding: its runner would touch the item after this
 * callback freed it. rtd_timer_task_exit() waits for these callbacks.
 */
static void rtd_binding_put_task_rcu(struct rcu_head *head)
{
	struct rtd_timer_binding *b = container_of(head, struct rtd_timer_binding, put_rcu);

	put_task_struct(b->put_task);
	rtd_binding_put(b);
}

/* Lock held: the task is exiting; forget it and stop the timer. */
static struct task_struct *rtd_binding_task_gone(struct rtd_timer_binding *b)
{
	struct task_struct *task = b->task;

	b->task = NULL;
	if (b->timer) {
		atomic_or(RTD_TIMER_TASK_EXITED, &b->timer->state);
		atomic_andnot(RTD_TIMER_PENDING, &b->timer->state);
	}
	return task;
}

/* Hardirq, lock held: queue the task_work unless queued already. */
static void rtd_binding_queue(struct rtd_timer_binding *b)
{
	if (b->queued)
		return;
	if (!try_module_get(THIS_MODULE)) {
		atomic_andnot(RTD_TIMER_PENDING, &b->timer->state);
		return;
	}
	refcount_inc(&b->ref);
	b->queued = true;
	if (!task_work_add(b->task, &b->cb, TWA_RESUME))
		return;
	/* The task is past its last task_work run: it is exiting. */
	b->queued = false;
	refcount_dec(&b->ref);
	module_put(THIS_MODULE);
	b->put_task = rtd_binding_task_gone(b);
	refcount_inc(&b->ref);
	call_rcu(&b->put_rcu, rtd_binding_put_task_rcu);
}

/**
 * rtd_timer_queue_task() - hand a pending expiry to the bound task
 * @timer: the timer
 *
 * Context: Interrupts off: an RCU read-side section, in which the binding
 * read here cannot be freed.
 * Return: false if the timer is not bound to a task.
 */
bool rtd_timer_queue_task(struct rtd_timer *timer)
{
	struct rtd_timer_binding *b = READ_ONCE(timer->binding);

	if (!b)
		return false;
	raw_spin_lock(&b->lock);
	if (b->timer != timer) {
		raw_spin_unlock(&b->lock);
		return false;
	}
	if (b->task)
		rtd_binding_queue(b);
	else
		atomic_andnot(RTD_TIMER_PENDING, &timer->state);
	raw_spin_unlock(&b->lock);
	return true;
}

/* The task_work: in the bound task, on its way to user space or exiting. */
static void rtd_binding_task_work(struct callback_head *cb)
{
	struct rtd_timer_binding *b = container_of(cb, struct rtd_timer_binding, cb);
	struct task_struct *gone = NULL;
	struct rtd_timer *timer;
	u64 queued_ns = 0;
	bool run = false;

	raw_spin_lock_irq(&b->lock);
	b->queued = false;
	timer = b->timer;
	if (current->flags & PF_EXITING)
		gone = rtd_binding_task_gone(b);
	else if (timer)
		run = rtd_timer_claim(timer, &queued_ns);
	raw_spin_unlock_irq(&b->lock);

	if (run)
		rtd_timer_run_claimed(timer, queued_ns);
	if (gone)
		put_task_struct(gone);
	rtd_binding_put(b);
	module_put(THIS_MODULE);
	rtd_debug_hold_unload();
}

/* Detach the timer from its binding; the caller drops the reference. */
static struct rtd_timer_binding *rtd_timer_detach(struct rtd_timer *timer)
{
	struct rtd_timer_binding *b = timer->binding;

	if (!b)
		return NULL;
	raw_spin_lock_irq(&b->lock);
	b->timer = NULL;
	WRITE_ONCE(timer->binding, NULL);
	raw_spin_unlock_irq(&b->lock);
	atomic_andnot(RTD_TIMER_TASK_EXITED, &timer->state);
	return b;
}

/* An expiry the old target had not run yet goes to the new one. */
static void rtd_timer_redeliver(struct rtd_timer *timer)
{
	local_irq_disable();
	if (atomic_read(&timer->state) & RTD_TIMER_PENDING)
		rtd_timer_deliver(timer);
	local_irq_enable();
}

/**
 * rtd_timer_bind_task() - run the timer's expiries in a task's own context
 * @timer: the timer; may be armed
 * @task: the task; a reference is held while bound
 *
 * Expiries then run in @task on its next return to user space (at most one
 * task_work of the timer is queued at a time). Re-binding moves the timer
 * to the new task; an expiry the old task had not run yet goes to the new
 * one. If @task exits while bound, the reference is dropped, the timer
 * stops (its callback is not run, it is not re-armed) and
 * rtd_timer_task_exited() turns true until it is bound or unbound again.
 *
 * Context: Process context; may sleep. Not concurrently with another
 * bind/unbind of the same timer.
 * Return: 0, -ENOMEM, or -ESRCH if @task is exiting already.
 */
int rtd_timer_bind_task(struct rtd_timer *timer, struct task_struct *task)
{
	struct rtd_timer_binding *b = kzalloc(sizeof(*b), GFP_KERNEL), *old;

	if (!b)
		return -ENOMEM;
	if (task->flags & PF_EXITING) {
		kfree(b);
		return -ESRCH;
	}
	raw_spin_lock_init(&b->lock);
	init_task_work(&b->cb, rtd_binding_task_work);
	refcount_set(&b->ref, 1);
	b->timer = timer;
	get_task_struct(task);
	b->task = task;

	old = rtd_timer_detach(timer);
	WRITE_ONCE(timer->binding, b);
	rtd_timer_redeliver(timer);
	if (old)
		rtd_binding_put(old);
	return 0;
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_bind_task);

/**
 * rtd_timer_unbind_task() - run the timer's expiries in ktimers/N again
 * @timer: the timer; may be armed
 *
 * Drops the task reference. An expiry the task had not run yet goes to the
 * ktimers thread of this CPU. A callback running in the task right now goes
 * on; rtd_timer_cancel() waits for it.
 *
 * Context: Process context. Not concurrently with another bind/unbind.
 */
void rtd_timer_unbind_task(struct rtd_timer *timer)
{
	struct rtd_timer_binding *old = rtd_timer_detach(timer);

	if (!old)
		return;
	rtd_timer_redeliver(timer);
	rtd_binding_put(old);
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_unbind_task);

/**
 * rtd_timer_task_exited() - whether the bound task exited and stopped the timer
 * @timer: the timer
 *
 * Context: Any context.
 */
bool rtd_timer_task_exited(struct rtd_timer *timer)
{
	return atomic_read(&timer->state) & RTD_TIMER_TASK_EXITED;
}
EXPORT_SYMBOL_RTDEFER(rtd_timer_task_exited);

/**
 * rtd_timer_task_exit() - wait for the background work of bindings
 *
 * Task references of exited tasks are dropped in RCU callbacks, which are
 * rtdefer's code: they must have run before the module goes. (A task that
 * ran its task_work still returns through rtdefer's code after dropping
 * its module reference: rtd_exit() waits for such tasks last.)
 *
 * Context: Module exit, may sleep.
 */
void rtd_timer_task_exit(void)
{
	rcu_barrier();
}
