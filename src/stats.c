// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics in debugfs, /sys/kernel/debug/rtdefer/: per facility (irq_work,
 * bh, timer) and per CPU, counts of queued and run items, items migrated
 * off a dead CPU, BH passes cut short by the budget and timer overruns, and
 * a histogram of queue-to-run latency in log2 buckets of nanoseconds; and
 * the rtdefer:* tracepoints (trace.h) fired from the same hooks.
 *
 * Counting is per-CPU and lock-free (this_cpu_inc); readers sum the CPUs.
 * Files are root-only; they show counts, never kernel pointers:
 *   <facility>/stats     one line per possible CPU and a total line
 *   <facility>/latency   "bucket_ns count" lines, bucket = lower bound
 *   reset                write 1 to zero every counter
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static const char * const rtd_fac_names[RTD_NR_FACS] = {
	[RTD_FAC_IRQ_WORK] = "irq_work",
	[RTD_FAC_BH] = "bh",
	[RTD_FAC_TIMER] = "timer",
};

static const char * const rtd_stat_names[RTD_NR_STATS] = {
	[RTD_STAT_QUEUED] = "queued",
	[RTD_STAT_RUN] = "run",
	[RTD_STAT_MIGRATED] = "migrated",
	[RTD_STAT_BUDGET] = "budget_exhausted",
	[RTD_STAT_OVERRUN] = "overruns",
};

struct rtd_stats {
	unsigned long count[RTD_NR_STATS];
	unsigned long lat[RTD_LAT_BUCKETS];
};

static DEFINE_PER_CPU(struct rtd_stats, rtd_stats[RTD_NR_FACS]);
static struct dentry *rtd_debugfs;

/**
 * rtd_stat_add() - count events of a facility on this CPU
 * @fac: RTD_FAC_*
 * @stat: RTD_STAT_*
 * @n: how many
 *
 * Context: Any context, NMI included.
 */
void rtd_stat_add(enum rtd_fac fac, enum rtd_stat stat, unsigned long n)
{
	this_cpu_add(rtd_stats[fac].count[stat], n);
}

/**
 * rtd_obs_queued() - count and trace one queueing
 * @fac: RTD_FAC_*
 * @fn: the item's callback
 * @cpu: the CPU it is queued for
 *
 * Context: Any context, NMI included.
 * Return: the time stamp (local_clock()) to pass to rtd_obs_start().
 */
u64 rtd_obs_queued(enum rtd_fac fac, void *fn, int cpu)
{
	this_cpu_inc(rtd_stats[fac].count[RTD_STAT_QUEUED]);
	trace_rtdefer_queue(fac, fn, cpu);
	return local_clock();
}

/**
 * rtd_obs_start() - count, time and trace the start of a callback
 * @fac: RTD_FAC_*
 * @fn: the callback
 * @queued_ns: what rtd_obs_queued() returned for this run
 *
 * Context: Any context.
 */
void rtd_obs_start(enum rtd_fac fac, void *fn, u64 queued_ns)
{
	u64 now = local_clock(), lat = now > queued_ns ? now - queued_ns : 0;
	unsigned int b = lat ? min_t(unsigned int, ilog2(lat) + 1, RTD_LAT_BUCKETS - 1) : 0;

	this_cpu_inc(rtd_stats[fac].count[RTD_STAT_RUN]);
	this_cpu_inc(rtd_stats[fac].lat[b]);
	trace_rtdefer_execute_start(fac, fn, lat);
}

/**
 * rtd_obs_end() - trace the end of a callback
 * @fac: RTD_FAC_*
 * @fn: the callback (it may have freed its item)
 *
 * Context: Any context.
 */
void rtd_obs_end(enum rtd_fac fac, void *fn)
{
	trace_rtdefer_execute_end(fac, fn);
}

static unsigned long rtd_stat_sum(int fac, int stat)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(&rtd_stats[fac], cpu)->count[stat];
	return sum;
}

static int rtd_stats_show(struct seq_file *m, void *v)
{
	int fac = (long)m->private, cpu, i;

	seq_puts(m, "cpu");
	for (i = 0; i < RTD_NR_STATS; i++)
		seq_printf(m, " %s", rtd_stat_names[i]);
	seq_puts(m, "\n");
	for_each_possible_cpu(cpu) {
		seq_printf(m, "%d", cpu);
		for (i = 0; i < RTD_NR_STATS; i++)
			seq_printf(m, " %lu", per_cpu_ptr(&rtd_stats[fac], cpu)->count[i]);
		seq_puts(m, "\n");
	}
	seq_puts(m, "total");
	for (i = 0; i < RTD_NR_STATS; i++)
		seq_printf(m, " %lu", rtd_stat_sum(fac, i));
	seq_puts(m, "\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rtd_stats);

static int rtd_latency_show(struct seq_file *m, void *v)
{
	int fac = (long)m->private, cpu, b;
	unsigned long n;

	for (b = 0; b < RTD_LAT_BUCKETS; b++) {
		n = 0;
		for_each_possible_cpu(cpu)
			n += per_cpu_ptr(&rtd_stats[fac], cpu)->lat[b];
		seq_printf(m, "%llu %lu\n", b ? 1ULL << (b - 1) : 0ULL, n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rtd_latency);

static ssize_t rtd_reset_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	bool reset;
	int cpu, fac, ret;

	ret = kstrtobool_from_user(ubuf, len, &reset);
	if (ret)
		return ret;
	if (!reset)
		return -EINVAL;
	for_each_possible_cpu(cpu)
		for (fac = 0; fac < RTD_NR_FACS; fac++)
			memset(per_cpu_ptr(&rtd_stats[fac], cpu), 0, sizeof(struct rtd_stats));
	return len;
}

static const struct file_operations rtd_reset_fops = {
	.owner = THIS_MODULE,
	.write = rtd_reset_write,
	.llseek = noop_llseek,
};

/**
 * rtd_stats_init() - create /sys/kernel/debug/rtdefer
 *
 * Missing debugfs is not an error: the counters still count.
 *
 * Context: Module init, may sleep.
 */
void rtd_stats_init(void)
{
	struct dentry *dir;
	long fac;

	rtd_debugfs = debugfs_create_dir("rtdefer", NULL);
	for (fac = 0; fac < RTD_NR_FACS; fac++) {
		dir = debugfs_create_dir(rtd_fac_names[fac], rtd_debugfs);
		debugfs_create_file("stats", 0400, dir, (void *)fac, &rtd_stats_fops);
		debugfs_create_file("latency", 0400, dir, (void *)fac, &rtd_latency_fops);
	}
	debugfs_create_file("reset", 0200, rtd_debugfs, NULL, &rtd_reset_fops);
}

/**
 * rtd_stats_exit() - remove /sys/kernel/debug/rtdefer
 *
 * Context: Module exit, may sleep; waits for open files' operations.
 */
void rtd_stats_exit(void)
{
	debugfs_remove_recursive(rtd_debugfs);
}
