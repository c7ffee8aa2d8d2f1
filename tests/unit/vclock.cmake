# SPDX-License-Identifier: 0BSD
# The clock arithmetic and sequence counter the kernel and the vDSO share (<frame64/vclock.h>).
frame64_unit_test(vclock)
