/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels is handled here, from the
 * results of the build-time probes in src/compat/probes/ (one probe per
 * difference, named after what it tests). Nothing outside src/compat/ looks
 * at kernel versions.
 */
#ifndef RTDEFER_COMPAT_H
#define RTDEFER_COMPAT_H

#include <linux/export.h>
#include <linux/hardirq.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/timer.h>
#include <rtdefer/compat-config.h>

/* v6.13: symbol namespaces became string literals. */
#ifdef RTD_HAVE_EXPORT_NS_TOKEN
#define EXPORT_SYMBOL_RTDEFER(sym) EXPORT_SYMBOL_NS_GPL(sym, RTDEFER)
#else
#define EXPORT_SYMBOL_RTDEFER(sym) EXPORT_SYMBOL_NS_GPL(sym, "RTDEFER")
#endif

/* v5.11 added in_hardirq(); before, in_irq() meant the same. */
#ifndef in_hardirq
#define in_hardirq() in_irq()
#endif

/* v5.11 added INIT_CSD(); before, the fields were set by hand. */
static inline void rtd_init_csd(call_single_data_t *csd, smp_call_func_t fn,
				void *info)
{
#ifdef INIT_CSD
	INIT_CSD(csd, fn, info);
#else
	csd->flags = 0;
	csd->func = fn;
	csd->info = info;
#endif
}

/*
 * A kernel irq_work with flags (IRQ_WORK_HARD_IRQ, IRQ_WORK_LAZY). Every
 * supported kernel keeps them in node.a_flags (v5.8 onwards);
 * IRQ_WORK_INIT_HARD() and friends only exist from v5.11.
 */
static inline void rtd_init_kernel_irq_work(struct irq_work *work,
					    void (*fn)(struct irq_work *),
					    int flags)
{
	init_irq_work(work, fn);
	atomic_set(&work->node.a_flags, flags);
}

/* v6.13: hrtimer_setup*() replaced hrtimer_init*() plus setting .function. */
static inline void rtd_hrtimer_setup(struct hrtimer *t,
				     enum hrtimer_restart (*fn)(struct hrtimer *),
				     clockid_t clock, enum hrtimer_mode mode)
{
#ifdef RTD_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

static inline void
rtd_hrtimer_setup_on_stack(struct hrtimer *t,
			   enum hrtimer_restart (*fn)(struct hrtimer *),
			   clockid_t clock, enum hrtimer_mode mode)
{
#ifdef RTD_HAVE_HRTIMER_SETUP
	hrtimer_setup_on_stack(t, fn, clock, mode);
#else
	hrtimer_init_on_stack(t, clock, mode);
	t->function = fn;
#endif
}

/* v6.2: del_timer() became timer_delete(). */
static inline int rtd_timer_delete(struct timer_list *t)
{
#ifdef RTD_HAVE_TIMER_DELETE
	return timer_delete(t);
#else
	return del_timer(t);
#endif
}

/* v6.2: del_timer_sync() became timer_delete_sync(). */
static inline int rtd_timer_delete_sync(struct timer_list *t)
{
#ifdef RTD_HAVE_TIMER_DELETE
	return timer_delete_sync(t);
#else
	return del_timer_sync(t);
#endif
}

/*
 * Wait until no task is preempted in rtdefer's code, or in kernel code that
 * still touches rtdefer's data, after the last event module exit can wait
 * for (see rtd_exit()): an RCU-tasks grace period ends only when every task
 * that was preempted has switched voluntarily or returned to user space.
 * Kernels without preemption have no RCU tasks and need nothing here: a
 * task cannot be preempted there, and the module loader's synchronize_rcu()
 * before it frees the text waits until it has left.
 */
static inline void rtd_sync_preempted_tasks(void)
{
#if defined(CONFIG_TASKS_RCU)
	synchronize_rcu_tasks();
#elif defined(CONFIG_PREEMPTION)
#error "rtdefer needs CONFIG_TASKS_RCU on a kernel with CONFIG_PREEMPTION"
#endif
}

#endif /* RTDEFER_COMPAT_H */
