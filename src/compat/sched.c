// SPDX-License-Identifier: GPL-2.0
/*
 * Giving a thread a scheduling setting with what this kernel exports.
 *
 * With sched_setattr_nocheck() exported (probe export_sched_setattr_nocheck:
 * 6.1 and later) every policy and priority can be set. Without it (5.10)
 * modules only have sched_set_fifo_low() (FIFO 1), sched_set_fifo() (FIFO
 * MAX_RT_PRIO / 2 = 50) and sched_set_normal() (other, any nice value):
 * rtd_sched_can_policy() and rtd_sched_can_prio() refuse the rest before any
 * thread is touched. set_user_nice(), exported everywhere, gives RT threads
 * their nice value.
 */
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <uapi/linux/sched/types.h>

#include "compat/compat.h"
#include "internal.h"

#define RTD_FIFO_MID	(MAX_RT_PRIO / 2)	/* what sched_set_fifo() sets */

#define RTD_LIMITS_TEXT \
	"this kernel does not export sched_setattr_nocheck(): rtdefer can only set fifo priority 1 or 50, or other; set anything else with chrt on the threads' PIDs"

#ifdef RTD_HAVE_EXPORT_SCHED_SETATTR_NOCHECK
#define RTD_SETS_ANY	true

static int rtd_set_policy(struct task_struct *t, int policy, int prio, int nice)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = policy,
		.sched_priority = prio,
		.sched_nice = nice,
	};

	return sched_setattr_nocheck(t, &attr);
}
#else
#define RTD_SETS_ANY	false

static int rtd_set_policy(struct task_struct *t, int policy, int prio, int nice)
{
	if (policy == SCHED_NORMAL)
		sched_set_normal(t, nice);
	else if (policy == SCHED_FIFO && prio == 1)
		sched_set_fifo_low(t);
	else if (policy == SCHED_FIFO && prio == RTD_FIFO_MID)
		sched_set_fifo(t);
	else
		return -EOPNOTSUPP;
	return 0;
}
#endif

static const int rtd_kernel_policy[] = {
	[RTD_POLICY_FIFO] = SCHED_FIFO,
	[RTD_POLICY_RR] = SCHED_RR,
	[RTD_POLICY_OTHER] = SCHED_NORMAL,
};

/**
 * rtd_sched_can_policy() - whether this kernel lets rtdefer set a policy
 * @policy: the policy
 *
 * Context: Any context.
 * Return: false for rr without sched_setattr_nocheck(), else true.
 */
bool rtd_sched_can_policy(enum rtd_policy policy)
{
	return RTD_SETS_ANY || policy != RTD_POLICY_RR;
}

/**
 * rtd_sched_can_prio() - whether this kernel lets rtdefer set an RT priority
 * @prio: the priority, 1..99
 *
 * Context: Any context.
 * Return: false for priorities other than 1 and 50 without
 * sched_setattr_nocheck(), else true.
 */
bool rtd_sched_can_prio(int prio)
{
	return RTD_SETS_ANY || prio == 1 || prio == RTD_FIFO_MID;
}

/**
 * rtd_sched_limits() - what this kernel cannot set, in one line
 *
 * Context: Any context.
 * Return: The explanation, for the kernel log.
 */
const char *rtd_sched_limits(void)
{
	if (RTD_SETS_ANY)
		return "every policy and priority can be set on this kernel";
	return RTD_LIMITS_TEXT;
}

/* Policy and priority first: an RT policy ignores the nice value there. */
static int rtd_set(struct task_struct *t, int policy, int prio, int nice)
{
	int ret;

	ret = rtd_set_policy(t, policy, prio, nice);
	if (ret)
		return ret;
	set_user_nice(t, nice);
	return 0;
}

/**
 * rtd_sched_apply() - give a thread a setting
 * @t: the thread, running or parked
 * @s: the setting, one that passed rtd_sched_update()
 *
 * Context: Process context, may sleep.
 * Return: 0, or a negative errno with @t unchanged.
 */
int rtd_sched_apply(struct task_struct *t, const struct rtd_sched *s)
{
	return rtd_set(t, rtd_kernel_policy[s->policy],
		       rtd_sched_shown_prio(s), s->nice);
}

/**
 * rtd_sched_save() - note what a thread runs with, for rtd_sched_restore()
 * @t: the thread
 * @saved: where to note it
 *
 * Context: Process context.
 */
void rtd_sched_save(struct task_struct *t, struct rtd_task_sched *saved)
{
	saved->policy = t->policy;
	saved->prio = t->rt_priority;
	saved->nice = task_nice(t);
}

/**
 * rtd_sched_restore() - give a thread back what rtd_sched_save() noted
 * @t: the thread
 * @saved: what it ran with
 *
 * Only needed after rtd_sched_apply() failed, which it cannot without
 * sched_setattr_nocheck(); with it, any noted setting can be set again.
 *
 * Context: Process context, may sleep.
 */
void rtd_sched_restore(struct task_struct *t, const struct rtd_task_sched *saved)
{
	rtd_set(t, saved->policy, saved->prio, saved->nice);
}
