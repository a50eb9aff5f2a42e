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
#include <linux/irq_work.h>
#include <linux/smp.h>
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
#ifndef INIT_CSD
#define INIT_CSD(_csd, _func, _info)		\
	do {					\
		(_csd)->func = (_func);		\
		(_csd)->info = (_info);		\
	} while (0)
#endif

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

#endif /* RTDEFER_COMPAT_H */
