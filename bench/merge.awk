# SPDX-License-Identifier: GPL-2.0
# merge.awk: the median over boots of every figure.
#
#   awk -f merge.awk BOOT1.csv BOOT2.csv ...
#
# Input files have a header line and five columns, the last one a number
# (results.csv: kernel,mechanism,scenario,metric,value; quantiles.csv:
# kernel,mechanism,scenario,q,ns). Figures with the same first four columns
# are merged into one line holding their median, in order of first
# appearance. Integers stay integers (a median of two is rounded).

BEGIN { FS = OFS = "," }

FNR == 1 {
	if (header == "")
		header = $0
	next
}

{
	key = $1 FS $2 FS $3 FS $4
	if (!(key in n))
		order[++nkeys] = key
	v[key, ++n[key]] = $5
	if ($5 ~ /\./)
		frac[key] = 1
}

function median(key,  i, j, k, t, a) {
	k = n[key]
	for (i = 1; i <= k; i++)
		a[i] = v[key, i] + 0
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (k % 2)
		return a[(k + 1) / 2]
	return (a[k / 2] + a[k / 2 + 1]) / 2
}

END {
	print header
	for (i = 1; i <= nkeys; i++) {
		m = median(order[i])
		if (order[i] in frac)
			printf "%s,%.3f\n", order[i], m
		else
			printf "%s,%d\n", order[i], m + 0.5
	}
}
