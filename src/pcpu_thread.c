// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU kthread engine shared by threaded irq_work (irq_work/N) and
 * deferred timers (ktimers/N): smpboot threads that park and unpark with
 * their CPU, start as SCHED_FIFO 1 (mainline's sched_set_fifo_low) and sleep
 * whenever their class has nothing to run.
 */
#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smpboot.h>

#include "internal.h"

/**
 * rtd_pcpu_thread_setup() - give the calling per-CPU thread its RT policy
 * @cpu: the CPU the thread serves (unused)
 *
 * Meant as the &smp_hotplug_thread.setup callback of a class.
 *
 * Context: The class's kthread, at its first run. May sleep.
 */
void rtd_pcpu_thread_setup(unsigned int cpu)
{
	sched_set_fifo_low(current);
}

/**
 * rtd_pcpu_threads_register() - start a class of per-CPU threads
 * @ht: the class; its callbacks and thread_comm are set by the caller
 *
 * Context: Process context, may sleep. Takes the CPU hotplug lock.
 * Return: 0 or a negative errno; on error no thread of the class is left.
 */
int rtd_pcpu_threads_register(struct smp_hotplug_thread *ht)
{
	return smpboot_register_percpu_thread(ht);
}

/**
 * rtd_pcpu_threads_unregister() - stop a class of per-CPU threads
 * @ht: the class
 *
 * Every thread is parked first, which runs the class's park callback in the
 * thread itself (where classes run what is still queued), and which 5.10
 * needs: there, unregistering threads that are not parked WARNs.
 *
 * Context: Process context, may sleep.
 */
void rtd_pcpu_threads_unregister(struct smp_hotplug_thread *ht)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		kthread_park(*per_cpu_ptr(ht->store, cpu));
	cpus_read_unlock();
	smpboot_unregister_percpu_thread(ht);
}
