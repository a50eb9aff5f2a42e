// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_torture: a torture test of rtdefer's exported API, in the manner of
 * rcutorture. For @duration seconds, producers on every CPU queue items of
 * every facility chosen by @facilities from hardirq (a HARD hrtimer),
 * softirq (a SOFT hrtimer), task context and remotely, while chaos threads
 * flush, cancel, disable and sync items in flight. CPU hotplug, sysfs knob
 * changes and a consumer module loaded in a loop come from the guest's
 * script at the same time. Then everything is stopped and waited for, and
 * every item is accounted for: KTAP lines go to the kernel log with the
 * prefix "rtd_torture: ktap: ", one per queue, and a stats line.
 *
 * Loading runs the whole torture and returns 0; the verdict is in the log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <rtdefer/rtdefer.h>

#include "compat/compat.h"
#include "rtt.h"

static unsigned int duration = 20;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "seconds of torture (1-86400)");

unsigned int rtt_nitems = 64;
module_param_named(nitems, rtt_nitems, uint, 0444);
MODULE_PARM_DESC(nitems, "items per queue (8-4096)");

static unsigned int irq_us = 300;
module_param(irq_us, uint, 0444);
MODULE_PARM_DESC(irq_us, "period of each CPU's hardirq and softirq producers, us (50-100000)");

static unsigned int producers = 2;
module_param(producers, uint, 0444);
MODULE_PARM_DESC(producers, "task-context producer threads (1-64)");

static char *facilities = "irq_work,bh,timer";
module_param(facilities, charp, 0444);
MODULE_PARM_DESC(facilities, "comma-separated: irq_work, bh, timer");

static unsigned int rtt_chaos = 1000;
module_param_named(chaos, rtt_chaos, uint, 0444);
MODULE_PARM_DESC(chaos, "flush/cancel/disable/sync operations on items in flight, per 100 producer rounds (0-10000)");

static struct rtt_facility *rtt_all[] = {
	&rtt_iw_facility, &rtt_bh_facility, &rtt_timer_facility,
};

static struct rtt_facility *rtt_on[ARRAY_SIZE(rtt_all)];
static unsigned int rtt_nr_on;

struct rtt_cpu {
	struct hrtimer hard;
	struct hrtimer soft;
};

static DEFINE_PER_CPU(struct rtt_cpu, rtt_cpus);
static DEFINE_PER_CPU(atomic_t, rtt_gen);
static bool rtt_stop;
static int rtt_cpuhp_state;
static struct task_struct **rtt_threads;
static atomic_long_t rtt_offlines;

bool rtt_stopping(void)
{
	return READ_ONCE(rtt_stop);
}

/*
 * Random numbers in any context: get_random_u32() takes sleeping locks on
 * PREEMPT_RT, and the producers run in hardirq. A per-CPU PRNG, IRQs off.
 */
static DEFINE_PER_CPU(struct rnd_state, rtt_rnd);

u32 rtt_rand(u32 n)
{
	unsigned long flags;
	u32 v;

	local_irq_save(flags);
	v = prandom_u32_state(this_cpu_ptr(&rtt_rnd));
	local_irq_restore(flags);
	return v % n;
}

static void rtt_rand_seed(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		prandom_seed_state(per_cpu_ptr(&rtt_rnd, cpu), get_random_u64());
}

/*
 * A CPU's hotplug generation: odd from just before it starts going down
 * until it is back up. Items queued to it may move to another CPU only when
 * the generation was odd when they were queued or has changed since.
 */
unsigned int rtt_cpu_gen(int cpu)
{
	return atomic_read(per_cpu_ptr(&rtt_gen, cpu));
}

bool rtt_cpu_moved(int cpu, unsigned int gen)
{
	return (gen & 1) || rtt_cpu_gen(cpu) != gen || !cpu_online(cpu);
}

static void rtt_produce(enum rtt_ctx ctx)
{
	int cpu = smp_processor_id();
	unsigned int i;

	for (i = 0; i < rtt_nr_on; i++)
		rtt_on[i]->produce(ctx, cpu);
}

