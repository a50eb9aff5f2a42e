/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between rtdefer's own source files; not an API. */
#ifndef RTDEFER_INTERNAL_H
#define RTDEFER_INTERNAL_H

int rtd_sysfs_init(void);
void rtd_sysfs_exit(void);

#endif /* RTDEFER_INTERNAL_H */
