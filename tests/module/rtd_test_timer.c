// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_test_timer: in-kernel checks of rtdefer's deferred timers, driven from
 * the guest's selftest (tests/selftests/rtd_timer.c); one debugfs file per
 * check under /sys/kernel/debug/rtd_test_timer/ (see rtd_check.h).
 */
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <rtdefer/rtdefer.h>
#include <compat/compat.h>

#include "debug_hook.h"
#include "rtd_check.h"

/* A timer that records how its expiries went. */
struct probe {
	struct rtd_timer t;
	atomic_t runs;
	atomic_t checks;
	int check_pass_after;	/* check says "no" this many times first */
	int decline_from;	/* then "no" for checks decline_from.. */
	int decline_to;		/* ..decline_to (counted from 1), if set */
	bool check_hardirq;	/* the check ran in hardirq context */
	int cpu;
	bool thread_ok;		/* ktimers/<cpu>, SCHED_FIFO 1, preemptible */
	pid_t pid;		/* of the task the callback ran in */
	unsigned int sleep_ms;
	struct completion *hold;	/* the callback waits for it, if set */
	int periods;		/* RESTART this many times */
	ktime_t period;
	bool cancel_self;
	int self_cancel_ret;
	int early;		/* runs before the expiry time */
};

static bool probe_check(struct rtd_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	int n = atomic_inc_return(&p->checks);

	p->check_hardirq = in_hardirq();
	if (n >= p->decline_from && n <= p->decline_to)
		return false;
	return n > p->check_pass_after;
}

/* rtdefer's ktimers/N thread of each CPU, noted at init */
static DEFINE_PER_CPU(struct task_struct *, our_thread);

/* by task: on PREEMPT_RT the kernel's ktimers/N has the same name */
static bool in_ktimers_thread(void)
{
	return in_task() && current == per_cpu(our_thread, raw_smp_processor_id()) &&
		current->policy == SCHED_FIFO && current->rt_priority == 1 &&
		(IS_ENABLED(CONFIG_PREEMPT_COUNT) ? preemptible() : !irqs_disabled());
}

static enum rtd_timer_restart probe_fn(struct rtd_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);
	struct completion *hold;

	if (ktime_before(hrtimer_cb_get_time(&t->hrt), hrtimer_get_softexpires(&t->hrt)))
		p->early++;
	p->cpu = raw_smp_processor_id();
	p->thread_ok = in_ktimers_thread();
	p->pid = current->pid;
	if (p->sleep_ms)
		msleep(p->sleep_ms);
	hold = READ_ONCE(p->hold);
	if (hold)
		wait_for_completion(hold);
	if (p->cancel_self)
		p->self_cancel_ret = rtd_timer_cancel(t);
	atomic_inc(&p->runs);
	if (p->periods > 0) {
		p->periods--;
		rtd_timer_forward_now(t, p->period);
		return RTD_TIMER_RESTART;
	}
	return RTD_TIMER_NORESTART;
}

static struct probe *probe_new(clockid_t clock, enum hrtimer_mode mode)
{
	struct probe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	rtd_timer_init(&p->t, probe_fn, clock, mode);
	rtd_timer_set_check(&p->t, probe_check);
	p->cpu = -1;
	return p;
}

static void probe_free(struct probe *p)
{
	if (!p)
		return;
	rtd_timer_cancel(&p->t);
	rtd_timer_unbind_task(&p->t);
	kfree(p);
}

/* Wait (sleeping) until @p ran @n times; false after 10 s. */
static bool probe_wait(struct probe *p, int n)
{
	unsigned long end = jiffies + 10 * HZ;

	while (atomic_read(&p->runs) < n && time_before(jiffies, end))
		usleep_range(500, 1000);
	return atomic_read(&p->runs) >= n;
}

static ktime_t clock_now(clockid_t clock)
{
	if (clock == CLOCK_REALTIME)
		return ktime_get_real();
	if (clock == CLOCK_BOOTTIME)
		return ktime_get_boottime();
	return ktime_get();
}

