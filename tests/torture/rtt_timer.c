// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture: deferred timers. Three kinds: timers armed 20-320 us ahead,
 * pinned, whose expiry runs in the CPU's ktimers thread; timers with a
 * hardirq check that declines one expiry in four (the check consumes the
 * arm); and timers bound to a kthread that exits while the timer is armed
 * or its task_work queued, which rtdefer must notice (the callback does not
 * run in a dead task; rtd_timer_task_exited() says so); and timers bound
 * to a user process (busybox, started by a usermode helper, bound and armed
 * between its fork and its exec), which runs the expiry on a return to user
 * space or exits first, at random, or is moved to a second process or
 * unbound while armed. Timers are armed from hardirq and task
 * context, re-arm themselves a few times (RTD_TIMER_RESTART), and chaos
 * threads cancel them in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hardirq.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/umh.h>
#include <rtdefer/timer.h>

#include "compat/compat.h"
#include "rtt.h"

enum { RTT_T_THREAD, RTT_T_CHECK, RTT_T_TASK, RTT_T_USER, RTT_T_NR };

static const char * const rtt_t_names[RTT_T_NR] = {
	"timer.thread", "timer.check", "timer.task_exit", "timer.user_task",
};

struct rtt_timer {
	struct rtd_timer t;
	struct rtt_item it;
	struct task_struct *task;	/* RTT_T_TASK, _USER: bound to it */
	struct task_struct *task2;	/* RTT_T_USER: re-bound to it */
	unsigned int restarts;		/* re-arms left for this arm */
	unsigned int arm_us;		/* RTT_T_USER: up to this far ahead */
	bool armed;			/* RTT_T_USER: bound and armed */
	bool unbound;			/* RTT_T_USER: unbound while armed */
};

static struct rtt_kind rtt_t_kinds[RTT_T_NR];
static struct rtt_timer *rtt_t_items[RTT_T_NR];
static DEFINE_MUTEX(rtt_t_task_lock);	/* one task-bound round at a time */
static unsigned long rtt_t_rebinds, rtt_t_unbinds;	/* under rtt_t_task_lock */

static ktime_t rtt_t_delay(void)
{
	return ns_to_ktime((20 + rtt_rand(300)) * NSEC_PER_USEC);
}

static enum rtd_timer_restart rtt_t_fn(struct rtd_timer *t)
{
	struct rtt_timer *x = container_of(t, struct rtt_timer, t);
	bool ctx = x->task ? current == x->task || current == READ_ONCE(x->task2) ||
			     (READ_ONCE(x->unbound) && rtt_in_thread(RTT_THREAD_TIMER)) :
		   rtt_in_thread(RTT_THREAD_TIMER);

	rtt_cb_start(&x->it, ctx);
	if (x->restarts && !rtt_stopping()) {
		x->restarts--;
		rtt_stamp(&x->it, -1, false);
		atomic_long_inc(&x->it.kind->queued);
		rtd_timer_forward_now(t, rtt_t_delay());
		atomic_dec(&x->it.in_cb);
		return RTD_TIMER_RESTART;
	}
	rtt_cb_end(&x->it);
	return RTD_TIMER_NORESTART;
}

/* In hardirq at expiry: decline one expiry in four, which ends the arm. */
static bool rtt_t_check(struct rtd_timer *t)
{
	struct rtt_timer *x = container_of(t, struct rtt_timer, t);

	if (rtt_rand(4))
		return true;
	rtt_cb_start(&x->it, in_hardirq());
	rtt_cb_end(&x->it);
	return false;
}

