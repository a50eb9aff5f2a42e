/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtd_bench: rtdefer's deferral mechanisms measured against the kernel's own,
 * side by side in one guest boot (see bench/README.md).
 *
 * Every mechanism owns a pool of items. The driver (a kthread bound to one
 * CPU) stamps an item with the time it is queued (for timers: the expiry it
 * is set to), queues it in the scenario's context, and the mechanism's
 * callback calls rb_ran() first thing, which records the latency.
 */
#ifndef RTD_BENCH_H
#define RTD_BENCH_H

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/types.h>

/* Scenarios, in the order of the CSV vocabulary. */
enum rb_scen {
	RB_IDLE,	/* reported by the guest program (wake-ups, memory) */
	RB_LOAD,	/* queued from hardirq, user-space hogs on every CPU */
	RB_STORM,	/* bursts of items from task context */
	RB_REMOTE,	/* queued from task context for another CPU */
	RB_HARDIRQ,	/* queued from an hrtimer callback, idle system */
	RB_TASK,	/* queued from task context, idle system */
	RB_NR_SCEN
};

#define RB_LAT_SCENS	(BIT(RB_TASK) | BIT(RB_HARDIRQ) | BIT(RB_LOAD))

/* One item in flight: written by the driver, read by the callback. */
struct rb_item {
	u64 t0;		/* ns (CLOCK_MONOTONIC) when queued, or the expiry */
	int busy;	/* queued and its callback has not run yet */
};

/*
 * A mechanism: its items are @size bytes each (an irq_work, a work_struct,
 * ...), allocated and set up by the core with init(), one row of them or,
 * for @per_cpu mechanisms (an item sticks to one CPU's worker), one row per
 * CPU. Its callbacks call rb_ran(mechanism, item) first thing.
 */
struct rb_mech {
	const char *name;
	unsigned int scens;	/* BIT(RB_*) this mechanism takes part in */
	bool stats_cost;	/* rtdefer's: storms with its statistics on and off */
	size_t size;
	bool per_cpu;
	void (*init)(void *item);
	/* queue @item to run on @cpu (-1: this CPU); any context */
	bool (*queue)(void *item, int cpu);
	/* wait until nothing of @item runs any more */
	void (*sync)(void *item);
	/* optional: before and after a scenario; after the last item synced */
	int (*prepare)(enum rb_scen s);
	void (*finish)(enum rb_scen s);
	void (*cleanup)(void);

	/* run state, owned by the core */
	void *pool;
	struct rb_item *items;	/* nitems stamps, shared by the rows */
	unsigned int nitems;
	bool ready;
	u32 *samples;
	atomic_t nsamples;
	atomic_t seq;		/* storm items queued, for sub-sampling */
	atomic_t done;		/* callbacks run in this scenario */
	int wait_slot;		/* the driver waits for this item ... */
	int wait_done;		/* ... or for this many callbacks */
};

/* Mechanisms, defined in rtd_bench_iw.c, rtd_bench_bh.c, rtd_bench_timer.c. */
extern struct rb_mech rb_rtd_irq_work, rb_rtd_irq_work_direct, rb_irq_work_hard,
	rb_rt_irq_work_thread, rb_kthread_worker_fifo1, rb_system_highpri_wq;
extern struct rb_mech rb_rtd_bh, rb_rtd_bh_highpri, rb_tasklet, rb_tasklet_hi,
	rb_native_bh, rb_native_bh_highpri;
extern struct rb_mech rb_rtd_timer, rb_rtd_timer_task, rb_hrtimer_hard,
	rb_hrtimer_soft, rb_rt_ktimers;

/* Module parameters (rtd_bench_main.c). */
extern unsigned int rb_samples, rb_load_samples, rb_storm_small, rb_storm_large,
	rb_storm_rounds, rb_storm_window, rb_gap_us, rb_timer_us;
extern int rb_remote_cpu, rb_task_pid;

/* The per-CPU FIFO 1 kthread_workers (rtd_bench_iw.c). */
int rb_kworkers_start(void);
void rb_kworkers_stop(void);
void rb_work_sync(void *work);

/* Scenarios (rtd_bench_run.c). */
void rb_ran(struct rb_mech *m, const void *item);
ktime_t rb_timer_expiry(struct rb_mech *m, const void *item);
void *rb_item(const struct rb_mech *m, unsigned int i, int cpu);
extern struct rb_mech *const rb_mechs[];
extern const unsigned int rb_nr_mechs;
extern const char *const rb_scen_names[RB_NR_SCEN];
int rb_run_scenario(enum rb_scen s);
int rb_run_stats(bool on);
void rb_report_stats(void);

/* Results (rtd_bench_main.c). */
enum rb_metric {
	RB_P50, RB_P99, RB_P999, RB_MAX, RB_THROUGHPUT, RB_COST_QUEUE,
	RB_COST_RUN, RB_IDLE_WAKEUPS, RB_MEM, RB_GROWTH, RB_SAMPLES,
	RB_STATS_COST,	/* signed, in tenths of ns */
	RB_STATS_OFF,
	RB_P50_STATS_OFF,	/* task scenario, rtdefer's statistics off */
	RB_NR_METRICS
};

void rb_result(const struct rb_mech *m, enum rb_scen s, enum rb_metric metric,
	       u64 value);
extern bool rb_stats_off_pass;
void rb_quantiles(const struct rb_mech *m, enum rb_scen s, const u32 *sorted,
		  unsigned int n);

#endif /* RTD_BENCH_H */