/* Every clock, relative and absolute, pinned: check in hardirq, run in ktimers/N. */
static int ctx_show(struct seq_file *m, void *v)
{
	static const clockid_t clocks[] = {
		CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME
	};
	static const enum hrtimer_mode modes[] = {
		HRTIMER_MODE_REL_PINNED, HRTIMER_MODE_ABS_PINNED
	};
	struct probe *p = NULL;
	int c, i, cpu;
	ktime_t when;

	for (c = 0; c < ARRAY_SIZE(clocks); c++) {
		for (i = 0; i < ARRAY_SIZE(modes); i++) {
			p = probe_new(clocks[c], modes[i]);
			if (failed(m, p, "no memory"))
				goto out;
			when = ms_to_ktime(2);
			if (modes[i] == HRTIMER_MODE_ABS_PINNED)
				when = ktime_add(when, clock_now(clocks[c]));
			cpu = get_cpu();
			rtd_timer_start_range_ns(&p->t, when, 100 * NSEC_PER_USEC, modes[i]);
			put_cpu();
			if (failed(m, probe_wait(p, 1), "clock %d mode %d: never ran", c, i) ||
			    failed(m, p->check_hardirq, "check not in hardirq") ||
			    failed(m, p->cpu == cpu, "pinned timer of CPU %d ran on %d",
				   cpu, p->cpu) ||
			    failed(m, p->thread_ok, "callback not in ktimers/%d at FIFO 1", p->cpu))
				goto out;
			probe_free(p);
			p = NULL;
		}
	}
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/* The quick check decides: no expiry while it says no. A callback may sleep. */
static int check_sleep_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	int i;

	if (failed(m, p, "no memory"))
		goto out;
	p->check_pass_after = 3;
	p->sleep_ms = 20;
	for (i = 0; i < 4; i++) {
		rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
		while (rtd_timer_is_queued(&p->t))
			usleep_range(500, 1000);
		if (i < 3 && failed(m, !atomic_read(&p->runs), "ran although the check said no"))
			goto out;
	}
	if (failed(m, probe_wait(p, 1), "never ran after the check said yes") ||
	    failed(m, atomic_read(&p->checks) == 4, "check ran %d times",
		   atomic_read(&p->checks)))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/* Periodic: 20 periods of 2 ms; a 10 ms sleep in a 1 ms period overruns. */
static int periodic_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);

	if (failed(m, p, "no memory"))
		goto out;
	p->periods = 19;
	p->period = ms_to_ktime(2);
	rtd_timer_start(&p->t, ms_to_ktime(2), HRTIMER_MODE_REL);
	/* wait first: the arguments of failed() are evaluated in any order */
	if (!probe_wait(p, 20) &&
	    failed(m, false, "ran %d of 20 periods", atomic_read(&p->runs)))
		goto out;
	msleep(20);
	if (failed(m, atomic_read(&p->runs) == 20, "ran %d times, want 20",
		   atomic_read(&p->runs)) ||
	    failed(m, !p->early, "%d runs came before their expiry", p->early) ||
	    failed(m, !rtd_timer_active(&p->t), "still active after NORESTART"))
		goto out;
	atomic_set(&p->runs, 0);
	p->periods = 4;
	p->period = ms_to_ktime(1);
	p->sleep_ms = 10;
	rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	if ((!probe_wait(p, 5) &&
	     failed(m, false, "slow periodic ran %d of 5", atomic_read(&p->runs))) ||
	    failed(m, rtd_timer_overruns(&p->t) > 0, "no overrun counted"))
		goto out;
	seq_printf(m, "ok %lu overruns\n", rtd_timer_overruns(&p->t));
out:
	probe_free(p);
	return 0;
}

/*
 * rtd_timer_forward() on a timer that is not armed (its expiry starts at 0):
 * past 10 ms in steps of 3 ms is 4 periods, 3 of them overruns; a second
 * call with the same time moves nothing.
 */
static int forward_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	u64 n, again;

	if (failed(m, p, "no memory"))
		goto out;
	n = rtd_timer_forward(&p->t, ms_to_ktime(10), ms_to_ktime(3));
	again = rtd_timer_forward(&p->t, ms_to_ktime(10), ms_to_ktime(3));
	if (failed(m, n == 4, "moved %llu periods, want 4", n) ||
	    failed(m, rtd_timer_overruns(&p->t) == 3, "%lu overruns, want 3",
		   rtd_timer_overruns(&p->t)) ||
	    failed(m, !again, "moved %llu more periods, want 0", again) ||
	    failed(m, !rtd_timer_active(&p->t), "forward armed the timer"))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/*
 * A periodic timer keeps the _PINNED of its start when the callback re-arms
 * it (else, on a nohz_full CPU, the hrtimer core moves it to a housekeeping
 * CPU at the first period). The oracle is the mode of the re-arm, seen by a
 * debug hook: the migration itself needs an isolated CPU to show.
 */
static struct {
	const void *timer;
	atomic_t rearms, pinned;
} rearm_seen;

static void rearm_hook(void *arg)
{
	struct rtd_hook_rearm *h = arg;

	if (h->timer != READ_ONCE(rearm_seen.timer))
		return;
	atomic_inc(&rearm_seen.rearms);
	if (h->mode & HRTIMER_MODE_PINNED)
		atomic_inc(&rearm_seen.pinned);
}

/* Run @p three periods from a start in @mode; the re-arms seen, pinned or not. */
static int rearm_modes(struct probe *p, enum hrtimer_mode mode, int *pinned)
{
	atomic_set(&rearm_seen.rearms, 0);
	atomic_set(&rearm_seen.pinned, 0);
	WRITE_ONCE(rearm_seen.timer, &p->t);
	atomic_set(&p->runs, 0);
	p->periods = 3;
	p->period = ms_to_ktime(1);
	rtd_timer_start(&p->t, ms_to_ktime(1), mode);
	probe_wait(p, 3);
	rtd_timer_cancel(&p->t);
	WRITE_ONCE(rearm_seen.timer, NULL);
	*pinned = atomic_read(&rearm_seen.pinned);
	return atomic_read(&rearm_seen.rearms);
}

static int pinned_restart_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	int rearms, pinned;

	if (failed(m, p, "no memory"))
		return 0;
	rtd_debug_set_hook(RTD_HOOK_TIMER_REARM, rearm_hook);
	rearms = rearm_modes(p, HRTIMER_MODE_REL_PINNED, &pinned);
	if (failed(m, rearms >= 2, "pinned: %d re-arms, want >= 2", rearms) ||
	    failed(m, pinned == rearms, "pinned: %d of %d re-arms dropped _PINNED",
		   rearms - pinned, rearms))
		goto out;
	rearms = rearm_modes(p, HRTIMER_MODE_REL, &pinned);
	if (failed(m, rearms >= 2, "not pinned: %d re-arms, want >= 2", rearms) ||
	    failed(m, !pinned, "not pinned: %d of %d re-arms pinned", pinned, rearms))
		goto out;
	seq_puts(m, "ok\n");
