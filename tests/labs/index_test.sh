#!/usr/bin/env bash
# labs/README.md links every lab folder (labs/NN-name/) and links none that is missing; each
# folder has its README.md, ANSWERS.md and expect.yaml; there are at least eight.
# Usage: index_test.sh LABS_DIR
set -u
labs=$1; fail=0
for d in "$labs"/[0-9][0-9]-*/; do
  name=$(basename "$d")
  grep -q "($name/)" "$labs/README.md" || { echo "FAIL: labs/README.md does not link $name/"; fail=1; }
  for f in README.md ANSWERS.md expect.yaml; do
    [ -s "$d/$f" ] || { echo "FAIL: $name has no $f"; fail=1; }
  done
done
# The course has at least the eight labs of issue 18.
count=$(ls -d "$labs"/[0-9][0-9]-*/ | wc -l)
[ "$count" -ge 8 ] || { echo "FAIL: $count labs, expected at least 8"; fail=1; }
for name in $(grep -o '([0-9][0-9]-[a-z0-9-]*/)' "$labs/README.md" | tr -d '()/'); do
  [ -d "$labs/$name" ] || { echo "FAIL: labs/README.md links $name/, which does not exist"; fail=1; }
done
exit $fail