static int rtt_t_init(void)
{
	unsigned int k, n;
	int ret = 0;

	for (k = 0; k < RTT_T_NR && !ret; k++) {
		ret = rtt_kind_init(&rtt_t_kinds[k], rtt_t_names[k], true);
		rtt_t_items[k] = kcalloc(rtt_nitems, sizeof(struct rtt_timer), GFP_KERNEL);
		if (!rtt_t_items[k])
			ret = -ENOMEM;
		for (n = 0; !ret && n < rtt_nitems; n++) {
			struct rtt_timer *x = &rtt_t_items[k][n];

			x->it.kind = &rtt_t_kinds[k];
			x->it.prev_cpu = -1;
			rtd_timer_init(&x->t, rtt_t_fn, CLOCK_MONOTONIC,
				       HRTIMER_MODE_REL_PINNED);
			if (k == RTT_T_CHECK)
				rtd_timer_set_check(&x->t, rtt_t_check);
		}
	}
	return ret;
}

static void rtt_t_arm(struct rtt_timer *x, ktime_t delay)
{
	/*
	 * Pinned, yet no CPU is promised: like any hrtimer, one re-armed
	 * while its hardirq part still runs on another CPU stays there.
	 */
	rtt_stamp(&x->it, -1, false);
	atomic_long_inc(&x->it.kind->queued);
	rtd_timer_start(&x->t, delay, HRTIMER_MODE_REL_PINNED);
}

static void rtt_t_produce(enum rtt_ctx ctx, int cpu)
{
	unsigned int k;

	if (ctx == RTT_SOFTIRQ)
		return;
	for (k = 0; k < RTT_T_TASK; k++) {
		struct rtt_timer *x = &rtt_t_items[k][rtt_rand(rtt_nitems)];

		if (!rtt_claim(&x->it))
			continue;
		x->restarts = k == RTT_T_THREAD && !rtt_rand(4) ? rtt_rand(4) : 0;
		rtt_t_arm(x, rtt_t_delay());
	}
}

static int rtt_t_task_fn(void *arg)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static bool rtt_t_task_settled(struct rtt_timer *x)
{
	return !atomic_read(&x->it.owned) ||
	       (!rtd_timer_active(&x->t) && rtd_timer_task_exited(&x->t));
}

/* The bound task exited: the expiry ran in it or was dropped; unbind. */
static void rtt_t_task_done(struct rtt_timer *x)
{
	int i;

	for (i = 0; i < 250 && !rtt_t_task_settled(x); i++)
		msleep(20);
	if (atomic_read(&x->it.owned)) {
		if (rtd_timer_task_exited(&x->t) && !rtd_timer_active(&x->t))
			rtt_dropped(&x->it);	/* at exit, as promised */
		else
			rtt_bad(&x->it.kind->lost, &x->it, "bound timer neither ran nor stopped");
	}
	rtd_timer_unbind_task(&x->t);
	put_task_struct(x->task);
	x->task = NULL;
	if (x->task2)
		put_task_struct(x->task2);
	WRITE_ONCE(x->task2, NULL);
	WRITE_ONCE(x->unbound, false);
}

/* Arm a timer bound to a kthread, let the kthread exit, account. */
static void rtt_t_task_round(struct rtt_timer *x)
{
	struct task_struct *task;

	if (!rtt_claim(&x->it))
		return;
	task = kthread_create(rtt_t_task_fn, NULL, "rtt_bound");
	if (IS_ERR(task)) {
		rtt_release(&x->it);
		return;
	}
	get_task_struct(task);
	x->task = task;
	if (rtd_timer_bind_task(&x->t, task))
		rtt_bad(&x->it.kind->bad_ret, &x->it, "bind_task failed");
	wake_up_process(task);
	rtt_t_arm(x, rtt_t_delay());
	usleep_range(10, 10 + rtt_rand(2000));
	kthread_stop(task);
	rtt_t_task_done(x);
}

/*
 * In the usermode helper's new task, before it execs busybox: bind the
 * timer to it and arm it (20 us to 50 ms, or to 200 ms in rtt_t_user_move()),
 * so that the expiry comes during the exec, in user space or after the exit.
 */
