/* SPDX-License-Identifier: GPL-2.0 */
/* Checks of rtd_test_bh that live in their own files. */
#ifndef RTD_TEST_BH_H
#define RTD_TEST_BH_H

#include <linux/seq_file.h>

int rtd_test_bh_native_show(struct seq_file *m, void *v);

#endif /* RTD_TEST_BH_H */
