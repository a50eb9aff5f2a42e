/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between rtdefer's own source files; not an API. */
#ifndef RTDEFER_INTERNAL_H
#define RTDEFER_INTERNAL_H

#include <linux/types.h>

struct smp_hotplug_thread;

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

/* tunables.c */
int rtd_sysfs_init(void);
void rtd_sysfs_exit(void);

/* pcpu_thread.c */
void rtd_pcpu_thread_setup(unsigned int cpu);
int rtd_pcpu_threads_register(struct smp_hotplug_thread *ht);
void rtd_pcpu_threads_unregister(struct smp_hotplug_thread *ht);

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