static enum hrtimer_restart rtt_tick(struct hrtimer *t, enum rtt_ctx ctx)
{
	if (rtt_stopping())
		return HRTIMER_NORESTART;
	rtt_produce(ctx);
	hrtimer_forward_now(t, ns_to_ktime((u64)irq_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart rtt_hard_tick(struct hrtimer *t)
{
	return rtt_tick(t, RTT_HARDIRQ);
}

static enum hrtimer_restart rtt_soft_tick(struct hrtimer *t)
{
	return rtt_tick(t, RTT_SOFTIRQ);
}

/* cpuhp: runs on @cpu as it comes up, and at setup on every online CPU. */
static int rtt_cpu_up(unsigned int cpu)
{
	struct rtt_cpu *c = this_cpu_ptr(&rtt_cpus);
	ktime_t p = ns_to_ktime((u64)irq_us * NSEC_PER_USEC);

	if (rtt_cpu_gen(cpu) & 1)
		atomic_inc(this_cpu_ptr(&rtt_gen));
	rtd_hrtimer_setup(&c->hard, rtt_hard_tick, CLOCK_MONOTONIC,
			  HRTIMER_MODE_REL_PINNED_HARD);
	rtd_hrtimer_setup(&c->soft, rtt_soft_tick, CLOCK_MONOTONIC,
			  HRTIMER_MODE_REL_PINNED_SOFT);
	hrtimer_start(&c->hard, p, HRTIMER_MODE_REL_PINNED_HARD);
	hrtimer_start(&c->soft, p, HRTIMER_MODE_REL_PINNED_SOFT);
	return 0;
}

static int rtt_cpu_down(unsigned int cpu)
{
	struct rtt_cpu *c = this_cpu_ptr(&rtt_cpus);

	atomic_inc(this_cpu_ptr(&rtt_gen));
	if (!rtt_stopping())
		atomic_long_inc(&rtt_offlines);
	hrtimer_cancel(&c->hard);
	hrtimer_cancel(&c->soft);
	return 0;
}

/* about @rtt_chaos chaos operations per 100 calls, spread evenly */
static void rtt_chaos_round(unsigned int *credit)
{
	for (*credit += rtt_chaos; *credit >= 100 && !rtt_stopping(); *credit -= 100)
		rtt_on[rtt_rand(rtt_nr_on)]->chaos();
}

static int rtt_producer(void *arg)
{
	unsigned int credit = 0;

	while (!kthread_should_stop()) {
		if (!rtt_stopping()) {
			preempt_disable();
			rtt_produce(RTT_TASK);
			preempt_enable();
			rtt_chaos_round(&credit);
		}
		usleep_range(irq_us, 2 * irq_us);
	}
	return 0;
}

static int rtt_start_threads(void)
{
	unsigned int i;

	rtt_threads = kcalloc(producers, sizeof(*rtt_threads), GFP_KERNEL);
	if (!rtt_threads)
		return -ENOMEM;
	for (i = 0; i < producers; i++) {
		rtt_threads[i] = kthread_run(rtt_producer, NULL, "rtt_prod/%u", i);
		if (IS_ERR(rtt_threads[i])) {
			int ret = PTR_ERR(rtt_threads[i]);

			rtt_threads[i] = NULL;
			return ret;
		}
	}
	return 0;
}

static void rtt_stop_threads(void)
{
	unsigned int i;

	for (i = 0; rtt_threads && i < producers; i++)
		if (rtt_threads[i])
			kthread_stop(rtt_threads[i]);
	kfree(rtt_threads);
	rtt_threads = NULL;
}

static bool rtt_is_on(struct rtt_facility *f)
{
	unsigned int i;

	for (i = 0; i < rtt_nr_on; i++)
		if (rtt_on[i] == f)
			return true;
	return false;
}

static int rtt_select(void)
{
	char *buf, *s, *name;
	unsigned int i;
	int ret = 0;

	buf = kstrdup(facilities, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	s = buf;
	while ((name = strsep(&s, ",")) && !ret) {
		for (i = 0; i < ARRAY_SIZE(rtt_all); i++)
			if (!strcmp(name, rtt_all[i]->name))
				break;
		if (i == ARRAY_SIZE(rtt_all) || rtt_is_on(rtt_all[i])) {
			pr_err("facilities=%s: unknown or repeated facility '%s'\n",
			       facilities, name);
			ret = -EINVAL;
		} else {
			rtt_on[rtt_nr_on++] = rtt_all[i];
		}
	}
	kfree(buf);
	return ret;
}

static int rtt_check_params(void)
{
	if (duration < 1 || duration > 86400 || rtt_nitems < 8 ||
	    rtt_nitems > 4096 || irq_us < 50 || irq_us > 100000 ||
	    producers < 1 || producers > 64 || rtt_chaos > 10000) {
		pr_err("a parameter is out of range (see modinfo rtd_torture)\n");
		return -EINVAL;
	}
	return rtt_select();
}

static int rtt_init_facilities(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < rtt_nr_on; i++) {
		ret = rtt_on[i]->init();
		if (ret) {
			while (i--)
				rtt_on[i]->exit();
			return ret;
		}
	}
	return 0;
}

/* Sleep out the run; interruptible, so the hung-task check stays quiet. */
static void rtt_wait(void)
{
	unsigned long end = jiffies + duration * HZ;

	while (time_before(jiffies, end) && !signal_pending(current))
		schedule_timeout_interruptible(min_t(long, end - jiffies, HZ));
}

static void rtt_report(void)
{
	unsigned int i;
	int test = 0;
	bool ok = true;

	for (i = 0; i < rtt_nr_on; i++)
		ok &= rtt_on[i]->report(&test);
	pr_info("ktap: # stats: duration %us cpus %u offlines %ld facilities %s chaos %u\n",
		duration, num_possible_cpus(), atomic_long_read(&rtt_offlines),
		facilities, rtt_chaos);
	pr_info("ktap: # verdict: %s\n", ok ? "pass" : "FAIL");
}

static int __init rtt_init(void)
{
	unsigned int i;
	int ret;

	ret = rtt_check_params();
	if (ret)
		return ret;
	rtt_rand_seed();
	rtt_note_threads();
	ret = rtt_init_facilities();
	if (ret)
		return ret;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "rtd_torture:online",
				rtt_cpu_up, rtt_cpu_down);
	if (ret < 0)
		goto out_facilities;
	rtt_cpuhp_state = ret;
	ret = rtt_start_threads();
	if (!ret)
		rtt_wait();
	WRITE_ONCE(rtt_stop, true);
	rtt_stop_threads();
	cpuhp_remove_state(rtt_cpuhp_state);
	for (i = 0; i < rtt_nr_on; i++)
		rtt_on[i]->quiesce();
	if (!ret)
		rtt_report();
out_facilities:
	for (i = 0; i < rtt_nr_on; i++)
		rtt_on[i]->exit();
	return ret;
}

static void __exit rtt_exit(void)
{
}

module_init(rtt_init);
module_exit(rtt_exit);
MODULE_DESCRIPTION("rtdefer torture test");
MODULE_LICENSE("GPL");
RTD_MODULE_IMPORT_NS();