out:
	rtd_debug_set_hook(RTD_HOOK_TIMER_REARM, NULL);
	probe_free(p);
	return 0;
}

/*
 * A periodic timer whose check declines some expiries keeps its period: the
 * README's example (a 2 ms period here, the check says no three times in a
 * row) goes on once the check says yes again.
 */
static int check_decline_periodic_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);

	if (failed(m, p, "no memory"))
		goto out;
	p->decline_from = 2;
	p->decline_to = 4;
	p->periods = 2;
	p->period = ms_to_ktime(2);
	rtd_timer_start(&p->t, ms_to_ktime(2), HRTIMER_MODE_REL);
	if ((!probe_wait(p, 3) &&
	     failed(m, false, "ran %d of 3 times: a declined check ended the period",
		    atomic_read(&p->runs))) ||
	    failed(m, atomic_read(&p->checks) == 6, "check ran %d times, want 6",
		   atomic_read(&p->checks)))
		goto out;
	/* NORESTART ended it: nothing armed, and a cancel has nothing to do */
	if (failed(m, rtd_timer_cancel(&p->t) == 0, "armed after its callback said NORESTART"))
		goto out;
	/* a one-shot timer whose check declines stays idle */
	p->decline_from = 7;
	p->decline_to = 7;
	rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	while (rtd_timer_is_queued(&p->t))
		usleep_range(500, 1000);
	if (failed(m, !rtd_timer_active(&p->t), "declined one-shot timer still active") ||
	    failed(m, atomic_read(&p->runs) == 3, "declined one-shot timer ran"))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/*
 * At most one pending expiry: while the callback sleeps, the timer is
 * re-armed and fires 5 more times; one more run follows, the rest are
 * counted as overruns.
 */
static int one_pending_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	DECLARE_COMPLETION_ONSTACK(hold);
	int i;

	if (failed(m, p, "no memory"))
		goto out;
	/* the first callback runs until the five expiries below are in */
	p->hold = &hold;
	rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	while (!READ_ONCE(p->pid))
		usleep_range(500, 1000);
	for (i = 0; i < 5; i++) {
		rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
		while (rtd_timer_is_queued(&p->t))
			usleep_range(500, 1000);
	}
	WRITE_ONCE(p->hold, NULL);
	complete(&hold);
	if (failed(m, probe_wait(p, 2), "folded expiry never ran"))
		goto out;
	msleep(50);
	if (failed(m, atomic_read(&p->runs) == 2, "ran %d times, want 2", atomic_read(&p->runs)) ||
	    failed(m, rtd_timer_overruns(&p->t) == 4, "%lu overruns, want 4",
		   rtd_timer_overruns(&p->t)))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/* cancel waits for a running, self-re-arming callback; try_to_cancel says -1. */
static int cancel_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	int runs, ret;

	if (failed(m, p, "no memory"))
		goto out;
	if (failed(m, rtd_timer_try_to_cancel(&p->t) == 0, "idle try_to_cancel not 0"))
		goto out;
	rtd_timer_start(&p->t, 10 * NSEC_PER_SEC, HRTIMER_MODE_REL);
	if (failed(m, rtd_timer_try_to_cancel(&p->t) == 1, "armed try_to_cancel not 1") ||
	    failed(m, !rtd_timer_active(&p->t), "active after cancel"))
		goto out;
	p->sleep_ms = 100;
	p->periods = 1000;
	p->period = ms_to_ktime(1);
	rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	while (!READ_ONCE(p->pid))
		usleep_range(500, 1000);
	if (failed(m, rtd_timer_try_to_cancel(&p->t) == -1, "try_to_cancel while running not -1"))
		goto out;
	/* the callback runs and will return RESTART: the cancel stops that */
	ret = rtd_timer_cancel(&p->t);
	runs = atomic_read(&p->runs);
	if (failed(m, ret == 1, "cancel that stopped a re-arm returned %d", ret))
		goto out;
	if (failed(m, !rtd_timer_active(&p->t), "active after cancel returned"))
		goto out;
	msleep(200);
	if (failed(m, atomic_read(&p->runs) == runs, "ran after cancel (re-armed)"))
		goto out;
	/* cancel from the callback itself: no wait, no re-arm */
	p->sleep_ms = 0;
	p->cancel_self = true;
	p->periods = 1000;
	rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	if (failed(m, probe_wait(p, runs + 1), "self-cancelling timer never ran"))
		goto out;
	msleep(50);
	if (failed(m, atomic_read(&p->runs) == runs + 1, "re-armed after cancelling itself") ||
	    failed(m, p->self_cancel_ret == 0,
		   "cancel from the callback, nothing else armed, returned %d",
		   p->self_cancel_ret) ||
	    failed(m, !rtd_timer_active(&p->t), "active after cancelling itself") ||
	    failed(m, rtd_timer_cancel(&p->t) == 0, "idle timer's cancel returned 1"))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

