/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtdefer deferred timers: hrtimer expiry split the way PREEMPT_RT
 * (ktimers/N) and posix-cpu-timers (task_work) do, for every kernel.
 *
 * At expiry a HARD hrtimer (hardirq context, on RT kernels too) only runs
 * the optional quick check and queues the expiry; the callback itself runs
 * in the expiring CPU's ktimers/N kthread (SCHED_FIFO 1 by default), where it
 * may sleep, or, for a timer bound to a task, in that task's own context on
 * its next return to user space. At most one expiry per timer is pending at
 * any time; expiries that come while one is pending are counted as overruns.
 */
#ifndef RTDEFER_TIMER_H
#define RTDEFER_TIMER_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/types.h>

struct rtd_timer;
struct rtd_timer_binding;
struct task_struct;

/**
 * enum rtd_timer_restart - what a callback wants next
 * @RTD_TIMER_NORESTART: the timer stays idle
 * @RTD_TIMER_RESTART: re-arm at the expiry set by rtd_timer_forward*()
 */
enum rtd_timer_restart {
	RTD_TIMER_NORESTART,
	RTD_TIMER_RESTART,
};

/**
 * struct rtd_timer - a deferred timer (fields are private)
 * @hrt: the hardirq part
 * @function: the expiry callback (thread or task context)
 * @check: optional quick check run in hardirq at expiry
 * @entry: link in a ktimers/N queue
 * @qcpu: 1 + the CPU whose ktimers queue holds the timer, 0 for none
 * @state: RTD_TIMER_* bits
 * @cancel_seq: bumped by every cancel; a callback that was cancelled while
 *		it ran is not re-armed
 * @overruns: expiries that were not delivered (one was pending) plus the
 *	      periods skipped by rtd_timer_forward*()
 * @binding: the task binding, or NULL
 * @runner: the task running the callback, or NULL
 * @queued_ns: when the pending expiry was queued, for latency statistics
 * @period: the interval of the callback's last rtd_timer_forward*() while
 *	    the timer is periodic (0 otherwise): a declined check keeps it
 * @pinned: HRTIMER_MODE_PINNED if the last start was pinned: the re-arm
 *	    of a periodic timer keeps it
 */
struct rtd_timer {
	struct hrtimer hrt;
	enum rtd_timer_restart (*function)(struct rtd_timer *timer);
	bool (*check)(struct rtd_timer *timer);
	struct list_head entry;
	int qcpu;
	atomic_t state;
	atomic_t cancel_seq;
	atomic_long_t overruns;
	struct rtd_timer_binding *binding;
	struct task_struct *runner;
	u64 queued_ns;
	ktime_t period;
	int pinned;
};

void rtd_timer_init(struct rtd_timer *timer,
		    enum rtd_timer_restart (*fn)(struct rtd_timer *),
		    clockid_t clockid, enum hrtimer_mode mode);
void rtd_timer_init_on_stack(struct rtd_timer *timer,
			     enum rtd_timer_restart (*fn)(struct rtd_timer *),
			     clockid_t clockid, enum hrtimer_mode mode);
void rtd_timer_destroy_on_stack(struct rtd_timer *timer);
void rtd_timer_set_check(struct rtd_timer *timer,
			 bool (*check)(struct rtd_timer *));
void rtd_timer_start_range_ns(struct rtd_timer *timer, ktime_t tim,
			      u64 range_ns, enum hrtimer_mode mode);
void rtd_timer_start(struct rtd_timer *timer, ktime_t tim,
		     enum hrtimer_mode mode);
u64 rtd_timer_forward(struct rtd_timer *timer, ktime_t now, ktime_t interval);
u64 rtd_timer_forward_now(struct rtd_timer *timer, ktime_t interval);
int rtd_timer_cancel(struct rtd_timer *timer);
int rtd_timer_try_to_cancel(struct rtd_timer *timer);
bool rtd_timer_is_queued(struct rtd_timer *timer);
bool rtd_timer_active(struct rtd_timer *timer);
int rtd_timer_bind_task(struct rtd_timer *timer, struct task_struct *task);
void rtd_timer_unbind_task(struct rtd_timer *timer);
bool rtd_timer_task_exited(struct rtd_timer *timer);

/**
 * rtd_timer_overruns() - expiries the callback did not see one by one
 * @timer: the timer
 *
 * Counts expiries that came while one was still pending (they are folded
 * into it) and the periods rtd_timer_forward*() skipped.
 *
 * Context: Any context.
 */
static inline unsigned long rtd_timer_overruns(struct rtd_timer *timer)
{
	return atomic_long_read(&timer->overruns);
}

#endif /* RTDEFER_TIMER_H */
