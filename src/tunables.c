// SPDX-License-Identifier: GPL-2.0
/*
 * rtdefer's sysfs directory, /sys/kernel/rtdefer: the version file, the BH
 * knobs (bh_knobs.c) and one directory per class of threads, which each
 * class adds when it registers (class_knobs.c). Also the rules every knob
 * follows when written: the writer needs CAP_SYS_NICE, numbers are decimal
 * with one optional trailing newline.
 */
#include <asm/page.h>
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

static struct kobject *rtd_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", RTDEFER_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *rtd_root_attrs[] = {
	&version_attr.attr,
	NULL,
};

static const struct attribute_group rtd_root_group = {
	.attrs = rtd_root_attrs,
};

/**
 * rtd_knob_may_write() - common checks of a write to a knob
 * @buf: what was written, NUL-terminated by sysfs
 * @count: how many bytes were written
 *
 * Every knob changes how the system schedules, so the writer needs
 * CAP_SYS_NICE in the initial user namespace. sysfs hands a store at most a
 * page and drops the rest of a longer write, so a page-long value cannot be
 * told from a cut one: refused as too long. A NUL byte among the bytes
 * written would hide what follows it from the parsers: refused.
 *
 * Context: Process context (a sysfs store).
 * Return: 0, -EPERM without the capability, -E2BIG or -EINVAL.
 */
int rtd_knob_may_write(const char *buf, size_t count)
{
	if (!capable(CAP_SYS_NICE))
		return -EPERM;
	if (count >= PAGE_SIZE)
		return -E2BIG;
	if (strnlen(buf, count) != count)
		return -EINVAL;
	return 0;
}

/**
 * rtd_knob_parse_int() - parse a knob's or a parameter's whole number
 * @buf: decimal digits with an optional sign and one optional trailing
 *	newline; nothing else, no leading blanks, no "0x"
 * @min: lowest value accepted
 * @max: highest value accepted
 * @val: where the number goes; untouched on error
 *
 * Context: Any context.
 * Return: 0; -EINVAL if @buf is not such a number; -ERANGE if it is out of
 * [@min, @max] (or of int).
 */
int rtd_knob_parse_int(const char *buf, int min, int max, int *val)
{
	int v, ret;

	ret = kstrtoint(buf, 10, &v);
	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

/**
 * rtd_sysfs_root() - the kobject of /sys/kernel/rtdefer
 *
 * Context: Between rtd_sysfs_init() and rtd_sysfs_exit().
 * Return: The kobject, for the directories of the classes.
 */
struct kobject *rtd_sysfs_root(void)
{
	return rtd_kobj;
}

/**
 * rtd_sysfs_init() - create /sys/kernel/rtdefer with version and bh/
 *
 * Context: Module init, may sleep.
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int rtd_sysfs_init(void)
{
	int ret;

	rtd_kobj = kobject_create_and_add("rtdefer", kernel_kobj);
	if (!rtd_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(rtd_kobj, &rtd_root_group);
	if (ret)
		goto err_put;
	ret = rtd_bh_knobs_add(rtd_kobj);
	if (ret)
		goto err_group;
	return 0;

err_group:
	sysfs_remove_group(rtd_kobj, &rtd_root_group);
err_put:
	kobject_put(rtd_kobj);
	rtd_kobj = NULL;
	return ret;
}

/**
 * rtd_sysfs_exit() - remove /sys/kernel/rtdefer
 *
 * The classes have removed their directories already.
 *
 * Context: Module exit, may sleep. Waits for readers and writers of the files.
 */
void rtd_sysfs_exit(void)
{
	rtd_bh_knobs_del();
	sysfs_remove_group(rtd_kobj, &rtd_root_group);
	kobject_put(rtd_kobj);
	rtd_kobj = NULL;
}