/*
 * An expiry queued on a ktimers thread that is busy with another callback:
 * timer A's callback holds ktimers/N until B has expired on the same CPU,
 * so B's expiry waits in N's queue, not started. Then a cancel must take
 * it out of the queue itself: rtd_timer_cancel(B) from A's callback (the
 * thread that would run B is the caller: waiting for it never ends), and
 * rtd_timer_try_to_cancel(B) >= 0 followed by kfree(B), as mainline code
 * does with hrtimers (the thread must not touch B afterwards: slub
 * poisoning and KASAN see it).
 */
struct blocker {
	struct probe a;
	struct rtd_timer *b;
	struct completion b_fired;
	bool cancel_b;		/* A cancels B itself */
	int cancel_ret;
	atomic_t b_runs;
};

static enum rtd_timer_restart blocker_a_fn(struct rtd_timer *t)
{
	struct blocker *k = container_of(t, struct blocker, a.t);

	WRITE_ONCE(k->a.pid, current->pid);
	if (!wait_for_completion_timeout(&k->b_fired, 10 * HZ))
		return RTD_TIMER_NORESTART;
	if (k->cancel_b)
		k->cancel_ret = rtd_timer_cancel(k->b);
	atomic_inc(&k->a.runs);
	return RTD_TIMER_NORESTART;
}

static struct blocker *blocker_b_owner;

static enum rtd_timer_restart blocker_b_fn(struct rtd_timer *t)
{
	atomic_inc(&blocker_b_owner->b_runs);
	return RTD_TIMER_NORESTART;
}

/* On the CPU the test runs on: A busy in ktimers/N, B's expiry queued behind. */
static int blocker_setup(struct seq_file *m, struct blocker *k)
{
	int i;

	rtd_timer_start(&k->a.t, ms_to_ktime(1), HRTIMER_MODE_REL_PINNED);
	for (i = 0; i < 10000 && !READ_ONCE(k->a.pid); i++)
		usleep_range(500, 1000);
	if (failed(m, READ_ONCE(k->a.pid), "A never ran"))
		return -1;
	rtd_timer_start(k->b, ms_to_ktime(1), HRTIMER_MODE_REL_PINNED);
	for (i = 0; i < 10000 && rtd_timer_is_queued(k->b); i++)
		usleep_range(500, 1000);
	if (failed(m, !rtd_timer_is_queued(k->b) && rtd_timer_active(k->b),
		   "B did not expire into the queue"))
		return -1;
	return 0;
}

static int queued_cancel_body(void *arg)
{
	struct seq_file *m = arg;
	struct blocker *k = kzalloc(sizeof(*k), GFP_KERNEL);
	int ret = -1;

	if (failed(m, k, "no memory"))
		return -1;
	k->b = kzalloc(sizeof(*k->b), GFP_KERNEL);
	if (failed(m, k->b, "no memory"))
		goto out;
	blocker_b_owner = k;
	init_completion(&k->b_fired);
	rtd_timer_init(&k->a.t, blocker_a_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_timer_init(k->b, blocker_b_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);

	/* 1: A's callback cancels B, queued behind it on the same thread */
	k->cancel_b = true;
	if (blocker_setup(m, k))
		goto out;
	complete(&k->b_fired);
	if (failed(m, probe_wait(&k->a, 1),
		   "cancel from A's callback of B, queued behind A, never returned"))
		goto out;
	rtd_timer_cancel(&k->a.t);
	if (failed(m, k->cancel_ret == 1, "cancel of a queued expiry returned %d", k->cancel_ret) ||
	    failed(m, !atomic_read(&k->b_runs), "cancelled B ran") ||
	    failed(m, !rtd_timer_active(k->b), "B active after its cancel"))
		goto out;

	/* 2: try_to_cancel(B) says 1, then B is freed at once */
	k->cancel_b = false;
	k->a.pid = 0;
	reinit_completion(&k->b_fired);
	if (blocker_setup(m, k))
		goto out;
	ret = rtd_timer_try_to_cancel(k->b);
	if (ret >= 0) {
		kfree(k->b);
		k->b = NULL;
	}
	complete(&k->b_fired);
	if (failed(m, ret == 1, "try_to_cancel of a queued expiry returned %d", ret) ||
	    failed(m, probe_wait(&k->a, 2), "A never finished"))
		goto out;
	rtd_timer_cancel(&k->a.t);
	/* the thread has passed where B was: anything it did to B shows now */
	if (failed(m, !atomic_read(&k->b_runs), "B ran after try_to_cancel"))
		goto out;
	ret = 0;
out:
	if (k->b) {
		rtd_timer_cancel(k->b);
		kfree(k->b);
	}
	complete(&k->b_fired);
	rtd_timer_cancel(&k->a.t);
	kfree(k);
	return ret;
}

static int queued_cancel_show(struct seq_file *m, void *v)
{
	if (!rtd_run_on_cpu(cpumask_first(cpu_online_mask), queued_cancel_body, m))
		seq_puts(m, "ok\n");
	return 0;
}

/*
 * Task binding. "task_arm" binds a timer to the reading process and arms
 * it (5 ms); "task_result" tells whether its callback ran in that process.
 * "exit_arm" binds a periodic timer to the reading process, which then
 * exits; "exit_result" checks that the timer stopped and says why.
 */
static struct probe *task_probe, *exit_probe;
static pid_t bound_pid;

static int task_arm_show(struct seq_file *m, void *v)
{
	int ret;

	probe_free(task_probe);
	task_probe = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	if (failed(m, task_probe, "no memory"))
		return 0;
	ret = rtd_timer_bind_task(&task_probe->t, current);
	if (failed(m, !ret, "bind failed: %d", ret))
		return 0;
	bound_pid = current->pid;
	rtd_timer_start(&task_probe->t, ms_to_ktime(5), HRTIMER_MODE_REL);
	seq_puts(m, "ok\n");
	return 0;
}

static int task_result_show(struct seq_file *m, void *v)
{
	if (failed(m, task_probe, "not armed") ||
	    failed(m, atomic_read(&task_probe->runs) == 1, "ran %d times",
		   atomic_read(&task_probe->runs)) ||
	    failed(m, task_probe->pid == bound_pid, "ran in pid %d, bound to %d",
		   task_probe->pid, bound_pid) ||
	    failed(m, !task_probe->thread_ok, "ran in a ktimers thread"))
		return 0;
	/* unbound, the next expiry runs in ktimers/N again */
	rtd_timer_unbind_task(&task_probe->t);
	rtd_timer_start(&task_probe->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	if (failed(m, probe_wait(task_probe, 2), "unbound timer never ran") ||
	    failed(m, task_probe->thread_ok, "unbound timer not in ktimers/N"))
		return 0;
	seq_puts(m, "ok\n");
	return 0;
}

/* A new probe bound to the reading task, or NULL (and the reason in @m). */
static struct probe *probe_bound_to_current(struct seq_file *m)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);

	if (failed(m, p, "no memory"))
		return NULL;
	if (failed(m, !rtd_timer_bind_task(&p->t, current), "bind failed")) {
		probe_free(p);
		return NULL;
	}
	return p;
}

