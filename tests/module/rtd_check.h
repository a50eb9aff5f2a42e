/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel checks for rtdefer's test modules: each check is a debugfs file
 * under /sys/kernel/debug/<module>/; reading it runs the check, which writes
 * "ok ..." or "FAIL <what went wrong>" (see failed()). The selftests read the
 * files and assert on the first word.
 */
#ifndef RTD_CHECK_H
#define RTD_CHECK_H

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <compat/compat.h>

struct rtd_check {
	const char *name;
	int (*show)(struct seq_file *m, void *v);
};

/* Report a failed check into the check's output; true if it failed. */
static inline __printf(3, 4) bool failed(struct seq_file *m, bool ok, const char *fmt, ...)
{
	va_list args;

	if (ok)
		return false;
	seq_puts(m, "FAIL ");
	va_start(args, fmt);
	seq_vprintf(m, fmt, args);
	va_end(args);
	seq_puts(m, "\n");
	return true;
}

static inline int rtd_check_open(struct inode *inode, struct file *file)
{
	const struct rtd_check *c = inode->i_private;

	return single_open(file, c->show, NULL);
}

struct rtd_on_cpu {
	int (*fn)(void *arg);
	void *arg;
	int ret;
	struct completion done;
};

static inline int rtd_on_cpu_thread(void *data)
{
	struct rtd_on_cpu *oc = data;

	oc->ret = oc->fn(oc->arg);
	complete(&oc->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/*
 * Run @fn(@arg) in a kthread bound to @cpu and wait for it: for checks that
 * must watch a callback run on another CPU (kthread_create_on_cpu() is not
 * exported on 5.10). Return: what @fn returned, or -ENOMEM.
 */
static inline int rtd_run_on_cpu(int cpu, int (*fn)(void *arg), void *arg)
{
	struct rtd_on_cpu oc = { .fn = fn, .arg = arg };
	struct task_struct *t;

	init_completion(&oc.done);
	t = kthread_create(rtd_on_cpu_thread, &oc, "rtd_check/%d", cpu);
	if (IS_ERR(t))
		return -ENOMEM;
	kthread_bind(t, cpu);
	wake_up_process(t);
	wait_for_completion(&oc.done);
	kthread_stop(t);
	return oc.ret;
}

/* Where rtd_run_in() runs a function. */
enum rtd_in {
	RTD_IN_HARDIRQ,		/* a HARD hrtimer */
	RTD_IN_SOFTIRQ,		/* a tasklet */
	RTD_IN_IRQS_OFF,	/* the caller, interrupts off */
};

struct rtd_in_ctx {
	struct hrtimer timer;
	struct tasklet_struct tasklet;
	void (*fn)(void *arg);
	void *arg;
	bool done;
};

static inline void rtd_in_ctx_run(struct rtd_in_ctx *c)
{
	c->fn(c->arg);
	/* publish what @fn did; pairs with the acquires in rtd_run_in() */
	smp_store_release(&c->done, true);
}

static inline enum hrtimer_restart rtd_in_hrtimer(struct hrtimer *t)
{
	rtd_in_ctx_run(container_of(t, struct rtd_in_ctx, timer));
	return HRTIMER_NORESTART;
}

static inline void rtd_in_tasklet(struct tasklet_struct *t)
{
	rtd_in_ctx_run(container_of(t, struct rtd_in_ctx, tasklet));
}

/*
 * Run @fn(@arg) once in the context @where names and wait for it, up to
 * about ten seconds (what @fn did is visible to the caller afterwards).
 * Process context. Return: true if it ran.
 */
static inline bool rtd_run_in(enum rtd_in where, void (*fn)(void *arg), void *arg)
{
	struct rtd_in_ctx c = { .fn = fn, .arg = arg };
	unsigned long flags;
	int i;

	if (where == RTD_IN_HARDIRQ) {
		rtd_hrtimer_setup_on_stack(&c.timer, rtd_in_hrtimer, CLOCK_MONOTONIC,
					   HRTIMER_MODE_REL_HARD);
		hrtimer_start(&c.timer, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	} else if (where == RTD_IN_SOFTIRQ) {
		tasklet_setup(&c.tasklet, rtd_in_tasklet);
		tasklet_schedule(&c.tasklet);
	} else {
		local_irq_save(flags);
		rtd_in_ctx_run(&c);
		local_irq_restore(flags);
	}
	/* pairs with the release in rtd_in_ctx_run() */
	for (i = 0; i < 10000 && !smp_load_acquire(&c.done); i++)
		usleep_range(500, 1000);
	if (where == RTD_IN_HARDIRQ) {
		hrtimer_cancel(&c.timer);
		destroy_hrtimer_on_stack(&c.timer);
	} else if (where == RTD_IN_SOFTIRQ) {
		tasklet_kill(&c.tasklet);
	}
	/* pairs with the release in rtd_in_ctx_run() */
	return smp_load_acquire(&c.done);
}

/* Create the module's directory with one file per check. */
static inline struct dentry *rtd_checks_create(const char *dir_name,
					       const struct rtd_check *checks,
					       int n)
{
	static const struct file_operations rtd_check_fops = {
		.owner = THIS_MODULE,
		.open = rtd_check_open,
		.read = seq_read,
		.llseek = seq_lseek,
		.release = single_release,
	};
	struct dentry *dir = debugfs_create_dir(dir_name, NULL);
	int i;

	for (i = 0; i < n; i++)
		debugfs_create_file(checks[i].name, 0400, dir, (void *)&checks[i],
				    &rtd_check_fops);
	return dir;
}

#endif /* RTD_CHECK_H */
