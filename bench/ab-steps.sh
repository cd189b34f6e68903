#!/usr/bin/env bash
# Step A/B between two versions of the library, in one process (bench/StepAB): builds bench/Training at git
# revision A and at B (default: the working tree, uncommitted changes included) into a private directory, then
# alternates chunks of training steps between the two builds and prints the paired ratio B / A.
#
#   bench/ab-steps.sh REV_A [REV_B] [--precision float64|float32] [--chunks 15] [--chunk-steps 400]
#
# Example: bench/ab-steps.sh HEAD            # the working tree's changes against the last commit
#          bench/ab-steps.sh d4f25a1 HEAD --precision float32
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
fail() { echo "ab-steps: $1" >&2; [[ -n "${2:-}" && -f "$2" ]] && tail -20 "$2" >&2; exit 1; }

revs=()
passthrough=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --precision|--chunks|--chunk-steps) [[ $# -ge 2 ]] || fail "$1 needs a value"; passthrough+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *) revs+=("$1"); shift ;;
  esac
done
[[ ${#revs[@]} -ge 1 && ${#revs[@]} -le 2 ]] || fail "give one or two git revisions (see --help)"

tmp=$(mktemp -d)
cleanup() {
  for w in "$tmp"/tree-*; do [[ -d "$w" ]] && git -C "$repo" worktree remove --force "$w" > /dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# build NAME REV|"": bench/Training at a revision (a detached worktree) or at the working tree ("").
build() {
  local name=$1 rev=$2 source=$repo
  if [[ -n "$rev" ]]; then
    git -C "$repo" rev-parse --verify --quiet "$rev^{commit}" > /dev/null || fail "no git revision '$rev'"
    source="$tmp/tree-$name"
    git -C "$repo" worktree add --detach --quiet "$source" "$rev" || fail "git worktree add $rev"
  fi
  echo "building $name (${rev:-working tree}) ..." >&2
  dotnet build -c Release "$source/bench/Training" -o "$tmp/$name" > "$tmp/build-$name.log" 2>&1 \
    || fail "dotnet build bench/Training at ${rev:-the working tree}" "$tmp/build-$name.log"
}

name_a="A-$(git -C "$repo" rev-parse --short "${revs[0]}" 2> /dev/null || echo "${revs[0]}")"
build "$name_a" "${revs[0]}"
if [[ ${#revs[@]} -eq 2 ]]; then
  name_b="B-$(git -C "$repo" rev-parse --short "${revs[1]}" 2> /dev/null || echo "${revs[1]}")"
  build "$name_b" "${revs[1]}"
else
  name_b="B-working-tree"
  build "$name_b" ""
fi
dotnet build -c Release "$here/StepAB" -o "$tmp/stepab" > "$tmp/build-stepab.log" 2>&1 || fail "dotnet build bench/StepAB" "$tmp/build-stepab.log"
dotnet "$tmp/stepab/Functional.Bench.StepAB.dll" --builds "$tmp/$name_a,$tmp/$name_b" --data "$repo/data/mnist-10k" "${passthrough[@]}"
