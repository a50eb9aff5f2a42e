/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between rtdefer's own source files; not an API. */
#ifndef RTDEFER_INTERNAL_H
#define RTDEFER_INTERNAL_H

#include <linux/irqflags.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/types.h>

struct kobject;
struct smp_hotplug_thread;
struct task_struct;

/* stats.c: per-CPU counters and latency histograms, in debugfs */
enum rtd_fac { RTD_FAC_IRQ_WORK, RTD_FAC_BH, RTD_FAC_TIMER, RTD_NR_FACS };
enum rtd_stat {
	RTD_STAT_QUEUED, RTD_STAT_RUN, RTD_STAT_MIGRATED, RTD_STAT_BUDGET,
	RTD_STAT_OVERRUN, RTD_NR_STATS
};

#define RTD_LAT_BUCKETS 40	/* log2 ns: the last one holds >= 2^38 ns */

void rtd_stat_add(enum rtd_fac fac, enum rtd_stat stat, unsigned long n);
u64 rtd_obs_queued(enum rtd_fac fac, void *fn, int cpu);
void rtd_obs_start(enum rtd_fac fac, void *fn, u64 queued_ns);
void rtd_obs_end(enum rtd_fac fac, void *fn);
void rtd_stats_init(void);
void rtd_stats_exit(void);

/*
 * API misuse that rtdefer can detect is reported once per kind (per call
 * site, pr_err_once) as "API misuse: ...", never as a WARN, and the call
 * does as little as is safe (see each function's kernel-doc).
 */
#define rtd_misuse(fmt, ...) pr_err_once("API misuse: " fmt, ##__VA_ARGS__)

/*
 * Whether the caller must not sleep, as far as this kernel can tell: a held
 * spinlock shows only where the kernel counts preemption (PREEMPT_COUNT).
 */
static inline bool rtd_cannot_sleep(void)
{
	return in_interrupt() || irqs_disabled() || preempt_count();
}

/* tunables.c */
int rtd_sysfs_init(void);
void rtd_sysfs_exit(void);
struct kobject *rtd_sysfs_root(void);
int rtd_knob_parse_int(const char *buf, int min, int max, int *val);
int rtd_knob_may_write(const char *buf, size_t count);

/* bh_knobs.c: read with READ_ONCE(); they change at any time */
#define RTD_BH_BUDGET_US_DEFAULT	2000
#define RTD_BH_BUDGET_US_MIN		10
#define RTD_BH_BUDGET_US_MAX		1000000
#define RTD_BH_MAX_RESTARTS_DEFAULT	10
#define RTD_BH_MAX_RESTARTS_MIN		1
#define RTD_BH_MAX_RESTARTS_MAX		1000
extern unsigned int rtd_bh_budget_us, rtd_bh_max_restarts;
int rtd_bh_knobs_add(struct kobject *root);
void rtd_bh_knobs_del(void);

/*
 * compat/sched.c: giving a thread a scheduling setting, in the kernel's
 * terms, within what this kernel exports
 */
struct rtd_task_sched {
	int policy;	/* the kernel's SCHED_* */
	int prio;	/* RT priority; 0 under SCHED_NORMAL */
	int nice;
};

bool rtd_sched_can(int policy, int prio);
const char *rtd_sched_limits(void);
int rtd_sched_apply(struct task_struct *t, const struct rtd_task_sched *ts);
void rtd_sched_save(struct task_struct *t, struct rtd_task_sched *saved);

/* sched_setting.c: the scheduling setting of a class of threads */
enum rtd_policy {
	RTD_POLICY_FIFO,
	RTD_POLICY_RR,
	RTD_POLICY_OTHER,
};

#define RTD_PRIO_MIN	1
#define RTD_PRIO_MAX	99

/**
 * struct rtd_sched - what every thread of a class runs with
 * @policy: SCHED_FIFO, SCHED_RR or SCHED_OTHER
 * @prio: RT priority, 1..99; kept while @policy is other, for the next
 *	switch to fifo or rr
 * @nice: nice value, -20..19; the threads carry it under every policy
 *	(the kernel keeps a nice value for RT tasks too) but it only weighs
 *	under other
 */
struct rtd_sched {
	enum rtd_policy policy;
	int prio;
	int nice;
};

#define RTD_SCHED_DEFAULT { .policy = RTD_POLICY_FIFO, .prio = 1, .nice = 0 }

/* The three sysfs knobs of a class. */
enum rtd_sched_knob {
	RTD_KNOB_POLICY,
	RTD_KNOB_PRIORITY,
	RTD_KNOB_NICE,
};

int rtd_sched_parse_policy(const char *buf);
const char *rtd_sched_policy_name(enum rtd_policy policy);
int rtd_sched_shown_prio(const struct rtd_sched *s);
int rtd_sched_update(struct rtd_sched *s, enum rtd_sched_knob knob, int value);

void rtd_sched_to_task(const struct rtd_sched *s, struct rtd_task_sched *ts);
bool rtd_sched_policy_ok(enum rtd_policy policy);
bool rtd_sched_prio_ok(int prio);

/* params.c: the module parameters, initial values of the knobs */
extern struct rtd_sched rtd_irq_work_param, rtd_timer_param;
extern unsigned int rtd_bh_budget_us_param, rtd_bh_max_restarts_param;

/* pcpu_thread.c */
struct rtd_pcpu_slot;

/* What a class's threads run with until told otherwise. */
#define RTD_TASK_SCHED_DEFAULT { .policy = SCHED_FIFO, .prio = 1, .nice = 0 }

/**
 * struct rtd_pcpu_class - a class of per-CPU threads sharing one setting
 * @name: its name (tuning names its sysfs directory after it)
 * @threads: its smpboot threads; rtd_pcpu_class_register() sets .create
 * @lock: serialises changes of @sched and its application to the threads
 * @sched: what every thread of the class was last given
 * @slots: per CPU, the thread given @sched and room for a rollback
 * @node: in the list of registered classes
 *
 * Define one with RTD_PCPU_CLASS(); only the first two are the caller's.
 */
struct rtd_pcpu_class {
	const char *name;
	struct smp_hotplug_thread *threads;
	struct mutex lock;	/* guards @sched and the threads' setting */
	struct rtd_task_sched sched;
	struct rtd_pcpu_slot __percpu *slots;
	struct list_head node;
};

#define RTD_PCPU_CLASS(_name, _threads) \
	{ .name = (_name), .threads = (_threads) }

int rtd_pcpu_class_register(struct rtd_pcpu_class *c);
void rtd_pcpu_class_unregister(struct rtd_pcpu_class *c);
struct rtd_pcpu_class *rtd_pcpu_class_find(const char *name);
int rtd_pcpu_class_apply(struct rtd_pcpu_class *c, const struct rtd_task_sched *ts);

/* class_knobs.c */
int rtd_class_knobs_init(void);
void rtd_class_knobs_exit(void);

/* irq_work.c */
int rtd_irq_work_init(void);
void rtd_irq_work_exit(void);

/* timer.c */
int rtd_timer_sys_init(void);
void rtd_timer_sys_exit(void);

/* bh_sync.c */
int rtd_bh_init(void);
void rtd_bh_exit(void);

#endif /* RTDEFER_INTERNAL_H */
