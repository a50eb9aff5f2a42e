// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU kthread engine shared by threaded irq_work (irq_work/N) and
 * deferred timers (ktimers/N): classes of smpboot threads that park and
 * unpark with their CPU, sleep whenever their class has nothing to run, and
 * share one scheduling setting per class (struct rtd_task_sched, in the
 * kernel's terms), FIFO 1 until the tuning layer applies another (module
 * parameters at load, then writes to /sys/kernel/rtdefer/<class>/).
 *
 * Who gives a thread its setting, and when:
 *  - a new thread, before it first runs: the smpboot .create callback, for
 *    the CPUs online at registration and for every CPU that comes online for
 *    the first time later;
 *  - every thread, running or parked on an offline CPU: each
 *    rtd_pcpu_class_apply(), which applies the whole setting to all of them
 *    or, if one fails, gives those already changed back what they had.
 * Nothing else touches them: a thread someone changed with chrt or renice
 * keeps that, across CPU hotplug too, until the next setting of its class.
 *
 * Locking: CPU hotplug lock, then rtd_classes_lock, then a class's lock. An
 * apply holds the hotplug lock for reading, so no thread is created under
 * it and every existing thread already had its setting from .create.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smpboot.h>
#include <linux/string.h>

#include "debug_hook.h"
#include "internal.h"

/* What a class knows of its thread on one CPU. */
struct rtd_pcpu_slot {
	struct task_struct *given;	/* the thread .create gave the setting */
	struct rtd_task_sched saved;	/* its setting before a write */
};

static LIST_HEAD(rtd_classes);
static DEFINE_MUTEX(rtd_classes_lock);

static struct task_struct *rtd_class_thread(struct rtd_pcpu_class *c,
					    unsigned int cpu)
{
	return *per_cpu_ptr(c->threads->store, cpu);
}

/* A thread of @c on @cpu that has not had its setting yet gets it. */
static void rtd_class_thread_created(struct rtd_pcpu_class *c, unsigned int cpu)
{
	struct rtd_pcpu_slot *slot = per_cpu_ptr(c->slots, cpu);
	struct task_struct *t = rtd_class_thread(c, cpu);
	int ret;

	if (!t || t == slot->given)
		return;
	mutex_lock(&c->lock);
	ret = rtd_sched_apply(t, &c->sched);
	mutex_unlock(&c->lock);
	if (ret)
		pr_err("%s/%u: cannot set its scheduling policy: %d\n",
		       c->name, cpu, ret);
	slot->given = t;
}

/*
 * The smpboot .create callback of every class, called with the new thread
 * parked. It only gets the CPU, so it looks for new threads of all classes.
 */
static void rtd_pcpu_thread_created(unsigned int cpu)
{
	struct rtd_pcpu_class *c;

	mutex_lock(&rtd_classes_lock);
	list_for_each_entry(c, &rtd_classes, node)
		rtd_class_thread_created(c, cpu);
	mutex_unlock(&rtd_classes_lock);
}

/* Give back the setting noted in the slots of the CPUs before @upto. */
static void rtd_class_rollback(struct rtd_pcpu_class *c, unsigned int upto)
{
	struct task_struct *t;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (cpu >= upto)
			break;
		t = rtd_class_thread(c, cpu);
		if (t)
			rtd_sched_apply(t, &per_cpu_ptr(c->slots, cpu)->saved);
	}
}

/* Apply @s to every thread of @c, all or none. Hotplug lock and c->lock held. */
static int rtd_class_apply(struct rtd_pcpu_class *c, const struct rtd_task_sched *s)
{
	struct task_struct *t;
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu) {
		t = rtd_class_thread(c, cpu);
		if (!t)
			continue;
		rtd_sched_save(t, &per_cpu_ptr(c->slots, cpu)->saved);
		ret = rtd_sched_apply(t, s);
		if (ret) {
			rtd_class_rollback(c, cpu);
			pr_err("%s/%u: cannot set its scheduling policy: %d; nothing changed\n",
			       c->name, cpu, ret);
			return ret;
		}
	}
	return 0;
}

