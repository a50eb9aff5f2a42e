// SPDX-License-Identifier: GPL-2.0
/*
 * rtdefer's sysfs directory, /sys/kernel/rtdefer, and its knobs.
 */
#include <linux/kobject.h>
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
 * rtd_sysfs_init() - create /sys/kernel/rtdefer and its files
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
	return 0;

err_put:
	kobject_put(rtd_kobj);
	rtd_kobj = NULL;
	return ret;
}

/**
 * rtd_sysfs_exit() - remove /sys/kernel/rtdefer
 *
 * Context: Module exit, may sleep. Waits for readers and writers of the files.
 */
void rtd_sysfs_exit(void)
{
	sysfs_remove_group(rtd_kobj, &rtd_root_group);
	kobject_put(rtd_kobj);
	rtd_kobj = NULL;
}
