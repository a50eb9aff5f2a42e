/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debug hooks of rtdefer's test build (RTD_DEBUG_HOOKS=y, set by
 * tests/build-kernel.sh; never in DKMS or package builds): named points in
 * the code where a test module may run a function of its own, to open a
 * race window deterministically (migrate the caller, take a CPU down)
 * instead of hoping for a timing. Not an API.
 */
#ifndef RTDEFER_DEBUG_HOOK_H
#define RTDEFER_DEBUG_HOOK_H

#include <linux/types.h>

enum rtd_debug_hook_id {
	/* rtd_queue_work(): the caller is about to queue on "this" CPU */
	RTD_HOOK_BH_QUEUE_LOCAL,
	/* a delayed item's timer fired: its callback starts (softirq, IRQs off) */
	RTD_HOOK_BH_DELAY_END,
	/* a periodic timer is re-armed after its callback: @arg is a
	 * struct rtd_hook_rearm
	 */
	RTD_HOOK_TIMER_REARM,
	/* a threaded irq_work callback returned: @arg is the item */
	RTD_HOOK_IW_CALLBACK_DONE,
	/* rtdefer frees an object of its own: @arg is a struct rtd_hook_free */
	RTD_HOOK_FREE,
	/* rtd_drain_workqueue() saw its queue empty: @arg is the queue */
	RTD_HOOK_BH_DRAINED,
	/* a timer's hardirq part, its check passed: @arg is the timer */
	RTD_HOOK_TIMER_HARD,
	/* rtd_flush_workqueue() queued its barriers: @arg is the queue */
	RTD_HOOK_BH_FLUSH_QUEUED,
	/* a CPU's irq_work thread ran its lists to park (on that CPU) */
	RTD_HOOK_IW_PARKED,
	/* a CPU going down marked its BH pools down (on that CPU) */
	RTD_HOOK_BH_DOWN,
	/* a threaded irq_work item kicked its runner: @arg is a
	 * struct rtd_hook_iw_kick
	 */
	RTD_HOOK_IW_KICK,
	/* a callback's start read the clock for its latency: @arg is a
	 * struct rtd_hook_clock, whose @now the hook may change
	 */
	RTD_HOOK_OBS_CLOCK,
	RTD_NR_DEBUG_HOOKS
};

/* RTD_HOOK_FREE: the object and its size */
struct rtd_hook_free {
	const void *obj;
	size_t size;
};

/* RTD_HOOK_TIMER_REARM: the timer and the hrtimer mode of its re-arm */
struct rtd_hook_rearm {
	const void *timer;
	int mode;
};

/* RTD_HOOK_IW_KICK: the item that found its list empty, and the kick */
enum rtd_hook_kick {
	RTD_KICK_WAKE,		/* wake_up_process() of the thread */
	RTD_KICK_IRQ_WORK,	/* the CPU's kernel irq_work, which wakes it */
	RTD_KICK_IPI,		/* an IPI to the target, which does the same */
	RTD_KICK_LAZY,		/* the kernel LAZY irq_work */
};

struct rtd_hook_iw_kick {
	const void *work;
	int cpu;
	enum rtd_hook_kick how;
};

/* RTD_HOOK_OBS_CLOCK: the queueing stamp and the clock read at the start */
struct rtd_hook_clock {
	u64 queued_ns;
	u64 now;
};

struct task_struct;

typedef void (*rtd_debug_hook_fn)(void *arg);

#ifdef RTD_DEBUG_HOOKS
void rtd_debug_hook(enum rtd_debug_hook_id id, void *arg);
int rtd_debug_set_hook(enum rtd_debug_hook_id id, rtd_debug_hook_fn fn);
void rtd_debug_hold_unload(void);
void rtd_debug_stop_window(void);
struct task_struct *rtd_debug_class_thread(const char *class, unsigned int cpu);
#else
static inline void rtd_debug_hook(enum rtd_debug_hook_id id, void *arg) { }
static inline void rtd_debug_hold_unload(void) { }
static inline void rtd_debug_stop_window(void) { }
#endif

#endif /* RTDEFER_DEBUG_HOOK_H */
