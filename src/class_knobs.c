// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs directory of a class of per-CPU threads,
 * /sys/kernel/rtdefer/<class>/, with one value per file:
 *
 *   policy    fifo, rr or other (chrt's f, r, o accepted when written)
 *   priority  RT priority 1..99; reads 0 under other, where writing it is
 *             refused (-EINVAL)
 *   nice      nice value -20..19, under any policy
 *
 * A read shows what the class's threads were given; a write applies to all
 * of them at once (rtd_pcpu_class_set()). Errors: -EPERM without
 * CAP_SYS_NICE, -E2BIG for a page or more, -EINVAL for what is not a policy
 * name or a decimal number, -ERANGE for a number out of bounds, -EOPNOTSUPP
 * for what this kernel cannot set.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

/* The directory's kobject, which leads to its class. */
struct rtd_class_dir {
	struct kobject kobj;
	struct rtd_pcpu_class *class;
};

/* A knob's file, which says which knob it is. */
struct rtd_knob_attr {
	struct kobj_attribute attr;
	enum rtd_sched_knob knob;
};

static struct rtd_pcpu_class *rtd_dir_class(struct kobject *kobj)
{
	return container_of(kobj, struct rtd_class_dir, kobj)->class;
}

static enum rtd_sched_knob rtd_attr_knob(struct kobj_attribute *attr)
{
	return container_of(attr, struct rtd_knob_attr, attr)->knob;
}

static ssize_t rtd_knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct rtd_sched s;

	rtd_pcpu_class_get(rtd_dir_class(kobj), &s);
	switch (rtd_attr_knob(attr)) {
	case RTD_KNOB_POLICY:
		return sysfs_emit(buf, "%s\n", rtd_sched_policy_name(s.policy));
	case RTD_KNOB_PRIORITY:
		return sysfs_emit(buf, "%d\n", rtd_sched_shown_prio(&s));
	default:
		return sysfs_emit(buf, "%d\n", s.nice);
	}
}

static ssize_t rtd_knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t count)
{
	enum rtd_sched_knob knob = rtd_attr_knob(attr);
	int value, ret;

	ret = rtd_knob_may_write(buf, count);
	if (ret)
		return ret;
	if (knob == RTD_KNOB_POLICY) {
		value = rtd_sched_parse_policy(buf);
		ret = value < 0 ? value : 0;
	} else {
		ret = rtd_knob_parse_int(buf, INT_MIN, INT_MAX, &value);
	}
	if (!ret)
		ret = rtd_pcpu_class_set(rtd_dir_class(kobj), knob, value);
	return ret ?: count;
}

#define RTD_KNOB_ATTR(_name, _knob) {					\
	.attr = __ATTR(_name, 0644, rtd_knob_show, rtd_knob_store),	\
	.knob = (_knob),						\
}

static struct rtd_knob_attr rtd_knob_attrs[] = {
	RTD_KNOB_ATTR(policy, RTD_KNOB_POLICY),
	RTD_KNOB_ATTR(priority, RTD_KNOB_PRIORITY),
	RTD_KNOB_ATTR(nice, RTD_KNOB_NICE),
};

static struct attribute *rtd_class_attrs[] = {
	&rtd_knob_attrs[0].attr.attr,
	&rtd_knob_attrs[1].attr.attr,
	&rtd_knob_attrs[2].attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(rtd_class);

static void rtd_class_dir_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct rtd_class_dir, kobj));
}

static struct kobj_type rtd_class_dir_type = {
	.release = rtd_class_dir_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = rtd_class_groups,
};

/**
 * rtd_class_knobs_add() - create /sys/kernel/rtdefer/<class>/
 * @c: the class, its threads running with its setting
 *
 * Context: Process context, may sleep.
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int rtd_class_knobs_add(struct rtd_pcpu_class *c)
{
	struct rtd_class_dir *dir;
	int ret;

	dir = kzalloc(sizeof(*dir), GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	dir->class = c;
	ret = kobject_init_and_add(&dir->kobj, &rtd_class_dir_type,
				   rtd_sysfs_root(), "%s", c->name);
	if (ret) {
		kobject_put(&dir->kobj);
		return ret;
	}
	c->dir = &dir->kobj;
	return 0;
}

/**
 * rtd_class_knobs_del() - remove /sys/kernel/rtdefer/<class>/
 * @c: the class
 *
 * Context: Process context, may sleep. Waits for readers and writers of the
 * files, so none is left when it returns.
 */
void rtd_class_knobs_del(struct rtd_pcpu_class *c)
{
	kobject_del(c->dir);
	kobject_put(c->dir);
	c->dir = NULL;
}