static int rtt_t_user_init(struct subprocess_info *info, struct cred *new)
{
	struct rtt_timer *x = info->data;

	get_task_struct(current);
	x->task = current;
	if (rtd_timer_bind_task(&x->t, current)) {
		rtt_bad(&x->it.kind->bad_ret, &x->it, "bind_task to a new process failed");
		return 0;
	}
	x->armed = true;
	rtt_stamp(&x->it, -1, false);
	atomic_long_inc(&x->it.kind->queued);
	rtd_timer_start(&x->t, ns_to_ktime((20 + rtt_rand(x->arm_us)) * NSEC_PER_USEC),
			HRTIMER_MODE_REL);
	return 0;
}

/* In a second process's new task: move the armed timer to it. */
static int rtt_t_user_rebind(struct subprocess_info *info, struct cred *new)
{
	struct rtt_timer *x = info->data;

	get_task_struct(current);
	WRITE_ONCE(x->task2, current);
	if (rtd_timer_bind_task(&x->t, current))
		rtt_bad(&x->it.kind->bad_ret, &x->it, "re-bind to a new process failed");
	return 0;
}

/* Start busybox running @script; @init runs in its task before the exec. */
static void rtt_t_user_spawn(struct rtt_timer *x, const char *script, int wait,
			     int (*init)(struct subprocess_info *info, struct cred *new))
{
	struct subprocess_info *info;
	char *argv[5], *envp[2];

	argv[0] = "/bin/busybox";
	argv[1] = "sh";
	argv[2] = "-c";
	argv[3] = (char *)script;
	argv[4] = NULL;
	envp[0] = "PATH=/bin";
	envp[1] = NULL;
	info = call_usermodehelper_setup(argv[0], argv, envp, GFP_KERNEL, init, NULL, x);
	if (info)
		call_usermodehelper_exec(info, wait);
}

/*
 * Processes that spin in user space until killed: the timer's first one,
 * and (@rebind) a second it is moved to while armed; otherwise it is
 * unbound while armed (its expiry goes to the ktimers thread). The
 * processes are killed in random order.
 */
static void rtt_t_user_move(struct rtt_timer *x, bool rebind)
{
	static const char spin[] = "while :; do :; done";
	struct task_struct *a, *b;

	rtt_t_user_spawn(x, spin, UMH_WAIT_EXEC, rtt_t_user_init);
	if (!x->armed) {
		/* not bound: the process must not spin on */
		if (x->task)
			send_sig(SIGKILL, x->task, 1);
		return;
	}
	usleep_range(10, 10 + rtt_rand(20000));
	if (rebind) {
		rtt_t_user_spawn(x, spin, UMH_WAIT_EXEC, rtt_t_user_rebind);
		rtt_t_rebinds += !!x->task2;
	} else {
		WRITE_ONCE(x->unbound, true);
		rtd_timer_unbind_task(&x->t);
		rtt_t_unbinds++;
	}
	a = x->task;
	b = x->task2;
	if (b && rtt_rand(2))
		swap(a, b);
	send_sig(SIGKILL, a, 1);
	if (b)
		send_sig(SIGKILL, b, 1);
}

/*
 * A user process that loops a random while in user space (or not at all),
 * then exits; or one or two that spin until killed, with the timer re-bound
 * or unbound meanwhile (rtt_t_user_move()).
 */
static void rtt_t_user_round(struct rtt_timer *x)
{
	unsigned int how = rtt_rand(4);
	char script[80];

	if (!rtt_claim(&x->it))
		return;
	x->armed = false;
	x->arm_us = how >= 2 ? 200000 : 50000;
	if (how >= 2) {
		rtt_t_user_move(x, how == 3);
	} else {
		snprintf(script, sizeof(script),
			 "i=0; while [ $i -lt %u ]; do i=$((i + 1)); done",
			 how ? rtt_rand(3000) : 0);
		rtt_t_user_spawn(x, script, UMH_WAIT_PROC, rtt_t_user_init);
	}
	if (x->armed) {
		rtt_t_task_done(x);
		return;
	}
	if (x->task) {
		put_task_struct(x->task);
		x->task = NULL;
	}
	rtt_release(&x->it);
}

