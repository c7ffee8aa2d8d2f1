# SPDX-License-Identifier: 0BSD
# kvformat()/ksnprintf()/kformat_size() live in the support library already.
frame64_unit_test(format)
