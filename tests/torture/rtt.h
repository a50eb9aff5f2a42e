/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtd_torture: shared declarations. Every item of every facility is owned
 * by whoever queued it until its callback runs or a cancel takes it back;
 * each queueing is stamped with a sequence number, so the end of the run
 * can account for every item exactly: queued == ran + cancelled, nothing
 * run twice, nothing run in the wrong context, CPU or order.
 */
#ifndef RTT_H
#define RTT_H

#include <linux/atomic.h>
#include <linux/types.h>

/* Where a producer queued from. */
enum rtt_ctx { RTT_HARDIRQ, RTT_SOFTIRQ, RTT_TASK, RTT_NR_CTX };

/* Counters of one kind of item (one queue: e.g. threaded irq_work). */
struct rtt_kind {
	const char *name;
	atomic_long_t queued;		/* queueing calls that returned true */
	atomic_long_t ran;		/* callbacks run */
	atomic_long_t cancelled;	/* taken back by a cancel that said so */
	atomic_long_t dropped;		/* dropped at its bound task's exit */
	atomic_long_t refused;		/* refused for a documented reason */
	atomic_long_t dup;		/* a queueing whose callback ran twice */
	atomic_long_t bad_ctx;		/* callback in the wrong context */
	atomic_long_t bad_cpu;		/* on a CPU it was not promised to */
	atomic_long_t bad_order;	/* overtook an item queued before it */
	atomic_long_t bad_ret;		/* an API call's result contradicted */
	atomic_long_t overlap;		/* callback ran concurrently with itself */
	atomic_long_t lost;		/* queued, never ran, not cancelled */
	unsigned long *last;		/* [origin * nr_cpu_ids + run]: seq */
	bool behind_itself;		/* queued while running: runs where it runs */
};

/* What every torture item carries, whatever the facility. */
struct rtt_item {
	atomic_t owned;		/* 1 from claim until run or cancel */
	atomic_t in_cb;		/* its callback is running */
	int cpu;		/* the CPU it was queued to */
	int prev_cpu;		/* where its last callback ran (-1: none) */
	int alt_cpu;		/* prev_cpu when queued: it may still run there */
	bool ordered;		/* queued locally with IRQs off: FIFO applies */
	unsigned int gen;	/* hotplug generation of @cpu when queued */
	u64 seq;		/* (per-CPU counter << 8) | cpu */
	u64 ran_seq;		/* seq its last callback saw */
	struct rtt_kind *kind;
};

extern unsigned int rtt_nitems;

/* rtdefer's thread classes, told by task (RT kernels reuse their names) */
enum rtt_thread { RTT_THREAD_IW, RTT_THREAD_TIMER, RTT_NR_THREADS };

void rtt_note_threads(void);
bool rtt_in_thread(enum rtt_thread t);

bool rtt_stopping(void);
u32 rtt_rand(u32 n);
unsigned int rtt_cpu_gen(int cpu);
bool rtt_cpu_moved(int cpu, unsigned int gen);

bool rtt_claim(struct rtt_item *it);
void rtt_stamp(struct rtt_item *it, int cpu, bool ordered);
void rtt_release(struct rtt_item *it);
void rtt_cb_start(struct rtt_item *it, bool ctx_ok);
void rtt_cb_end(struct rtt_item *it);
void rtt_queued(struct rtt_item *it, bool ok, bool refusal_ok);
void rtt_cancelled(struct rtt_item *it);
void rtt_dropped(struct rtt_item *it);
void rtt_bad(atomic_long_t *counter, struct rtt_item *it, const char *what);
int rtt_kind_init(struct rtt_kind *k, const char *name, bool behind_itself);
void rtt_kind_free(struct rtt_kind *k);
bool rtt_kind_report(struct rtt_kind *k, int *test);
void rtt_kind_account(struct rtt_kind *k, struct rtt_item *it);
void rtt_settle(struct rtt_item *it, unsigned long deadline);

/* How long the end of a run waits for one queue's items to come back. */
#define RTT_SETTLE_SECS 30

/* One facility: its producers' hooks, called with the CPU pinned. */
struct rtt_facility {
	const char *name;
	int (*init)(void);
	void (*produce)(enum rtt_ctx ctx, int cpu);
	void (*chaos)(void);
	void (*quiesce)(void);
	bool (*report)(int *test);	/* true when every check passed */
	void (*exit)(void);
};

extern struct rtt_facility rtt_iw_facility;
extern struct rtt_facility rtt_bh_facility;
extern struct rtt_facility rtt_timer_facility;

#endif /* RTT_H */
