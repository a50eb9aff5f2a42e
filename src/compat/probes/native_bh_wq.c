// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own BH workqueues (system_bh_wq, v6.9) with disable_work()
 * and enable_work() (v6.10). rtdefer does not use them; its tests compare
 * rtdefer's BH workqueues against them where they exist.
 */
#include <linux/workqueue.h>

bool rtd_probe(struct work_struct *w);
bool rtd_probe(struct work_struct *w)
{
	return queue_work(system_bh_highpri_wq, w) && disable_work(w) && enable_work(w);
}
