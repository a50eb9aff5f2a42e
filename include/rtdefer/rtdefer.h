/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtdefer public API.
 *
 * Consumers build against this directory and rtdefer's generated directory
 * (which holds <rtdefer/compat-config.h> for the kernel being built), link
 * against rtdefer's Module.symvers through KBUILD_EXTRA_SYMBOLS, and import
 * the RTDEFER symbol namespace once per module with RTD_MODULE_IMPORT_NS().
 */
#ifndef RTDEFER_RTDEFER_H
#define RTDEFER_RTDEFER_H

#include <linux/module.h>
#include <rtdefer/compat-config.h>
#include <rtdefer/bh_wq.h>
#include <rtdefer/irq_work.h>
#include <rtdefer/timer.h>

/*
 * RTD_MODULE_IMPORT_NS() - import the namespace of rtdefer's exports, in the
 * spelling the kernel being built expects (a string literal from v6.13).
 */
#ifdef RTD_HAVE_EXPORT_NS_TOKEN
#define RTD_MODULE_IMPORT_NS() MODULE_IMPORT_NS(RTDEFER)
#else
#define RTD_MODULE_IMPORT_NS() MODULE_IMPORT_NS("RTDEFER")
#endif

const char *rtd_version(void);

#endif /* RTDEFER_RTDEFER_H */
