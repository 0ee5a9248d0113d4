#!/usr/bin/env bash
# `rmesim abi --header` compiles with the host C compiler, and its structures put every field
# at the offset the spec digest (/work/shared/reference/rmm-abi.md, sections 2, 6 and 11) gives.
# The expected offsets and FIDs below are copied from that document, not from the declaration.
# Usage: abi_header_test.sh RMESIM_BINARY C_COMPILER
set -u
bin=$1 cc=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0; pass=0
check() {  # name, command
  if eval "$2"; then pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

"$bin" abi --spec 1.0 --header > "$work/rmm_abi.h"; rc=$?
check "abi --header exits 0" '[ $rc = 0 ]'
check "the header has static_assert(offsetof) lines" 'grep -q "^static_assert(offsetof(struct rmi_realm_params, s2sz) == 0x008" "$work/rmm_abi.h"'

{
  echo '#include "rmm_abi.h"'
  echo '#define AT(s, f, off) _Static_assert(offsetof(struct s, f) == (off), #s "." #f)'
  # 6.1 RmiRealmParams
  for p in flags:0x000 s2sz:0x008 sve_vl:0x010 num_bps:0x018 num_wps:0x020 pmu_num_ctrs:0x028 \
           hash_algo:0x030 rpv:0x400 vmid:0x800 rtt_base:0x808 rtt_level_start:0x810 rtt_num_start:0x818; do
    echo "AT(rmi_realm_params, ${p%%:*}, ${p#*:});"
  done
  # 6.2 RmiRecParams
  for p in flags:0x000 mpidr:0x100 pc:0x200 gprs:0x300 num_aux:0x800 aux:0x808; do
    echo "AT(rmi_rec_params, ${p%%:*}, ${p#*:});"
  done
  # 6.3 RmiRecRun: RmiRecEnter at 0x000, RmiRecExit at 0x800, offsets within each half
  for p in flags:0x000 gprs:0x200 gicv3_hcr:0x300 gicv3_lrs:0x308; do
    echo "AT(rmi_rec_enter, ${p%%:*}, ${p#*:});"
  done
  for p in exit_reason:0x000 esr:0x100 far:0x108 hpfar:0x110 gprs:0x200 gicv3_hcr:0x300 gicv3_lrs:0x308 \
           gicv3_misr:0x388 gicv3_vmcr:0x390 cntp_ctl:0x400 cntp_cval:0x408 cntv_ctl:0x410 cntv_cval:0x418 \
           ripas_base:0x500 ripas_top:0x508 ripas_value:0x510 imm:0x600 pmu_ovf_status:0x700; do
    echo "AT(rmi_rec_exit, ${p%%:*}, ${p#*:});"
  done
  echo "AT(rmi_rec_run, enter, 0x000); AT(rmi_rec_run, exit, 0x800);"
  # 11: RsiRealmConfig, RsiHostCall
  echo "AT(rsi_realm_config, ipa_width, 0x0); AT(rsi_realm_config, hash_algo, 0x8); AT(rsi_realm_config, rpv, 0x200);"
  echo "AT(rsi_host_call, imm, 0x0); AT(rsi_host_call, gprs, 0x8);"
  echo '_Static_assert(sizeof(struct rmi_realm_params) == 4096 && sizeof(struct rmi_rec_params) == 4096, "4 KiB");'
  echo '_Static_assert(sizeof(struct rmi_rec_run) == 4096 && sizeof(struct rsi_host_call) == 0x100, "sizes");'
  echo '_Static_assert(sizeof(((struct rmi_realm_params *)0)->rpv) == 64, "rpv[64]");'
  echo '_Static_assert(sizeof(((struct rmi_rec_params *)0)->gprs) == 8 * 8, "gprs[8]");'
  echo '_Static_assert(sizeof(((struct rmi_rec_params *)0)->aux) == 16 * 8, "aux[16]");'
  echo '_Static_assert(sizeof(((struct rmi_rec_exit *)0)->gprs) == 31 * 8, "gprs[31]");'
  # 2: RMI FIDs; 11: RSI FIDs
  for p in VERSION:0xC4000150 GRANULE_DELEGATE:0xC4000151 GRANULE_UNDELEGATE:0xC4000152 DATA_CREATE:0xC4000153 \
           DATA_CREATE_UNKNOWN:0xC4000154 DATA_DESTROY:0xC4000155 REALM_ACTIVATE:0xC4000157 REALM_CREATE:0xC4000158 \
           REALM_DESTROY:0xC4000159 REC_CREATE:0xC400015A REC_DESTROY:0xC400015B REC_ENTER:0xC400015C \
           RTT_CREATE:0xC400015D RTT_DESTROY:0xC400015E RTT_MAP_UNPROTECTED:0xC400015F RTT_READ_ENTRY:0xC4000161 \
           RTT_UNMAP_UNPROTECTED:0xC4000162 PSCI_COMPLETE:0xC4000164 FEATURES:0xC4000165 RTT_FOLD:0xC4000166 \
           REC_AUX_COUNT:0xC4000167 RTT_INIT_RIPAS:0xC4000168 RTT_SET_RIPAS:0xC4000169; do
    echo "_Static_assert(SMC_RMI_${p%%:*} == ${p#*:}u, \"RMI_${p%%:*}\");"
  done
  for p in VERSION:0xC4000190 FEATURES:0xC4000191 MEASUREMENT_READ:0xC4000192 MEASUREMENT_EXTEND:0xC4000193 \
           REALM_CONFIG:0xC4000196 IPA_STATE_SET:0xC4000197 IPA_STATE_GET:0xC4000198 HOST_CALL:0xC4000199; do
    echo "_Static_assert(SMC_RSI_${p%%:*} == ${p#*:}u, \"RSI_${p%%:*}\");"
  done
  echo 'int main(void) { return 0; }'
} > "$work/check.c"
check "the header and the spec's offsets compile together (-std=c11 -Wall -Werror -pedantic)" \
  '"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I"$work" -o "$work/check" "$work/check.c" 2> "$work/cc.txt" || { cat "$work/cc.txt"; false; }'
# The check can fail: one wrong expectation does not compile.
sed 's/AT(rmi_realm_params, vmid, 0x800)/AT(rmi_realm_params, vmid, 0x808)/' "$work/check.c" > "$work/wrong.c"
check "a wrong offset fails to compile" '! "$cc" -std=c11 -I"$work" -o "$work/wrong" "$work/wrong.c" 2> /dev/null'
# The header's own static_asserts hold it to the declaration: move a field, and it stops compiling.
sed 's/^  uint8_t s2sz;/  uint16_t s2sz;/' "$work/rmm_abi.h" > "$work/moved.h"
check "the header's static_asserts catch a moved field" \
  '! grep -q "uint16_t s2sz" "$work/rmm_abi.h" && grep -q "uint16_t s2sz" "$work/moved.h" && ! printf "#include \"moved.h\"\n" | "$cc" -std=c11 -x c -fsyntax-only -I"$work" - 2> /dev/null'

"$bin" abi --markdown > "$work/abi.md"; rc=$?
check "abi --markdown lists RTT_READ_ENTRY's results" '[ $rc = 0 ] && grep -q "| 0xC4000161 | RMI_RTT_READ_ENTRY | rd, ipa, level | walk_level, state, desc, ripas |" "$work/abi.md"'
check "abi --markdown gives RmiRealmParams.vmid" 'grep -q "| 0x800 | vmid | u16 |" "$work/abi.md"'
check "docs/rmm-abi-1.0.md is what abi --markdown prints (regenerate: rmesim abi --markdown > docs/rmm-abi-1.0.md)" \
  'cmp -s "$work/abi.md" "$(dirname "$0")/../../docs/rmm-abi-1.0.md"'
# RMM 2.0-bet1: the header compiles, with the FIDs and RmiRmmConfig offsets of the reference
# (/work/shared/reference/rmm-v2.md), and without the commands 2.0 removed.
"$bin" abi --spec 2.0-bet1 --header > "$work/rmm_abi2.h"; rc=$?
{
  echo '#include "rmm_abi2.h"'
  echo '#define AT(s, f, off) _Static_assert(offsetof(struct s, f) == (off), #s "." #f)'
  echo 'AT(rmi_rmm_config, tracking_region_size, 0x0); AT(rmi_rmm_config, rmi_granule_size, 0x8);'
  echo 'AT(rmi_realm_params, rtt_base, 0x808); AT(rmi_rec_params, gprs, 0x300);'
  for p in RMM_CONFIG_SET:0xC400016E RMM_ACTIVATE:0xC4000202 GRANULE_TRACKING_GET:0xC40001E1 GPT_L1_CREATE:0xC40001F3 \
           GRANULE_RANGE_DELEGATE:0xC40001F1 GRANULE_RANGE_UNDELEGATE:0xC40001F2 RTT_DATA_MAP_INIT:0xC4000153 \
           RTT_DATA_MAP:0xC40001F5 RTT_DATA_UNMAP:0xC40001F6 RTT_UNPROT_MAP:0xC40001FB RTT_UNPROT_UNMAP:0xC40001FC \
           REALM_TERMINATE:0xC4000201 OP_CONTINUE:0xC4000203 OP_MEM_DONATE:0xC4000208 OP_MEM_RECLAIM:0xC4000209 \
           OP_CANCEL:0xC400020A; do
    echo "_Static_assert(SMC_RMI_${p%%:*} == ${p#*:}u, \"RMI_${p%%:*}\");"
  done
  echo 'int main(void) { return 0; }'
} > "$work/check2.c"
check "the 2.0-bet1 header compiles with the reference's FIDs and offsets" \
  '[ $rc = 0 ] && "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I"$work" -o "$work/check2" "$work/check2.c" 2> "$work/cc2.txt" || { cat "$work/cc2.txt"; false; }'
check "the 2.0-bet1 header has no removed command and no vmid" \
  '! grep -Eq "SMC_RMI_(GRANULE_DELEGATE|DATA_CREATE|DATA_DESTROY|REC_AUX_COUNT|RTT_MAP_UNPROTECTED) " "$work/rmm_abi2.h" && ! grep -q "vmid" "$work/rmm_abi2.h"'
"$bin" abi --spec 2.0-bet1 --markdown > "$work/abi2.md"
check "docs/rmm-abi-2.0.md is what abi --spec 2.0-bet1 --markdown prints (regenerate it so)" \
  'grep -q "| 13 | RMI_INCOMPLETE |" "$work/abi2.md" && cmp -s "$work/abi2.md" "$(dirname "$0")/../../docs/rmm-abi-2.0.md"'
"$bin" abi --spec 0.5 > /dev/null 2> "$work/err.txt"; rc=$?
check "an undeclared spec version exits 2 and lists the declared ones" '[ $rc = 2 ] && grep -q "declared: 1.0" "$work/err.txt"'
"$bin" abi --header --markdown > /dev/null 2>&1; rc=$?
check "--header with --markdown exits 2" '[ $rc = 2 ]'

echo "abi header: $pass passed, $fail failed"
[ $fail = 0 ]
