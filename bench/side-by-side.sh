#!/usr/bin/env bash
# Side-by-side benchmark: our C# trainer vs. a NumPy re-implementation of the
# book's ch05 train_neuralnet.py (bench/book_numpy.py), same data, same settings.
#
# usage: bench/side-by-side.sh [--steps N] [--runs R] [--data DIR] [--peer-only]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

steps=10000
runs=3
data="$here/../data/mnist-10k"
data_given=0
peer_only=0
PY=/usr/bin/python3   # Debian's python: a pyenv python3 may shadow it on PATH

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'

  --steps N     training steps (mini-batch updates) per run      (default 10000)
  --runs R      runs of each implementation, alternated          (default 3)
  --data DIR    directory with the four MNIST IDX .gz files      (default <repo>/data/mnist-10k)
  --peer-only   run only the NumPy peer (no C# build or run)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps=${2:?--steps needs a value}; shift 2 ;;
    --steps=*) steps=${1#*=}; shift ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --data) data=${2:?--data needs a value}; data_given=1; shift 2 ;;
    --data=*) data=${1#*=}; data_given=1; shift ;;
    --peer-only) peer_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$steps" =~ ^[0-9]+$ && "$steps" -gt 0 ]] || { echo "--steps must be a positive integer" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ && "$runs" -gt 0 ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [[ -f "$data/$f" ]] || { echo "missing $data/$f" >&2; exit 1; }
done
data=$(cd "$data" && pwd)

# ---------------------------------------------------------------- NumPy setup
need_pkgs=()
"$PY" -c 'import numpy' 2>/dev/null || need_pkgs+=(python3-numpy)
# Without libopenblas0, Debian's numpy runs on the reference BLAS (much slower).
dpkg-query -W -f='${Status}' libopenblas0 2>/dev/null | grep -q 'install ok installed' || need_pkgs+=(libopenblas0)
if [[ ${#need_pkgs[@]} -gt 0 ]]; then
  echo "installing ${need_pkgs[*]} from Debian ..." >&2
  sudo=()
  [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y -q "${need_pkgs[@]}" >&2; then
    "${sudo[@]}" apt-get update -q >&2
    "${sudo[@]}" apt-get install -y -q "${need_pkgs[@]}" >&2
  fi
  "$PY" -c 'import numpy' || { echo "numpy still not importable by $PY" >&2; exit 1; }
fi

# ---------------------------------------------------------------- JSON helpers
json_get() {  # json_get FILE KEY
  if command -v jq >/dev/null; then
    jq -r --arg k "$2" '.[$k] // empty' "$1"
  else
    "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
  fi
}
median() {  # median of numbers given as arguments
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) exit; if (NR%2) print a[(NR+1)/2]; else printf "%.10g\n", (a[NR/2]+a[NR/2+1])/2}'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- runners
ours_ms=(); ours_train=(); ours_test=()
peer_ms=(); peer_train=(); peer_test=()
peer_blas=""

run_ours() {  # run_ours R
  local out="$tmp/ours-$1" extra=()
  [[ $data_given -eq 1 ]] && extra=(--data "$data")
  dotnet run -c Release --project "$repo/src/Cli" -- train --steps "$steps" --out "$out" "${extra[@]}" \
    > "$tmp/ours-$1.log" 2>&1 || { echo "our trainer failed (run $1):" >&2; tail -n 30 "$tmp/ours-$1.log" >&2; exit 1; }
  local s="$out/summary.json"
  [[ -f "$s" ]] || { echo "our trainer wrote no $s" >&2; exit 1; }
  ours_ms+=("$(json_get "$s" ms_per_step)")
  ours_train+=("$(json_get "$s" train_accuracy)")
  ours_test+=("$(json_get "$s" test_accuracy)")
  printf 'run %d  ours   %8.3f ms/step  train %.4f  test %.4f\n' "$1" "${ours_ms[-1]}" "${ours_train[-1]}" "${ours_test[-1]}"
}

run_peer() {  # run_peer R
  local j="$tmp/peer-$1.json"
  "$PY" "$here/book_numpy.py" --data "$data" --steps "$steps" \
    > "$tmp/peer-$1.out" 2> "$tmp/peer-$1.log" || { echo "NumPy peer failed (run $1):" >&2; tail -n 30 "$tmp/peer-$1.log" >&2; exit 1; }
  tail -n 1 "$tmp/peer-$1.out" > "$j"
  peer_ms+=("$(json_get "$j" ms_per_step)")
  peer_train+=("$(json_get "$j" train_accuracy)")
  peer_test+=("$(json_get "$j" test_accuracy)")
  peer_blas=$(json_get "$j" blas)
  printf 'run %d  numpy  %8.3f ms/step  train %.4f  test %.4f\n' "$1" "${peer_ms[-1]}" "${peer_train[-1]}" "${peer_test[-1]}"
}

echo "side-by-side: steps=$steps runs=$runs data=$data cores=$(nproc) OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}"
if [[ $peer_only -eq 0 ]]; then
  echo "building our trainer (Release) ..."
  dotnet build -c Release "$repo/src/Cli" > "$tmp/build.log" 2>&1 || { tail -n 30 "$tmp/build.log" >&2; exit 1; }
fi

# Alternate in an ABBA pattern (ours,peer / peer,ours / ...) so slow drifts in
# machine load fall on both sides alike.
for ((r = 1; r <= runs; r++)); do
  if [[ $peer_only -eq 1 ]]; then
    run_peer "$r"
  elif ((r % 2)); then
    run_ours "$r"; run_peer "$r"
  else
    run_peer "$r"; run_ours "$r"
  fi
done

# ---------------------------------------------------------------- table
echo
echo "numpy BLAS: $peer_blas"
echo "median of $runs run(s), $steps steps each (batch 100, lr 0.1, 784-50-10):"
printf '%-16s %14s %10s %10s\n' implementation "ms/step (med)" "train acc" "test acc"
printf '%-16s %14s %10s %10s\n' -------------- ------------- --------- ---------
pm=$(median "${peer_ms[@]}")
if [[ $peer_only -eq 0 ]]; then
  om=$(median "${ours_ms[@]}")
  printf '%-16s %14.3f %10.4f %10.4f\n' "ours (C#)" "$om" "$(median "${ours_train[@]}")" "$(median "${ours_test[@]}")"
fi
printf '%-16s %14.3f %10.4f %10.4f\n' "numpy (book)" "$pm" "$(median "${peer_train[@]}")" "$(median "${peer_test[@]}")"
if [[ $peer_only -eq 0 ]]; then
  echo
  awk -v p="$pm" -v o="$om" 'BEGIN {
    r = p / o
    if (r >= 1) printf "peer_ms / our_ms = %.3f: ours is %.2f× faster\n", r, r
    else        printf "peer_ms / our_ms = %.3f: ours is %.2f× slower\n", r, 1 / r
  }'
fi
