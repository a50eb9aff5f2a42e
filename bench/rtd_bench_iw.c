// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_bench, irq_work class: rtdefer's threaded irq_work against the
 * kernel's hardirq irq_work, a hand-rolled SCHED_FIFO 1 kthread_worker per
 * CPU, system_highpri_wq and, on PREEMPT_RT, the kernel's own irq_work/N
 * threads (a kernel irq_work without IRQ_WORK_HARD_IRQ).
 */
#include <linux/cpumask.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <rtdefer/rtdefer.h>
#include <compat/compat.h>

#include "rtd_bench.h"

#define RB_ALL_SCENS	(RB_LAT_SCENS | BIT(RB_STORM) | BIT(RB_REMOTE))
#define RB_LOCAL_SCENS	(RB_LAT_SCENS | BIT(RB_STORM))

/* rtd_irq_work: rtdefer's irq_work/N threads */

static void riw_fn(struct rtd_irq_work *w)
{
	rb_ran(&rb_rtd_irq_work, w);
}

static void riw_init(void *w)
{
	rtd_init_irq_work(w, riw_fn);
}

static bool riw_queue(void *w, int cpu)
{
	return cpu < 0 ? rtd_irq_work_queue(w) : rtd_irq_work_queue_on(w, cpu);
}

static void riw_sync(void *w)
{
	rtd_irq_work_sync(w);
}

struct rb_mech rb_rtd_irq_work = {
	.name = "rtd_irq_work",
	.stats_cost = true,
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct rtd_irq_work),
	.init = riw_init,
	.queue = riw_queue,
	.sync = riw_sync,
};

/*
 * rtd_irq_work_direct: the same threads, items set up with
 * rtd_init_irq_work_direct() (the bench queues them under no lock), so a
 * queueing from hardirq wakes the thread without an interrupt first.
 */

static void riw_direct_fn(struct rtd_irq_work *w)
{
	rb_ran(&rb_rtd_irq_work_direct, w);
}

static void riw_direct_init(void *w)
{
	rtd_init_irq_work_direct(w, riw_direct_fn);
}

struct rb_mech rb_rtd_irq_work_direct = {
	.name = "rtd_irq_work_direct",
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct rtd_irq_work),
	.init = riw_direct_init,
	.queue = riw_queue,
	.sync = riw_sync,
};

/*
 * Kernel irq_work, HARD (hardirq everywhere) or not (the irq_work/N threads
 * on RT). irq_work_queue_on() is not exported: no remote scenario.
 */

static void kiw_hard_fn(struct irq_work *w)
{
	rb_ran(&rb_irq_work_hard, w);
}

static void kiw_thread_fn(struct irq_work *w)
{
	rb_ran(&rb_rt_irq_work_thread, w);
}

static void kiw_hard_init(void *w)
{
	rtd_init_kernel_irq_work(w, kiw_hard_fn, IRQ_WORK_HARD_IRQ);
}

static void kiw_thread_init(void *w)
{
	rtd_init_kernel_irq_work(w, kiw_thread_fn, 0);
}

static bool kiw_queue(void *w, int cpu)
{
	return irq_work_queue(w);
}

static void kiw_sync(void *w)
{
	irq_work_sync(w);
}

struct rb_mech rb_irq_work_hard = {
	.name = "irq_work_hard",
	.scens = RB_LOCAL_SCENS,
	.size = sizeof(struct irq_work),
	.init = kiw_hard_init,
	.queue = kiw_queue,
	.sync = kiw_sync,
};

struct rb_mech rb_rt_irq_work_thread = {
	.name = "rt_irq_work_thread",
	.scens = IS_ENABLED(CONFIG_PREEMPT_RT) ? RB_LOCAL_SCENS : 0,
	.size = sizeof(struct irq_work),
	.init = kiw_thread_init,
	.queue = kiw_queue,
	.sync = kiw_sync,
};

/*
 * kthread_worker_fifo1: what a driver would hand-roll, one kthread_worker
 * per CPU at SCHED_FIFO 1 (kthread_create_worker_on_cpu() changed in v6.14;
 * kthread_worker_fn() with kthread_bind() works the same everywhere). A
 * kthread_work stays with the first worker it is queued on: items per CPU.
 */

struct rb_kworker {
	struct kthread_worker worker;
	struct task_struct *task;
};

static struct rb_kworker *rb_kw;

int rb_kworkers_start(void)
{
	struct task_struct *t;
	unsigned int cpu;

	if (rb_kw)
		return 0;
	rb_kw = kcalloc(nr_cpu_ids, sizeof(*rb_kw), GFP_KERNEL);
	if (!rb_kw)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		kthread_init_worker(&rb_kw[cpu].worker);
		t = kthread_create(kthread_worker_fn, &rb_kw[cpu].worker,
				   "rtd_bench_kw/%u", cpu);
		if (IS_ERR(t)) {
			rb_kworkers_stop();
			return PTR_ERR(t);
		}
		kthread_bind(t, cpu);
		sched_set_fifo_low(t);
		rb_kw[cpu].task = t;
		wake_up_process(t);
	}
	return 0;
}

void rb_kworkers_stop(void)
{
	unsigned int cpu;

	if (!rb_kw)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!rb_kw[cpu].task)
			continue;
		kthread_flush_worker(&rb_kw[cpu].worker);
		kthread_stop(rb_kw[cpu].task);
	}
	kfree(rb_kw);
	rb_kw = NULL;
}

static void kw_fn(struct kthread_work *w)
{
	rb_ran(&rb_kthread_worker_fifo1, w);
}

static void kw_init(void *w)
{
	kthread_init_work((struct kthread_work *)w, kw_fn);
}

static bool kw_queue(void *w, int cpu)
{
	if (cpu < 0)
		cpu = raw_smp_processor_id();
	if (!rb_kw || !rb_kw[cpu].task)
		return false;
	return kthread_queue_work(&rb_kw[cpu].worker, w);
}

static void kw_sync(void *w)
{
	kthread_flush_work(w);
}

struct rb_mech rb_kthread_worker_fifo1 = {
	.name = "kthread_worker_fifo1",
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct kthread_work),
	.per_cpu = true,
	.init = kw_init,
	.queue = kw_queue,
	.sync = kw_sync,
	.cleanup = rb_kworkers_stop,
};

/* system_highpri_wq: per-CPU kworkers at nice -20 */

static void hw_fn(struct work_struct *w)
{
	rb_ran(&rb_system_highpri_wq, w);
}

static void hw_init(void *w)
{
	INIT_WORK((struct work_struct *)w, hw_fn);
}

static bool hw_queue(void *w, int cpu)
{
	return queue_work_on(cpu < 0 ? raw_smp_processor_id() : cpu,
			     system_highpri_wq, w);
}

/* also the sync of the kernel's BH workqueue items (rtd_bench_bh.c) */
void rb_work_sync(void *w)
{
	cancel_work_sync(w);
}

struct rb_mech rb_system_highpri_wq = {
	.name = "system_highpri_wq",
	.scens = RB_ALL_SCENS,
	.size = sizeof(struct work_struct),
	.init = hw_init,
	.queue = hw_queue,
	.sync = rb_work_sync,
};
