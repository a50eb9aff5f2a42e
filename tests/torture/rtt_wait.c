// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture: the end of a run. Producers are stopped; every item still
 * owned must be handed back by its callback (or a cancel) within a bound,
 * or it counts as lost.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>

#include "rtt.h"

/**
 * rtt_wait_idle() - wait until no item of a set is owned any more
 * @item: returns the accounting part of item @i
 * @arg: passed to @item
 * @n: number of items
 * @secs: the bound
 *
 * Return: true if all were handed back in time.
 */
bool rtt_wait_idle(struct rtt_item *(*item)(void *arg, unsigned int i),
		   void *arg, unsigned int n, unsigned int secs)
{
	unsigned long end = jiffies + secs * HZ;
	unsigned int i = 0;

	while (i < n) {
		if (!atomic_read_acquire(&item(arg, i)->owned)) {
			i++;
			continue;
		}
		if (time_after(jiffies, end))
			return false;
		msleep(20);
	}
	return true;
}
