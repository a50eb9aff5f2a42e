// SPDX-License-Identifier: GPL-2.0
/*
 * Debug hooks of the test build (see debug_hook.h). Compiled only with
 * RTD_DEBUG_HOOKS=y: DKMS and the Debian package never build this file.
 */
#include <linux/compiler.h>
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/processor.h>
#include <linux/smpboot.h>

#include "debug_hook.h"
#include "internal.h"

static rtd_debug_hook_fn rtd_debug_hooks[RTD_NR_DEBUG_HOOKS];

/**
 * rtd_debug_hook() - run the function a test set for hook @id, if any
 * @id: the hook
 * @arg: what the hook's place passes (see enum rtd_debug_hook_id)
 *
 * Context: Whatever the hook's place in the code allows.
 */
void rtd_debug_hook(enum rtd_debug_hook_id id, void *arg)
{
	rtd_debug_hook_fn fn = READ_ONCE(rtd_debug_hooks[id]);

	if (fn)
		fn(arg);
}

/**
 * rtd_debug_set_hook() - set or clear (@fn NULL) the function of hook @id
 * @id: the hook
 * @fn: called at the hook, in the context of the code that reaches it
 *
 * For rtdefer's test modules only; they clear their hooks before they go.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown hook.
 */
int rtd_debug_set_hook(enum rtd_debug_hook_id id, rtd_debug_hook_fn fn)
{
	if (id >= RTD_NR_DEBUG_HOOKS)
		return -EINVAL;
	WRITE_ONCE(rtd_debug_hooks[id], fn);
	return 0;
}
EXPORT_SYMBOL_GPL(rtd_debug_set_hook);

static int rtd_debug_hold;
module_param_named(debug_hold_unload, rtd_debug_hold, int, 0644);
MODULE_PARM_DESC(debug_hold_unload,
		 "test build: 1 holds the next task leaving rtdefer after its last module reference (2 while held)");

/* Spin (preemptible, never sleeping) until @done (if any) says so or @ns passed. */
static void rtd_debug_spin(bool (*done)(void), u64 ns)
{
	u64 end = ktime_get_mono_fast_ns() + ns;

	while (!(done && done()) && ktime_get_mono_fast_ns() < end)
		cpu_relax();
}

static bool rtd_debug_unloading(void)
{
	return !module_is_live(THIS_MODULE);
}

/**
 * rtd_debug_hold_unload() - hold a task that dropped its last module reference
 *
 * Called where a task has dropped rtdefer's last reference on itself and
 * still runs rtdefer's code on its way out. Once armed (the module
 * parameter debug_hold_unload set to 1), the next caller reads 2 back into
 * it and stays here, preemptible and never sleeping (no voluntary context
 * switch), until rtdefer is being unloaded and 200 ms more: an unload that
 * does not wait for such tasks frees this code under it.
 *
 * Context: Task context, preemptible.
 */
void rtd_debug_hold_unload(void)
{
	if (cmpxchg(&rtd_debug_hold, 1, 2) != 1)
		return;
	rtd_debug_spin(rtd_debug_unloading, 10 * NSEC_PER_SEC);
	rtd_debug_spin(NULL, 200 * NSEC_PER_MSEC);
	WRITE_ONCE(rtd_debug_hold, 0);
}

static int rtd_debug_online_cpu = -1;
module_param_named(debug_online_at_stop, rtd_debug_online_cpu, int, 0644);
MODULE_PARM_DESC(debug_online_at_stop,
		 "test build: a CPU to bring online while a class of threads stops (once)");

/**
 * rtd_debug_stop_window() - bring a CPU online while threads stop
 *
 * Called by the thread engine after it parked a class's threads and before
 * it unregisters them. Once armed (the module parameter
 * debug_online_at_stop set to a CPU), the next call brings that CPU online
 * and logs what add_cpu() returned.
 *
 * Context: Process context, may sleep; no CPU hotplug lock held.
 */
void rtd_debug_stop_window(void)
{
	int cpu = xchg(&rtd_debug_online_cpu, -1);

	if (cpu >= 0)
		pr_info("rtdefer: debug: add_cpu(%d) while threads stop: %d\n", cpu, add_cpu(cpu));
}

/**
 * rtd_debug_class_thread() - the thread of one of rtdefer's classes on a CPU
 * @class: the class's name, "irq_work" or "timer"
 * @cpu: the CPU
 *
 * For test modules, which tell rtdefer's threads by task: on PREEMPT_RT
 * the kernel has threads of the same names (irq_work/N, ktimers/N).
 *
 * Context: Process context, may sleep.
 * Return: the task (it lives until rtdefer unloads), or NULL.
 */
struct task_struct *rtd_debug_class_thread(const char *class, unsigned int cpu)
{
	struct rtd_pcpu_class *c = rtd_pcpu_class_find(class);

	if (!c || cpu >= nr_cpu_ids)
		return NULL;
	return *per_cpu_ptr(c->threads->store, cpu);
}
EXPORT_SYMBOL_GPL(rtd_debug_class_thread);