static int exit_arm_show(struct seq_file *m, void *v)
{
	if (failed(m, !exit_probe, "previous exit check not collected"))
		return 0;
	exit_probe = probe_bound_to_current(m);
	if (!exit_probe)
		return 0;
	exit_probe->periods = INT_MAX;
	exit_probe->period = ms_to_ktime(2);
	rtd_timer_start(&exit_probe->t, ms_to_ktime(2), HRTIMER_MODE_REL);
	seq_puts(m, "ok\n");
	return 0;
}

/* How many expiries the exit check's timer ran so far, or -1. */
static int exit_runs_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", exit_probe ? atomic_read(&exit_probe->runs) : -1);
	return 0;
}

static int exit_result_show(struct seq_file *m, void *v)
{
	int runs;

	if (failed(m, exit_probe, "not armed"))
		return 0;
	msleep(30);	/* let a last expiry find the task gone */
	runs = atomic_read(&exit_probe->runs);
	msleep(30);
	if (failed(m, runs >= 1, "no expiry ran in the task before it exited") ||
	    failed(m, rtd_timer_task_exited(&exit_probe->t), "task exit not noticed") ||
	    failed(m, atomic_read(&exit_probe->runs) == runs, "still running after exit") ||
	    failed(m, !rtd_timer_active(&exit_probe->t), "still active after exit"))
		goto out;
	seq_printf(m, "ok %d runs before exit\n", runs);
out:
	probe_free(exit_probe);
	exit_probe = NULL;
	return 0;
}

/*
 * A timer bound to a task that exited expires: the hardirq part finds the
 * task gone and drops the binding's task reference in the background. The
 * consumer unbinds before that ran, so the background put is the last
 * reference and frees the binding. Whatever runs it must not touch the
 * binding after that: a threaded irq_work item inside the binding, freed by
 * its own callback, would be written to by the runner after its callback
 * returned. Debug hooks see every free of a binding and the end of every
 * irq_work callback. CPU 1's irq_work thread is held busy by a blocker so
 * that the unbind comes first.
 */
static struct {
	const void *obj;
	size_t size;
	atomic_t frees, own;
} freed;

static void free_hook(void *arg)
{
	struct rtd_hook_free *h = arg;

	WRITE_ONCE(freed.size, h->size);
	WRITE_ONCE(freed.obj, h->obj);
	atomic_inc(&freed.frees);
}

static void iw_done_hook(void *arg)
{
	const char *obj = READ_ONCE(freed.obj);

	if (obj && (const char *)arg >= obj && (const char *)arg < obj + READ_ONCE(freed.size))
		atomic_inc(&freed.own);
}

static DECLARE_COMPLETION(blocker_go);
static atomic_t blocker_runs;

static void blocker_fn(struct rtd_irq_work *w)
{
	wait_for_completion(&blocker_go);
	atomic_inc(&blocker_runs);
}

static int exit_quickly(void *arg)
{
	return 0;
}

/* Bind @p to a kthread, which then exits (its exit_task_work() done). */
static struct task_struct *bound_exited_task(struct probe *p)
{
	struct task_struct *t = kthread_create(exit_quickly, NULL, "rtd_exits");
	int i;

	if (IS_ERR(t))
		return NULL;
	get_task_struct(t);
	if (rtd_timer_bind_task(&p->t, t)) {
		kthread_stop(t);
		put_task_struct(t);
		return NULL;
	}
	wake_up_process(t);
	for (i = 0; i < 10000 && !READ_ONCE(t->exit_state); i++)
		usleep_range(500, 1000);
	return t;
}

