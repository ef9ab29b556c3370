#!/bin/sh
# Scripted check of the launcher's lock on a real build: clones the repository (its committed
# HEAD) into a temporary directory, starts two `./flowplane --version` at once on the fresh clone
# and checks that both succeed and that only one of them built. Takes as long as one full
# `mvn package` (a few minutes). Usage: cli/src/test/sh/concurrent-first-launch.sh [REPO]
set -u
repo=${1:-$(cd "$(dirname "$0")/../../../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone" || exit 1
cd "$work/clone" || exit 1
./flowplane --version >"$work/a.out" 2>"$work/a.err" &
a=$!
./flowplane --version >"$work/b.out" 2>"$work/b.err" &
b=$!
wait "$a"; ra=$?
wait "$b"; rb=$?
builds=$(cat "$work/a.err" "$work/b.err" | grep -c "building the distribution")
waited=$(cat "$work/a.err" "$work/b.err" | grep -c "waiting for it")
echo "first launch: exit $ra, $(head -n 1 "$work/a.out")"
echo "second launch: exit $rb, $(head -n 1 "$work/b.out")"
echo "builds: $builds, launches that waited: $waited"
if [ "$ra" -ne 0 ] || [ "$rb" -ne 0 ] || [ "$builds" -ne 1 ]; then
  echo "FAILED" >&2
  cat "$work/a.err" "$work/b.err" >&2
  exit 1
fi
echo "ok: both launches succeeded and only one built"
