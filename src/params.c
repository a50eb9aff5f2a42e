// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the initial values of the sysfs knobs.
 *
 *   modprobe rtdefer irq_work_prio=5 timer_policy=rr bh_budget_us=500
 *
 * Each value is checked as it is parsed, by the rules of its knob; a bad one
 * fails the load with -EINVAL (-EOPNOTSUPP for a setting this kernel cannot
 * apply, see rtd_sched_limits()) and a line in the kernel log saying what
 * is accepted. The parameters are read-only afterwards: under
 * /sys/module/rtdefer/parameters/ they show the values rtdefer was loaded
 * with, while the knobs under /sys/kernel/rtdefer/ are changed at run time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/sched/prio.h>

#include "internal.h"

struct rtd_sched rtd_irq_work_param = RTD_SCHED_DEFAULT;
struct rtd_sched rtd_timer_param = RTD_SCHED_DEFAULT;
unsigned int rtd_bh_budget_us_param = RTD_BH_BUDGET_US_DEFAULT;
unsigned int rtd_bh_max_restarts_param = RTD_BH_MAX_RESTARTS_DEFAULT;

static int rtd_param_int(const char *val, const struct kernel_param *kp,
			 int min, int max, int *out)
{
	if (!rtd_knob_parse_int(val, min, max, out))
		return 0;
	pr_err("%s=%s: needs a whole number from %d to %d\n",
	       kp->name, val, min, max);
	return -EINVAL;
}

static int rtd_param_policy_set(const char *val, const struct kernel_param *kp)
{
	int policy = rtd_sched_parse_policy(val);

	if (policy < 0) {
		pr_err("%s=%s: needs fifo, rr or other (or f, r, o)\n",
		       kp->name, val);
		return -EINVAL;
	}
	if (!rtd_sched_policy_ok(policy)) {
		pr_err("%s=%s: %s\n", kp->name, val, rtd_sched_limits());
		return -EOPNOTSUPP;
	}
	*(enum rtd_policy *)kp->arg = policy;
	return 0;
}

static int rtd_param_policy_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 rtd_sched_policy_name(*(enum rtd_policy *)kp->arg));
}

static int rtd_param_prio_set(const char *val, const struct kernel_param *kp)
{
	int prio, ret;

	ret = rtd_param_int(val, kp, RTD_PRIO_MIN, RTD_PRIO_MAX, &prio);
	if (ret)
		return ret;
	if (!rtd_sched_prio_ok(prio)) {
		pr_err("%s=%s: %s\n", kp->name, val, rtd_sched_limits());
		return -EOPNOTSUPP;
	}
	*(int *)kp->arg = prio;
	return 0;
}

static int rtd_param_nice_set(const char *val, const struct kernel_param *kp)
{
	return rtd_param_int(val, kp, MIN_NICE, MAX_NICE, kp->arg);
}

static int rtd_param_budget_set(const char *val, const struct kernel_param *kp)
{
	return rtd_param_int(val, kp, RTD_BH_BUDGET_US_MIN,
			     RTD_BH_BUDGET_US_MAX, kp->arg);
}

static int rtd_param_restarts_set(const char *val,
				  const struct kernel_param *kp)
{
	return rtd_param_int(val, kp, RTD_BH_MAX_RESTARTS_MIN,
			     RTD_BH_MAX_RESTARTS_MAX, kp->arg);
}

#define RTD_PARAM_OPS(_kind, _get)					\
	static const struct kernel_param_ops rtd_param_##_kind##_ops = {	\
		.set = rtd_param_##_kind##_set,				\
		.get = (_get),						\
	}

RTD_PARAM_OPS(policy, rtd_param_policy_get);
RTD_PARAM_OPS(prio, param_get_int);
RTD_PARAM_OPS(nice, param_get_int);
RTD_PARAM_OPS(budget, param_get_uint);
RTD_PARAM_OPS(restarts, param_get_uint);

/* Spelt out, so that every parameter's name can be searched for. */
module_param_cb(irq_work_policy, &rtd_param_policy_ops,
		&rtd_irq_work_param.policy, 0444);
MODULE_PARM_DESC(irq_work_policy, "irq_work/N policy: fifo (default), rr, other");
module_param_cb(irq_work_prio, &rtd_param_prio_ops,
		&rtd_irq_work_param.prio, 0444);
MODULE_PARM_DESC(irq_work_prio, "irq_work/N RT priority 1..99 (default 1)");
module_param_cb(irq_work_nice, &rtd_param_nice_ops,
		&rtd_irq_work_param.nice, 0444);
MODULE_PARM_DESC(irq_work_nice, "irq_work/N nice value -20..19 (default 0)");

module_param_cb(timer_policy, &rtd_param_policy_ops,
		&rtd_timer_param.policy, 0444);
MODULE_PARM_DESC(timer_policy, "ktimers/N policy: fifo (default), rr, other");
module_param_cb(timer_prio, &rtd_param_prio_ops, &rtd_timer_param.prio, 0444);
MODULE_PARM_DESC(timer_prio, "ktimers/N RT priority 1..99 (default 1)");
module_param_cb(timer_nice, &rtd_param_nice_ops, &rtd_timer_param.nice, 0444);
MODULE_PARM_DESC(timer_nice, "ktimers/N nice value -20..19 (default 0)");

module_param_cb(bh_budget_us, &rtd_param_budget_ops,
		&rtd_bh_budget_us_param, 0444);
MODULE_PARM_DESC(bh_budget_us, "BH work per softirq run, 10..1000000 us (default 2000)");
module_param_cb(bh_max_restarts, &rtd_param_restarts_ops,
		&rtd_bh_max_restarts_param, 0444);
MODULE_PARM_DESC(bh_max_restarts, "BH items per pass of a CPU's pool, 1..1000 (default 10)");