static void exited_unbind_run(struct seq_file *m, struct probe *p, struct task_struct *t)
{
	struct rtd_irq_work blocker = RTD_IRQ_WORK_INIT(blocker_fn);
	int i, frees;

	if (failed(m, READ_ONCE(t->exit_state), "the bound task never exited") ||
	    failed(m, rtd_irq_work_queue_on(&blocker, 1), "blocker not queued"))
		return;
	rtd_timer_start(&p->t, ms_to_ktime(1), HRTIMER_MODE_REL_PINNED);
	for (i = 0; i < 10000 && !rtd_timer_task_exited(&p->t); i++)
		usleep_range(500, 1000);
	frees = atomic_read(&freed.frees);
	rtd_timer_unbind_task(&p->t);
	complete(&blocker_go);
	rtd_irq_work_sync(&blocker);
	/* the background put ran once the blocker let go: wait for it */
	for (i = 0; i < 10000 && atomic_read(&freed.frees) == frees; i++)
		usleep_range(500, 1000);
	if (failed(m, atomic_read(&freed.frees) > frees, "the binding was never freed") ||
	    failed(m, !atomic_read(&freed.own),
		   "an irq_work item freed by its own callback (then written to)"))
		return;
	seq_puts(m, "ok\n");
}

static int exited_unbind_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	struct task_struct *t;

	if (failed(m, p, "no memory") || failed(m, cpu_online(1), "needs CPU 1"))
		goto out;
	reinit_completion(&blocker_go);
	atomic_set(&freed.frees, 0);
	atomic_set(&freed.own, 0);
	WRITE_ONCE(freed.obj, NULL);
	rtd_debug_set_hook(RTD_HOOK_FREE, free_hook);
	rtd_debug_set_hook(RTD_HOOK_IW_CALLBACK_DONE, iw_done_hook);
	t = bound_exited_task(p);
	if (!failed(m, t, "no task to bind")) {
		exited_unbind_run(m, p, t);
		put_task_struct(t);
	}
	rtd_debug_set_hook(RTD_HOOK_IW_CALLBACK_DONE, NULL);
	rtd_debug_set_hook(RTD_HOOK_FREE, NULL);
	/* the hooks ran in other contexts: let every such call return */
	synchronize_rcu();
out:
	probe_free(p);
	return 0;
}

/*
 * A callback cancels its own timer while the timer's hardirq part runs on
 * another CPU (the callback re-armed it there through a helper thread on
 * CPU 1; a debug hook holds that hardirq part until the cancel returned,
 * at most 1 s). The cancel must not let that expiry run the callback again.
 */
static struct {
	struct rtd_timer t;
	struct completion start_on_1, hard_in;
	atomic_t runs, cancel_returned;
} sc;

static void sc_hard_hook(void *arg)
{
	u64 end = ktime_get_mono_fast_ns() + NSEC_PER_SEC;

	if (arg != &sc.t || raw_smp_processor_id() != 1 || atomic_read(&sc.runs) != 1)
		return;
	complete(&sc.hard_in);
	while (!atomic_read(&sc.cancel_returned) && ktime_get_mono_fast_ns() < end)
		cpu_relax();
}

static enum rtd_timer_restart sc_fn(struct rtd_timer *t)
{
	if (atomic_inc_return(&sc.runs) != 1)
		return RTD_TIMER_NORESTART;
	complete(&sc.start_on_1);
	wait_for_completion(&sc.hard_in);
	rtd_timer_cancel(t);
	atomic_set(&sc.cancel_returned, 1);
	return RTD_TIMER_NORESTART;
}

static int sc_starter(void *arg)
{
	wait_for_completion(&sc.start_on_1);
	rtd_timer_start(&sc.t, ns_to_ktime(1000), HRTIMER_MODE_REL_PINNED);
	return 0;
}

