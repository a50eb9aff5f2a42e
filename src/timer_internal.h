/* SPDX-License-Identifier: GPL-2.0 */
/* Deferred timer internals shared by timer.c and timer_task.c. Not an API. */
#ifndef RTDEFER_TIMER_INTERNAL_H
#define RTDEFER_TIMER_INTERNAL_H

#include <linux/hrtimer.h>
#include <rtdefer/timer.h>

#define RTD_TIMER_PENDING	0x01
#define RTD_TIMER_RUNNING	0x04
#define RTD_TIMER_TASK_EXITED	0x08
#define RTD_TIMER_DROPPED	0x10	/* a cancel stopped a RESTART */
#define RTD_TIMER_SELF_CANCEL	0x20	/* the callback cancelled its timer */

enum hrtimer_restart rtd_timer_hard_fn(struct hrtimer *hrt);
void rtd_timer_deliver(struct rtd_timer *timer);
bool rtd_timer_claim(struct rtd_timer *timer, u64 *queued_ns);
void rtd_timer_run_claimed(struct rtd_timer *timer, u64 queued_ns);
bool rtd_timer_queue_task(struct rtd_timer *timer);
void rtd_timer_task_exit(void);

#endif /* RTDEFER_TIMER_INTERNAL_H */
