/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between rtdefer's own source files; not an API. */
#ifndef RTDEFER_INTERNAL_H
#define RTDEFER_INTERNAL_H

struct smp_hotplug_thread;

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
