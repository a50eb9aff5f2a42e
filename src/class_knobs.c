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
 * The directories belong to the tuning layer, which keeps each class's
 * setting as the user sees it (struct rtd_sched: an RT priority is kept
 * under other, for the next switch back) and has the thread engine apply it
 * in the kernel's terms. At load the module parameters' setting is applied
 * before the directory appears.
 *
 * A read shows what the class's threads were given; a write applies to all
 * of them at once (rtd_pcpu_class_apply()), or to none. Errors: -EPERM without
 * CAP_SYS_NICE, -E2BIG for a page or more, -EINVAL for what is not a policy
 * name or a decimal number, -ERANGE for a number out of bounds, -EOPNOTSUPP
 * for what this kernel cannot set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

/* A class's directory: the class and the setting the user gave it. */
struct rtd_class_dir {
	struct kobject kobj;
	struct rtd_pcpu_class *class;
	struct mutex lock;	/* guards @sched and its application */
	struct rtd_sched sched;
};

/* The classes with knobs, and the module parameters that start them. */
static const struct {
	const char *name;
	const struct rtd_sched *initial;
} rtd_tuned_classes[] = {
	{ "irq_work", &rtd_irq_work_param },
	{ "timer", &rtd_timer_param },
};

static struct rtd_class_dir *rtd_class_dirs[ARRAY_SIZE(rtd_tuned_classes)];

/* A knob's file, which says which knob it is. */
struct rtd_knob_attr {
	struct kobj_attribute attr;
	enum rtd_sched_knob knob;
};

static struct rtd_class_dir *rtd_dir(struct kobject *kobj)
{
	return container_of(kobj, struct rtd_class_dir, kobj);
}

/* Apply @s to the class's threads; on success it is the class's setting. */
static int rtd_class_dir_apply(struct rtd_class_dir *dir, const struct rtd_sched *s)
{
	struct rtd_task_sched ts;
	int ret;

	rtd_sched_to_task(s, &ts);
	ret = rtd_pcpu_class_apply(dir->class, &ts);
	if (!ret)
		dir->sched = *s;
	return ret;
}

static int rtd_class_dir_set(struct rtd_class_dir *dir, enum rtd_sched_knob knob,
			     int value)
{
	struct rtd_sched s;
	int ret;

	mutex_lock(&dir->lock);
	s = dir->sched;
	ret = rtd_sched_update(&s, knob, value);
	if (!ret)
		ret = rtd_class_dir_apply(dir, &s);
	mutex_unlock(&dir->lock);
	return ret;
}

static enum rtd_sched_knob rtd_attr_knob(struct kobj_attribute *attr)
{
	return container_of(attr, struct rtd_knob_attr, attr)->knob;
}

static ssize_t rtd_knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct rtd_class_dir *dir = rtd_dir(kobj);
	struct rtd_sched s;

	mutex_lock(&dir->lock);
	s = dir->sched;
	mutex_unlock(&dir->lock);
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
		ret = rtd_class_dir_set(rtd_dir(kobj), knob, value);
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

/* Apply class @i's module parameters, then create its directory. */
static int rtd_class_dir_add(int i)
{
	struct rtd_pcpu_class *c = rtd_pcpu_class_find(rtd_tuned_classes[i].name);
	struct rtd_class_dir *dir;
	int ret;

	if (WARN_ON(!c))
		return -ENOENT;
	dir = kzalloc(sizeof(*dir), GFP_KERNEL);
	if (!dir)
		return -ENOMEM;
	dir->class = c;
	mutex_init(&dir->lock);
	ret = rtd_class_dir_apply(dir, rtd_tuned_classes[i].initial);
	if (ret) {
		pr_err("%s: cannot give its threads the module parameters' setting: %d\n",
		       c->name, ret);
		kfree(dir);
		return ret;
	}
	ret = kobject_init_and_add(&dir->kobj, &rtd_class_dir_type,
				   rtd_sysfs_root(), "%s", c->name);
	if (ret) {
		kobject_put(&dir->kobj);
		return ret;
	}
	rtd_class_dirs[i] = dir;
	return 0;
}

static void rtd_class_dir_del(int i)
{
	kobject_del(&rtd_class_dirs[i]->kobj);
	kobject_put(&rtd_class_dirs[i]->kobj);
	rtd_class_dirs[i] = NULL;
}

/**
 * rtd_class_knobs_init() - tune the thread classes: parameters and knobs
 *
 * Gives each class's threads the setting of the module parameters, then
 * creates /sys/kernel/rtdefer/<class>/ for it.
 *
 * Context: Module init, after the facilities registered their classes and
 * after rtd_sysfs_init(). May sleep.
 * Return: 0 or a negative errno; on error no directory is left.
 */
int rtd_class_knobs_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(rtd_tuned_classes); i++) {
		ret = rtd_class_dir_add(i);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		rtd_class_dir_del(i);
	return ret;
}

/**
 * rtd_class_knobs_exit() - remove the classes' directories
 *
 * Context: Module exit, before the facilities unregister their classes. May
 * sleep; waits for readers and writers of the files, so none is left when
 * it returns.
 */
void rtd_class_knobs_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(rtd_tuned_classes); i++)
		rtd_class_dir_del(i);
}
