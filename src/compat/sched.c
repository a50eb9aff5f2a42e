// SPDX-License-Identifier: GPL-2.0
/*
 * Giving a thread a scheduling setting with what this kernel exports.
 *
 * With sched_setattr_nocheck() exported (probe export_sched_setattr_nocheck:
 * 6.1 and later) every policy and priority can be set. Without it (5.10)
 * modules only have sched_set_fifo_low() (FIFO 1), sched_set_fifo() (FIFO
 * MAX_RT_PRIO / 2 = 50) and sched_set_normal() (other, any nice value):
 * rtd_sched_can() tells the rest apart before any thread is touched.
 * set_user_nice(), exported everywhere, gives RT threads their nice value.
 *
 * Settings are in the kernel's terms (struct rtd_task_sched); what a
 * setting means to a user is the tuning layer's business.
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

/**
 * rtd_sched_can() - whether this kernel lets rtdefer set a policy and priority
 * @policy: SCHED_FIFO, SCHED_RR or SCHED_NORMAL
 * @prio: the RT priority, 1..99 (not looked at for SCHED_NORMAL)
 *
 * Context: Any context.
 * Return: without sched_setattr_nocheck(), true only for SCHED_NORMAL and
 * for SCHED_FIFO at priority 1 or 50; with it, always true.
 */
bool rtd_sched_can(int policy, int prio)
{
	return RTD_SETS_ANY || policy == SCHED_NORMAL ||
		(policy == SCHED_FIFO && (prio == 1 || prio == RTD_FIFO_MID));
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

/**
 * rtd_sched_apply() - give a thread a setting
 * @t: the thread, running or parked
 * @ts: the setting; one rtd_sched_can() allows, or one rtd_sched_save() noted
 *
 * Policy and priority first, then the nice value (which an RT policy
 * carries but ignores).
 *
 * Context: Process context, may sleep.
 * Return: 0, or a negative errno with @t unchanged.
 */
int rtd_sched_apply(struct task_struct *t, const struct rtd_task_sched *ts)
{
	int ret;

	ret = rtd_set_policy(t, ts->policy, ts->prio, ts->nice);
	if (ret)
		return ret;
	set_user_nice(t, ts->nice);
	return 0;
}

/**
 * rtd_sched_save() - note what a thread runs with
 * @t: the thread
 * @saved: where to note it, for a later rtd_sched_apply(); with
 *	   sched_setattr_nocheck() any noted setting can be given back
 *
 * Context: Process context.
 */
void rtd_sched_save(struct task_struct *t, struct rtd_task_sched *saved)
{
	saved->policy = t->policy;
	saved->prio = t->rt_priority;
	saved->nice = task_nice(t);
}
