// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduling setting of a class of per-CPU threads (struct rtd_sched):
 * policy names, and the rules a change must pass before it reaches a thread.
 *
 * The rules mirror what the kernel does for a single task. An RT priority
 * only exists under fifo and rr: writing one while the policy is other is
 * refused, as sched_setparam() refuses it; the class keeps its last RT
 * priority for the next switch back to fifo or rr. A nice value exists under
 * every policy (setpriority() on an RT task stores it), so it can be
 * written under fifo and rr too and weighs once the policy is other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

/* Names as chrt(1) spells them, then its one-letter options. */
static const char * const rtd_policy_names[] = {
	[RTD_POLICY_FIFO] = "fifo",
	[RTD_POLICY_RR] = "rr",
	[RTD_POLICY_OTHER] = "other",
};

static const char * const rtd_policy_letters[] = {
	[RTD_POLICY_FIFO] = "f",
	[RTD_POLICY_RR] = "r",
	[RTD_POLICY_OTHER] = "o",
};

/**
 * rtd_sched_parse_policy() - parse a policy name
 * @buf: "fifo", "rr" or "other", or chrt's letters "f", "r" or "o"; one
 *	trailing newline allowed, nothing else (case matters)
 *
 * Context: Any context.
 * Return: The policy (&enum rtd_policy), or -EINVAL.
 */
int rtd_sched_parse_policy(const char *buf)
{
	int ret;

	ret = sysfs_match_string(rtd_policy_names, buf);
	if (ret < 0)
		ret = sysfs_match_string(rtd_policy_letters, buf);
	return ret;
}

/**
 * rtd_sched_policy_name() - the name of a policy, as the knob shows it
 * @policy: the policy
 *
 * Context: Any context.
 * Return: "fifo", "rr" or "other".
 */
const char *rtd_sched_policy_name(enum rtd_policy policy)
{
	return rtd_policy_names[policy];
}

static const int rtd_kernel_policy[] = {
	[RTD_POLICY_FIFO] = SCHED_FIFO,
	[RTD_POLICY_RR] = SCHED_RR,
	[RTD_POLICY_OTHER] = SCHED_NORMAL,
};

static bool rtd_sched_is_rt(const struct rtd_sched *s)
{
	return s->policy != RTD_POLICY_OTHER;
}

/**
 * rtd_sched_shown_prio() - the RT priority the threads run with
 * @s: the setting
 *
 * Context: Any context.
 * Return: @s->prio under fifo and rr; 0 under other, as sched_getparam()
 * reports it there.
 */
int rtd_sched_shown_prio(const struct rtd_sched *s)
{
	return rtd_sched_is_rt(s) ? s->prio : 0;
}

/**
 * rtd_sched_to_task() - a setting in the kernel's terms
 * @s: the setting
 * @ts: the same for rtd_pcpu_class_apply(): SCHED_* policy, RT priority 0
 *	under other
 *
 * Context: Any context.
 */
void rtd_sched_to_task(const struct rtd_sched *s, struct rtd_task_sched *ts)
{
	ts->policy = rtd_kernel_policy[s->policy];
	ts->prio = rtd_sched_shown_prio(s);
	ts->nice = s->nice;
}

/**
 * rtd_sched_policy_ok() - whether this kernel can run threads with a policy
 * @policy: the policy
 *
 * Context: Any context.
 * Return: false for rr on kernels without sched_setattr_nocheck() (5.10).
 */
bool rtd_sched_policy_ok(enum rtd_policy policy)
{
	return rtd_sched_can(rtd_kernel_policy[policy], 1);
}

/**
 * rtd_sched_prio_ok() - whether this kernel can give threads an RT priority
 * @prio: the priority, 1..99
 *
 * Context: Any context.
 * Return: false for priorities other than 1 and 50 on kernels without
 * sched_setattr_nocheck() (5.10).
 */
bool rtd_sched_prio_ok(int prio)
{
	return rtd_sched_can(SCHED_FIFO, prio);
}

/* -EOPNOTSUPP where this kernel cannot set @s (5.10), said once. */
static int rtd_sched_check_kernel(const struct rtd_sched *s)
{
	struct rtd_task_sched ts;

	rtd_sched_to_task(s, &ts);
	if (rtd_sched_can(ts.policy, ts.prio))
		return 0;
	pr_notice_once("%s\n", rtd_sched_limits());
	return -EOPNOTSUPP;
}

/**
 * rtd_sched_update() - change one knob of a setting, if the rules allow
 * @s: the setting, changed only on success
 * @knob: which knob
 * @value: for %RTD_KNOB_POLICY a policy, else the number written
 *
 * Context: Any context; the caller serialises changes of @s.
 * Return: 0; -ERANGE for a priority outside 1..99 or a nice value outside
 * -20..19; -EINVAL for a priority while the policy is other;
 * -EOPNOTSUPP for what this kernel cannot set (see rtd_sched_limits()).
 */
int rtd_sched_update(struct rtd_sched *s, enum rtd_sched_knob knob, int value)
{
	struct rtd_sched new = *s;
	int ret;

	switch (knob) {
	case RTD_KNOB_POLICY:
		new.policy = value;
		break;
	case RTD_KNOB_PRIORITY:
		if (value < RTD_PRIO_MIN || value > RTD_PRIO_MAX)
			return -ERANGE;
		if (!rtd_sched_is_rt(s))
			return -EINVAL;
		new.prio = value;
		break;
	case RTD_KNOB_NICE:
		if (value < MIN_NICE || value > MAX_NICE)
			return -ERANGE;
		new.nice = value;
		break;
	}
	ret = rtd_sched_check_kernel(&new);
	if (!ret)
		*s = new;
	return ret;
}