static int self_cancel_race_show(struct seq_file *m, void *v)
{
	struct task_struct *k;
	int i;

	if (failed(m, cpu_online(1), "needs CPU 1"))
		return 0;
	rtd_timer_init(&sc.t, sc_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	init_completion(&sc.start_on_1);
	init_completion(&sc.hard_in);
	atomic_set(&sc.runs, 0);
	atomic_set(&sc.cancel_returned, 0);
	k = kthread_create(sc_starter, NULL, "rtd_sc");
	if (failed(m, !IS_ERR(k), "no thread"))
		return 0;
	kthread_bind(k, 1);
	get_task_struct(k);
	wake_up_process(k);
	rtd_debug_set_hook(RTD_HOOK_TIMER_HARD, sc_hard_hook);
	rtd_timer_start(&sc.t, ns_to_ktime(1000), HRTIMER_MODE_REL);
	/* the hardirq part done, and whatever it left for a thread */
	for (i = 0; i < 10000 && (!atomic_read(&sc.cancel_returned) ||
				  rtd_timer_active(&sc.t)); i++)
		usleep_range(500, 1000);
	complete(&sc.start_on_1);	/* if the callback never ran */
	kthread_stop(k);
	put_task_struct(k);
	complete(&sc.hard_in);
	rtd_timer_cancel(&sc.t);
	rtd_debug_set_hook(RTD_HOOK_TIMER_HARD, NULL);
	synchronize_rcu();
	if (!failed(m, atomic_read(&sc.runs) == 1,
		    "the callback ran %d times: once more after it cancelled itself",
		    atomic_read(&sc.runs)))
		seq_puts(m, "ok\n");
	return 0;
}

/*
 * An expiry that comes while the callback runs is run by the same thread
 * right after it, yet the hardirq part has also put the timer on the
 * ktimers queue: that entry is stale once the running side took the
 * expiry. The first run re-arms the timer to expire at once, pinned, and
 * spins until its hardirq part has run on this CPU; the second run cancels
 * its own timer, which then has nothing armed or pending: the cancel must
 * say 0, not count the stale entry as a cancelled expiry.
 */
static struct {
	struct rtd_timer t;
	atomic_t runs, hard;
	int hard_cpu, run_cpu, cancel_ret;
	bool waited;
} st;

static bool st_check(struct rtd_timer *t)
{
	st.hard_cpu = raw_smp_processor_id();
	atomic_inc(&st.hard);
	return true;
}

static enum rtd_timer_restart st_fn(struct rtd_timer *t)
{
	unsigned long end = jiffies + HZ;
	int n = atomic_inc_return(&st.runs), hard = atomic_read(&st.hard);

	if (n == 1) {
		st.run_cpu = raw_smp_processor_id();
		rtd_timer_start(t, 0, HRTIMER_MODE_REL_PINNED);
		/* same CPU: once its count moved, the hardirq part is over */
		while (atomic_read(&st.hard) == hard && time_before(jiffies, end))
			cpu_relax();
		st.waited = atomic_read(&st.hard) != hard;
	} else if (n == 2) {
		st.cancel_ret = rtd_timer_cancel(t);
	}
	return RTD_TIMER_NORESTART;
}

static int stale_entry_show(struct seq_file *m, void *v)
{
	int i;

	memset(&st, 0, sizeof(st));
	rtd_timer_init(&st.t, st_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_timer_set_check(&st.t, st_check);
	st.cancel_ret = -2;
	rtd_timer_start(&st.t, ns_to_ktime(1000), HRTIMER_MODE_REL_PINNED);
	for (i = 0; i < 10000 && (atomic_read(&st.runs) < 2 || rtd_timer_active(&st.t)); i++)
		usleep_range(500, 1000);
	rtd_timer_cancel(&st.t);
	if (failed(m, st.waited, "the re-armed expiry's hardirq part never came") ||
	    failed(m, st.hard_cpu == st.run_cpu, "re-armed pinned on CPU %d, expired on %d",
		   st.run_cpu, st.hard_cpu) ||
	    failed(m, atomic_read(&st.runs) == 2, "the callback ran %d times, not 2",
		   atomic_read(&st.runs)) ||
	    failed(m, st.cancel_ret == 0,
		   "cancel from the run that took the expiry returned %d: the stale queue entry counted",
		   st.cancel_ret))
		return 0;
	seq_puts(m, "ok\n");
	return 0;
}

/*
 * hold_bind binds a timer to the reading task; hold_start, read by another
 * task, lets it expire: the bound task runs the expiry on its next return
 * to user space, then drops its module reference on rtdefer. See
 * unload_waits_for_a_task_leaving_rtdefer in tests/selftests/rtd_timer.c.
 */
static struct probe *hold_probe;

static int hold_bind_show(struct seq_file *m, void *v)
{
	if (failed(m, !hold_probe, "bound twice"))
		return 0;
	hold_probe = probe_bound_to_current(m);
	if (!hold_probe)
		return 0;
	seq_puts(m, "ok\n");
	return 0;
}

static int hold_start_show(struct seq_file *m, void *v)
{
	int i;

	if (failed(m, hold_probe, "not bound"))
		return 0;
	rtd_timer_start(&hold_probe->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	/* the hardirq part handed the expiry to the bound task */
	for (i = 0; i < 10000 && hrtimer_active(&hold_probe->t.hrt); i++)
		usleep_range(500, 1000);
	if (failed(m, !hrtimer_active(&hold_probe->t.hrt), "never expired"))
		return 0;
	seq_puts(m, "ok\n");
	return 0;
}

/*
 * Hotplug: 10000 timers, armed 1..100 ms ahead from both CPUs, half of them
 * pinned; user space takes CPU 1 down meanwhile. Each runs exactly once.
 */
#define NHP 10000

struct counted {
	struct rtd_timer t;
	atomic_t runs;
};

static struct counted *hp;

static enum rtd_timer_restart counted_fn(struct rtd_timer *t)
{
	atomic_inc(&container_of(t, struct counted, t)->runs);
	return RTD_TIMER_NORESTART;
}

static int hp_arm(void *arg)
{
	int i, first = (long)arg;

	for (i = first; i < NHP; i += 2)
		rtd_timer_start(&hp[i].t, ms_to_ktime(1 + i % 100),
				i % 4 < 2 ? HRTIMER_MODE_REL_PINNED : HRTIMER_MODE_REL);
	return 0;
}

static int hotplug_start_show(struct seq_file *m, void *v)
{
	int i;

	if (failed(m, !hp && cpu_online(1), "already started, or CPU 1 offline"))
		return 0;
	hp = vzalloc(sizeof(*hp) * NHP);
	if (failed(m, hp, "no memory"))
		return 0;
	for (i = 0; i < NHP; i++)
		rtd_timer_init(&hp[i].t, counted_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	rtd_run_on_cpu(0, hp_arm, (void *)0L);
	rtd_run_on_cpu(1, hp_arm, (void *)1L);
	seq_puts(m, "ok\n");
	return 0;
}

static int hotplug_stop_show(struct seq_file *m, void *v)
{
	unsigned long end = jiffies + 10 * HZ;
	int i, bad = 0;

	if (failed(m, hp, "not started"))
		return 0;
	for (i = 0; i < NHP; i++) {
		while (rtd_timer_active(&hp[i].t) && time_before(jiffies, end))
			msleep(20);
		bad += atomic_read(&hp[i].runs) != 1;
	}
	if (!failed(m, !bad, "%d of %d timers did not run exactly once", bad, NHP))
		seq_puts(m, "ok\n");
	for (i = 0; i < NHP; i++)
		rtd_timer_cancel(&hp[i].t);
	vfree(hp);
	hp = NULL;
	return 0;
}

/* Unload with armed timers: periodic ones, some sleeping, cancelled by exit. */
#define NARMED 64
static struct probe *armed[NARMED];

static int armed_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < NARMED; i++) {
		if (armed[i])
			continue;
		armed[i] = probe_new(CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		if (failed(m, armed[i], "no memory"))
			return 0;
		armed[i]->periods = INT_MAX;
		armed[i]->period = ms_to_ktime(1 + i % 5);
		armed[i]->sleep_ms = i % 8 ? 0 : 20;
		rtd_timer_start(&armed[i]->t, ms_to_ktime(1), HRTIMER_MODE_REL);
	}
	seq_puts(m, "ok\n");
	return 0;
}

/*
 * Defect #1 of the review: the hardirq part of an expiry reads
 * timer->binding with interrupts off and no reference, then locks the
 * binding, while an unbind on another CPU may drop its last reference. Such
 * readers are RCU readers (interrupts off), so a binding must stay intact
 * until a grace period passed. The test plays that reader in an RCU
 * read-side section: it unbinds, the free hook sees the binding go and notes
 * its first bytes (the task_work head, which nothing writes at free), and
 * they must still read the same before the section ends. A plain kfree()
 * shows at once: slub_debug's poison (the guests boot slub_debug=FZPU) or a
 * KASAN report.
 */
static struct {
	const void *obj;
	u8 head[16];
	atomic_t frees;
} rs;

static void rs_free_hook(void *arg)
{
	struct rtd_hook_free *h = arg;

	if (atomic_inc_return(&rs.frees) != 1 || h->size < sizeof(rs.head))
		return;
	memcpy(rs.head, h->obj, sizeof(rs.head));
	WRITE_ONCE(rs.obj, h->obj);
}

static int reader_unbind_show(struct seq_file *m, void *v)
{
	struct probe *p = probe_bound_to_current(m);
	bool same = false;

	if (!p)
		return 0;
	atomic_set(&rs.frees, 0);
	WRITE_ONCE(rs.obj, NULL);
	rtd_debug_set_hook(RTD_HOOK_FREE, rs_free_hook);
	rcu_read_lock();
	rtd_timer_unbind_task(&p->t);
	if (READ_ONCE(rs.obj))
		same = !memcmp(rs.head, rs.obj, sizeof(rs.head));
	rcu_read_unlock();
	rtd_debug_set_hook(RTD_HOOK_FREE, NULL);
	synchronize_rcu();
	if (failed(m, READ_ONCE(rs.obj), "the unbind freed no binding (%d frees)",
		   atomic_read(&rs.frees)) ||
	    failed(m, same, "the binding was freed under an RCU reader (its memory changed)"))
		goto out;
	seq_puts(m, "ok\n");
out:
	probe_free(p);
	return 0;
}

static const struct rtd_check checks[] = {
	{ "ctx", ctx_show },
	{ "check_sleep", check_sleep_show },
	{ "periodic", periodic_show },
	{ "forward", forward_show },
	{ "reader_unbind", reader_unbind_show },
	{ "check_decline_periodic", check_decline_periodic_show },
	{ "pinned_restart", pinned_restart_show },
	{ "one_pending", one_pending_show },
	{ "cancel", cancel_show },
	{ "queued_cancel", queued_cancel_show },
	{ "self_cancel_race", self_cancel_race_show },
	{ "stale_entry", stale_entry_show },
	{ "task_arm", task_arm_show },
	{ "task_result", task_result_show },
	{ "exit_arm", exit_arm_show },
	{ "exit_runs", exit_runs_show },
	{ "exit_result", exit_result_show },
	{ "exited_unbind", exited_unbind_show },
	{ "hold_bind", hold_bind_show },
	{ "hold_start", hold_start_show },
	{ "hotplug_start", hotplug_start_show },
	{ "hotplug_stop", hotplug_stop_show },
	{ "armed", armed_show },
};

static struct dentry *dir;

static int __init rtd_test_timer_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(our_thread, cpu) = rtd_debug_class_thread("timer", cpu);
	dir = rtd_checks_create("rtd_test_timer", checks, ARRAY_SIZE(checks));
	return 0;
}

static void __exit rtd_test_timer_exit(void)
{
	int i;

	debugfs_remove_recursive(dir);
	for (i = 0; i < NARMED; i++)
		probe_free(armed[i]);
	probe_free(task_probe);
	probe_free(exit_probe);
	probe_free(hold_probe);
	if (hp) {
		for (i = 0; i < NHP; i++)
			rtd_timer_cancel(&hp[i].t);
		vfree(hp);
	}
}

module_init(rtd_test_timer_init);
module_exit(rtd_test_timer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer deferred timer checks used by rtdefer's own tests");
RTD_MODULE_IMPORT_NS();
