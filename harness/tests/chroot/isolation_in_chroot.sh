#!/usr/bin/env bash
# A driver is isolated (PID, mount, IPC namespaces) also when shmcheck runs in a chroot whose
# / is not a mount point, as in a root made by mmdebstrap and entered with chroot (ci/fresh-root).
# There `mount --make-rprivate /` fails with EINVAL; the mount holding /dev/shm is made private
# instead. Needs root (chroot, mount); without it the test is unsupported (exit 77).
# Usage: isolation_in_chroot.sh SHMCHECK SOURCE_DIR PYTHON
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin  # chroot and mount, for a user whose PATH lacks them
shmcheck=$1 source_dir=$2 python=$3
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
  echo "unsupported: needs root and unshare(1) to build a chroot"; exit 77
fi
if [ -z "${SHMCHECK_CHROOT_TEST_ROOT:-}" ]; then
  # The bind mounts below are made in a mount namespace of their own, with private
  # propagation: they go with it. The directory is removed from here, where it never had a
  # mount under it, so removing it cannot reach through a bind mount into the host's files.
  root=$(mktemp -d /tmp/shmcheck-chroot.XXXXXX)
  status=0
  # --propagation unchanged: unshare's own `private` fails where / is not a mount point,
  # as when this test itself runs in such a chroot (ci/fresh-root); the script below checks.
  SHMCHECK_CHROOT_TEST_ROOT=$root unshare --mount --propagation unchanged "$0" "$@" || status=$?
  rm -rf --one-file-system "$root"
  exit "$status"
fi
root=$SHMCHECK_CHROOT_TEST_ROOT
if ! mount --make-rprivate / 2>/dev/null && grep -q ' shared:' /proc/self/mountinfo; then
  echo "unsupported: / is not a mount point here and some mounts propagate (shared): the test's bind mounts would reach other namespaces"
  exit 77
fi
build_dir=$(cd "$(dirname "$shmcheck")/.." && pwd)
mkdir -p "$root"/{usr,etc,dev,proc,tmp,"$source_dir","$build_dir"}
for d in usr etc dev; do mount --bind "/$d" "$root/$d"; done
for d in bin sbin lib lib64; do [ -L "/$d" ] && ln -s "$(readlink "/$d")" "$root/$d"; done
mount -t proc proc "$root/proc"
mount --bind "$source_dir" "$root$source_dir"
[ -d "$root$build_dir/bin" ] || mount --bind "$build_dir" "$root$build_dir"
if mountpoint -q "$root"; then echo "setup error: the chroot's / is a mount point"; exit 1; fi
chroot "$root" "$shmcheck" run --impl "python:$python" --suite spec --case value-initial \
  --json /tmp/results.json >"$root/tmp/out.txt" 2>&1 || { cat "$root/tmp/out.txt"; exit 1; }
cat "$root/tmp/out.txt"
"$python" - "$root/tmp/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
isolation = [i.get("isolation", "") for i in doc["implementations"]]
print("isolation:", isolation)
assert isolation and all(i.startswith("namespaces") for i in isolation), isolation
assert all(r["verdict"] == "pass" for r in doc["results"]), doc["results"]
PY
# Nothing of the driver's private /dev/shm reached this namespace's mounts.
if grep -q ' shmcheck ' /proc/self/mountinfo; then echo "a private /dev/shm tmpfs is visible outside"; exit 1; fi
echo "isolated in a chroot whose / is not a mount point"
