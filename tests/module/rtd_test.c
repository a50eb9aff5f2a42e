// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_test: a consumer of rtdefer's exports, loaded by the selftests inside
 * the guest. At load it calls into rtdefer and publishes what it got back as
 * read-only module parameters, so user space can check the consumer path.
 */
#include <linux/module.h>
#include <linux/string.h>
#include <rtdefer/rtdefer.h>

static char version[32];
module_param_string(version, version, sizeof(version), 0444);
MODULE_PARM_DESC(version, "what rtd_version() returned at load");

static int __init rtd_test_init(void)
{
	const char *v = rtd_version();

	if (!v || strscpy(version, v, sizeof(version)) < 0)
		return -EINVAL;
	return 0;
}

static void __exit rtd_test_exit(void)
{
}

module_init(rtd_test_init);
module_exit(rtd_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer consumer used by rtdefer's own tests");
RTD_MODULE_IMPORT_NS();
