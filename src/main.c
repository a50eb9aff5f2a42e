// SPDX-License-Identifier: GPL-2.0
/*
 * rtdefer: RT-style deferral (threaded irq_work, BH workqueues, deferred
 * timers) for stock kernels. Module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <rtdefer/rtdefer.h>

#include "compat/compat.h"
#include "internal.h"

/**
 * rtd_version() - version of the loaded rtdefer module
 *
 * Context: Any context, including NMI. Does not sleep.
 * Return: A constant string such as "0.1.0", the same as
 * /sys/kernel/rtdefer/version. It stays valid while rtdefer is loaded, which
 * any module calling this guarantees by linking against it.
 */
const char *rtd_version(void)
{
	return RTDEFER_VERSION;
}
EXPORT_SYMBOL_RTDEFER(rtd_version);

static int __init rtd_init(void)
{
	int ret;

	rtd_stats_init();
	ret = rtd_sysfs_init();
	if (ret)
		goto err_sysfs;
	ret = rtd_irq_work_init();
	if (ret)
		goto err_irq_work;
	ret = rtd_bh_init();
	if (ret)
		goto err_bh;
	ret = rtd_timer_sys_init();
	if (ret)
		goto err_timer;
	ret = rtd_class_knobs_init();
	if (ret)
		goto err_knobs;

	pr_info("version %s loaded\n", RTDEFER_VERSION);
	return 0;

err_knobs:
	rtd_timer_sys_exit();
err_timer:
	rtd_bh_exit();
err_bh:
	rtd_irq_work_exit();
err_irq_work:
	rtd_sysfs_exit();
err_sysfs:
	rtd_stats_exit();
	pr_err("cannot load: %d\n", ret);
	return ret;
}

static void __exit rtd_exit(void)
{
	rtd_class_knobs_exit();
	rtd_timer_sys_exit();
	rtd_bh_exit();
	rtd_irq_work_exit();
	rtd_sysfs_exit();
	rtd_stats_exit();
	/*
	 * Tasks may still run rtdefer's code or touch its data after the last
	 * event exit waits for, preemptible: a bound task after its task_work
	 * dropped its module reference on rtdefer; on RT, the kernel's
	 * irq_work/N thread after it marked one of our kicks idle (without
	 * mainline's 91840be8f710 it then wakes the kick's waiters through it).
	 */
	rtd_sync_preempted_tasks();
	pr_info("unloaded\n");
}

module_init(rtd_init);
module_exit(rtd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RT-style deferral for stock kernels: threaded irq_work, BH workqueues, deferred timers");
MODULE_VERSION(RTDEFER_VERSION);