/**
 * rtd_pcpu_class_apply() - give every thread of a class a setting
 * @c: the class
 * @ts: the setting, one rtd_sched_can() allows
 *
 * On success every thread of @c, on online and offline CPUs, runs with @ts,
 * whatever chrt gave it before, and so will threads created later. On error
 * nothing changed.
 *
 * Context: Process context, may sleep. Takes the CPU hotplug lock.
 * Return: 0 or an error of rtd_sched_apply().
 */
int rtd_pcpu_class_apply(struct rtd_pcpu_class *c, const struct rtd_task_sched *ts)
{
	int ret;

	cpus_read_lock();
	mutex_lock(&c->lock);
	ret = rtd_class_apply(c, ts);
	if (!ret)
		c->sched = *ts;
	mutex_unlock(&c->lock);
	cpus_read_unlock();
	return ret;
}

/**
 * rtd_pcpu_class_find() - a registered class, by name
 * @name: the name it was registered with
 *
 * Context: Process context, may sleep.
 * Return: the class, or NULL; it stays valid until it is unregistered.
 */
struct rtd_pcpu_class *rtd_pcpu_class_find(const char *name)
{
	struct rtd_pcpu_class *c, *found = NULL;

	mutex_lock(&rtd_classes_lock);
	list_for_each_entry(c, &rtd_classes, node) {
		if (!strcmp(c->name, name)) {
			found = c;
			break;
		}
	}
	mutex_unlock(&rtd_classes_lock);
	return found;
}

/*
 * Stop the threads. Every thread is parked first, which runs the class's
 * park callback in the thread itself (where classes run what is still
 * queued), and which 5.10 needs: there, unregistering threads that are not
 * parked WARNs. CPU hotplug stays disabled (requests fail with -EBUSY)
 * until they are unregistered: a CPU coming online in between would unpark
 * its thread, and smpboot_unregister_percpu_thread() takes the hotplug lock
 * itself, so the lock cannot be held across both.
 */
static void rtd_pcpu_threads_stop(struct smp_hotplug_thread *ht)
{
	unsigned int cpu;

	cpu_hotplug_disable();
	cpus_read_lock();
	for_each_online_cpu(cpu)
		kthread_park(*per_cpu_ptr(ht->store, cpu));
	cpus_read_unlock();
	rtd_debug_stop_window();
	smpboot_unregister_percpu_thread(ht);
	cpu_hotplug_enable();
}

static void rtd_class_list_del(struct rtd_pcpu_class *c)
{
	mutex_lock(&rtd_classes_lock);
	list_del(&c->node);
	mutex_unlock(&rtd_classes_lock);
	free_percpu(c->slots);
	c->slots = NULL;
}

/**
 * rtd_pcpu_class_register() - start a class of per-CPU threads
 * @c: the class, defined with RTD_PCPU_CLASS(); its threads' callbacks and
 *	thread_comm are set by the caller, .create is the engine's
 *
 * Starts one thread per online CPU (and later per CPU coming online), each
 * given the class's setting (RTD_TASK_SCHED_DEFAULT until
 * rtd_pcpu_class_apply() gives another) before it first runs.
 *
 * Context: Process context, may sleep. Takes the CPU hotplug lock.
 * Return: 0 or a negative errno; on error no thread of the class is left.
 */
int rtd_pcpu_class_register(struct rtd_pcpu_class *c)
{
	int ret;

	c->slots = alloc_percpu(struct rtd_pcpu_slot);
	if (!c->slots)
		return -ENOMEM;
	mutex_init(&c->lock);
	c->sched = (struct rtd_task_sched)RTD_TASK_SCHED_DEFAULT;
	c->threads->create = rtd_pcpu_thread_created;
	mutex_lock(&rtd_classes_lock);
	list_add_tail(&c->node, &rtd_classes);
	mutex_unlock(&rtd_classes_lock);

	ret = smpboot_register_percpu_thread(c->threads);
	if (ret)
		rtd_class_list_del(c);
	return ret;
}

/**
 * rtd_pcpu_class_unregister() - stop a class of per-CPU threads
 * @c: the class
 *
 * Parks and stops its threads. CPU hotplug requests made meanwhile fail
 * with -EBUSY.
 *
 * Context: Process context, may sleep.
 */
void rtd_pcpu_class_unregister(struct rtd_pcpu_class *c)
{
	rtd_pcpu_threads_stop(c->threads);
	rtd_class_list_del(c);
}
