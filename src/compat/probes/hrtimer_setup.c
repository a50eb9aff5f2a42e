// SPDX-License-Identifier: GPL-2.0
/*
 * hrtimer_setup() and hrtimer_setup_on_stack() set the callback together
 * with clock and mode: v6.13. v7.x removed hrtimer_init() for good.
 */
#include <linux/hrtimer.h>

static enum hrtimer_restart rtd_probe_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void rtd_probe(struct hrtimer *t);
void rtd_probe(struct hrtimer *t)
{
	hrtimer_setup(t, rtd_probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	hrtimer_setup_on_stack(t, rtd_probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
