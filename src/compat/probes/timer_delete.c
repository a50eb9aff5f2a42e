// SPDX-License-Identifier: GPL-2.0
/*
 * timer_delete(): del_timer() renamed, v6.2 (backported to Debian's 6.1);
 * 7.x dropped the old name.
 */
#include <linux/timer.h>

int rtd_probe(struct timer_list *t);
int rtd_probe(struct timer_list *t)
{
	return timer_delete(t);
}
