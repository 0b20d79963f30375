#!/bin/sh
# The standalone reference driver runs itself again (lifetime-exec) through
# SHMCHECK_EXEC_WRAPPER, as it must under an emulator: here the wrapper is a shell that leaves
# a mark and execs the rest. The case must pass and the mark must be there.
#   exec_wrapper.sh SHMCHECK REF_DRIVER
set -eu
shmcheck=$1 driver=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
wrapper="sh -c 'echo \"\$@\" >> $dir/mark; exec \"\$@\"' wrapper"
SHMCHECK_EXEC_WRAPPER=$wrapper "$shmcheck" stress lifetime-exec --impl "exec:$driver" --size quick --seed 1 --json "$dir/r.json" --color never
grep -q -- '--attach-read' "$dir/mark" || { echo "FAIL: the wrapper was not used to run the reader"; exit 1; }
echo "ok: the reader ran through the wrapper: $(head -n 1 "$dir/mark")"