static void rtt_t_cancel(struct rtt_timer *x)
{
	int ret;

	if (rtt_rand(2)) {
		if (rtd_timer_try_to_cancel(&x->t) == 1)
			rtt_cancelled(&x->it);
		return;
	}
	ret = rtd_timer_cancel(&x->t);
	if (ret && atomic_read(&x->it.in_cb))
		rtt_bad(&x->it.kind->bad_ret, &x->it, "callback running after rtd_timer_cancel");
	if (ret)
		rtt_cancelled(&x->it);
}

/*
 * Arm a batch of timers 1-10 ms ahead and cancel them at once: most are
 * still pending then, so cancels take back a share of the arms that the
 * cancels of random items (armed 20-320 us ahead) alone do not reach.
 */
static void rtt_t_arm_cancel(void)
{
	struct rtt_timer *b[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(b); i++) {
		b[i] = &rtt_t_items[rtt_rand(RTT_T_TASK)][rtt_rand(rtt_nitems)];
		if (!rtt_claim(&b[i]->it)) {
			b[i] = NULL;
			continue;
		}
		b[i]->restarts = 0;
		rtt_t_arm(b[i], ns_to_ktime((1000 + rtt_rand(9000)) * NSEC_PER_USEC));
	}
	for (i = 0; i < ARRAY_SIZE(b); i++)
		if (b[i])
			rtt_t_cancel(b[i]);
}

static void rtt_t_chaos(void)
{
	unsigned int k = rtt_rand(RTT_T_NR);
	struct rtt_timer *x = &rtt_t_items[k][rtt_rand(rtt_nitems)];

	if (k < RTT_T_TASK) {
		if (rtt_rand(2))
			rtt_t_cancel(x);
		else
			rtt_t_arm_cancel();
	} else if (mutex_trylock(&rtt_t_task_lock)) {
		if (k == RTT_T_TASK)
			rtt_t_task_round(x);
		else
			rtt_t_user_round(x);
		mutex_unlock(&rtt_t_task_lock);
	}
}

static void rtt_t_quiesce(void)
{
	unsigned int k, n;

	for (k = 0; k < RTT_T_NR; k++) {
		unsigned long deadline = jiffies + RTT_SETTLE_SECS * HZ;

		for (n = 0; n < rtt_nitems; n++) {
			rtt_settle(&rtt_t_items[k][n].it, deadline);
			rtt_kind_account(&rtt_t_kinds[k], &rtt_t_items[k][n].it);
		}
	}
}

static bool rtt_t_report(int *test)
{
	bool ok = true;
	unsigned int k;

	for (k = 0; k < RTT_T_NR; k++)
		ok &= rtt_kind_report(&rtt_t_kinds[k], test);
	pr_info("ktap: # timer.user_task: moved to a second process %lu, unbound %lu times while armed\n",
		rtt_t_rebinds, rtt_t_unbinds);
	return ok;
}

static void rtt_t_exit(void)
{
	unsigned int k, n;

	for (k = 0; k < RTT_T_NR; k++) {
		for (n = 0; rtt_t_items[k] && n < rtt_nitems; n++)
			rtd_timer_cancel(&rtt_t_items[k][n].t);
		kfree(rtt_t_items[k]);
		rtt_t_items[k] = NULL;
		rtt_kind_free(&rtt_t_kinds[k]);
	}
}

struct rtt_facility rtt_timer_facility = {
	.name = "timer",
	.init = rtt_t_init,
	.produce = rtt_t_produce,
	.chaos = rtt_t_chaos,
	.quiesce = rtt_t_quiesce,
	.report = rtt_t_report,
	.exit = rtt_t_exit,
};
