// SPDX-License-Identifier: GPL-2.0
/*
 * The BH workqueue's knobs, /sys/kernel/rtdefer/bh/{budget_us,max_restarts}:
 * how long one softirq run may execute work items, and how often it may
 * start over on new work, before the rest waits for the next run. The BH
 * code reads the variables with READ_ONCE() on every run; a write takes
 * effect from the next run on. Their initial values are the module
 * parameters bh_budget_us and bh_max_restarts.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "internal.h"

unsigned int rtd_bh_budget_us = RTD_BH_BUDGET_US_DEFAULT;
unsigned int rtd_bh_max_restarts = RTD_BH_MAX_RESTARTS_DEFAULT;

/* A knob holding one unsigned number within bounds. */
struct rtd_uint_knob {
	struct kobj_attribute attr;
	unsigned int *val;
	int min;
	int max;
};

static struct kobject *rtd_bh_kobj;

static struct rtd_uint_knob *rtd_uint_knob(struct kobj_attribute *attr)
{
	return container_of(attr, struct rtd_uint_knob, attr);
}

static ssize_t rtd_uint_knob_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*rtd_uint_knob(attr)->val));
}

static ssize_t rtd_uint_knob_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	struct rtd_uint_knob *knob = rtd_uint_knob(attr);
	int val, ret;

	ret = rtd_knob_may_write(buf, count);
	if (ret)
		return ret;
	ret = rtd_knob_parse_int(buf, knob->min, knob->max, &val);
	if (ret)
		return ret;
	WRITE_ONCE(*knob->val, val);
	return count;
}

#define RTD_UINT_KNOB(_name, _var, _min, _max) {			\
	.attr = __ATTR(_name, 0644, rtd_uint_knob_show, rtd_uint_knob_store), \
	.val = &(_var), .min = (_min), .max = (_max),			\
}

static struct rtd_uint_knob rtd_bh_budget_knob =
	RTD_UINT_KNOB(budget_us, rtd_bh_budget_us,
		      RTD_BH_BUDGET_US_MIN, RTD_BH_BUDGET_US_MAX);
static struct rtd_uint_knob rtd_bh_restarts_knob =
	RTD_UINT_KNOB(max_restarts, rtd_bh_max_restarts,
		      RTD_BH_MAX_RESTARTS_MIN, RTD_BH_MAX_RESTARTS_MAX);

static struct attribute *rtd_bh_attrs[] = {
	&rtd_bh_budget_knob.attr.attr,
	&rtd_bh_restarts_knob.attr.attr,
	NULL,
};

static const struct attribute_group rtd_bh_group = {
	.attrs = rtd_bh_attrs,
};

/**
 * rtd_bh_knobs_add() - set the BH knobs from the parameters, create bh/
 * @root: the kobject of /sys/kernel/rtdefer
 *
 * Context: Module init, may sleep.
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int rtd_bh_knobs_add(struct kobject *root)
{
	int ret;

	WRITE_ONCE(rtd_bh_budget_us, rtd_bh_budget_us_param);
	WRITE_ONCE(rtd_bh_max_restarts, rtd_bh_max_restarts_param);
	rtd_bh_kobj = kobject_create_and_add("bh", root);
	if (!rtd_bh_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(rtd_bh_kobj, &rtd_bh_group);
	if (ret) {
		kobject_put(rtd_bh_kobj);
		rtd_bh_kobj = NULL;
	}
	return ret;
}

/**
 * rtd_bh_knobs_del() - remove /sys/kernel/rtdefer/bh
 *
 * Context: Module exit, may sleep. Waits for readers and writers.
 */
void rtd_bh_knobs_del(void)
{
	sysfs_remove_group(rtd_bh_kobj, &rtd_bh_group);
	kobject_put(rtd_bh_kobj);
	rtd_bh_kobj = NULL;
}
