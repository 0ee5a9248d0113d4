#!/usr/bin/env bash
# The malformed-input corpus (tests/corpus/MANIFEST): each case exits as its line says, names
# every fragment on stderr, writes nothing, and stays within bounded memory.
# Usage: corpus_test.sh RMESIM_BINARY CORPUS_DIR [sanitized]
#   sanitized: the binary is an ASan build (whose shadow memory needs more address space
#   than the bound), so the bound is not set.
set -u
export LC_ALL=C  # cases carry bytes that are not UTF-8
bin=$(realpath "$1")
corpus=$2
sanitized=${3:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# Generated, never committed: a 100 MB scalar, a 100 MB profile and a 100 MB image.
{ printf 'name: '; head -c 104857600 /dev/zero | tr '\0' a; printf '\n'; } > "$work/scalar-100mb.yaml"
cp "$work/scalar-100mb.yaml" "$work/profile-100mb.yaml"
head -c 104857600 /dev/zero > "$work/image-100mb.bin"
touch "$work/.stamp"
cd "$corpus" || exit 1
pass=0; fail=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  IFS='|' read -r -a f <<< "$line"
  want=$(echo "${f[0]}" | xargs)
  case "$want" in *bounded) [ -n "$sanitized" ] && continue; want=${want% bounded} ;; esac
  args=${f[1]//\$WORK/$work}
  # shellcheck disable=SC2206
  argv=($args)
  case " $args " in *" --out"*) ;; *) argv+=(--out "$work/out") ;; esac
  rm -rf "$work/out"
  (
    # 2 GiB of address space: an alias bomb or a huge read would need more.
    [ -n "$sanitized" ] || ulimit -v 2097152
    exec "$bin" "${argv[@]}" -q > "$work/stdout" 2> "$work/err"
  ); rc=$?
  ok=1
  [ "$rc" = "$want" ] || ok=0
  for ((i = 2; i < ${#f[@]}; i++)); do
    frag=$(echo "${f[$i]}" | sed 's/^ *//; s/ *$//')
    frag=${frag//\$WORK/$work}
    grep -qF -- "$frag" "$work/err" || ok=0
  done
  # Nothing written: no output folder, nothing new in the scratch folder.
  [ ! -e "$work/out" ] || ok=0
  [ -z "$(find "$work" -newer "$work/.stamp" ! -name err ! -name stdout ! -path "$work")" ] || ok=0
  if [ $ok = 1 ]; then pass=$((pass + 1)); else
    echo "FAIL: $line (rc $rc): $(head -c 400 "$work/err")"
    fail=$((fail + 1))
  fi
done < MANIFEST
echo "$pass passed, $fail failed ($(ls scenarios profiles images | grep -c '\.') corpus files)"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
