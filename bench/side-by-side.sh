#!/usr/bin/env bash
# Side-by-side benchmark: our C# trainer vs. the book's NumPy code (bench/book_numpy.py) and a PyTorch
# loop (bench/torch_peer.py, float64 and float32), same network, data and settings, runs alternated.
#
# usage: bench/side-by-side.sh [--steps N] [--runs R] [--data DIR] [--peers LIST] [--peer-only]
#                              [--include-training-bench] [--include-float32] [--numpy-blas pthread|openmp]
#                              [--torch-threads N]
#        bench/side-by-side.sh --products [--runs R] [--numpy-blas pthread|openmp]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)

steps=10000
runs=3
data="$here/../data/mnist-10k"
data_given=0
peer_only=0
training_bench=0
float32=0
products=0
peers_arg="numpy,torch64,torch32"
numpy_blas=pthread
torch_threads=$(nproc)
PY=/usr/bin/python3   # Debian's python: a pyenv python3 may shadow it on PATH

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'

  --steps N                 training steps (mini-batch updates) per run         (default 10000)
  --runs R                  runs of each implementation, alternated             (default 3)
  --data DIR                directory with the four MNIST IDX .gz files         (default <repo>/data/mnist-10k)
  --peers LIST              comma-separated, from numpy,torch64,torch32         (default all three)
  --peer-only               run only the peers (no C# build or run)
  --include-training-bench  also run bench/Training (ours, pure fold, no CLI) in the rotation
  --include-float32         also run our CLI with --precision float32 in the rotation
  --numpy-blas KIND         OpenBLAS build NumPy runs on: pthread or openmp     (default pthread)
  --torch-threads N         torch.set_num_threads for the PyTorch peers         (default: nproc)
  --products                instead of training: each matrix product of the net (bench/Products) against
                            NumPy's OpenBLAS on the same shapes (bench/products_numpy.py), GFLOP/s per shape

PyTorch always runs on the OpenMP build of OpenBLAS (the pthread build oversubscribes the cores when
torch uses more than one thread). The script switches Debian's libblas.so.3 / liblapack.so.3 /
libopenblas.so.0 alternatives before each peer run and restores the original selection on exit.
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
    --peers) peers_arg=${2:?--peers needs a value}; shift 2 ;;
    --peers=*) peers_arg=${1#*=}; shift ;;
    --peer-only) peer_only=1; shift ;;
    --include-training-bench) training_bench=1; shift ;;
    --include-float32) float32=1; shift ;;
    --products) products=1; peers_arg=numpy; shift ;;
    --numpy-blas) numpy_blas=${2:?--numpy-blas needs a value}; shift 2 ;;
    --numpy-blas=*) numpy_blas=${1#*=}; shift ;;
    --torch-threads) torch_threads=${2:?--torch-threads needs a value}; shift 2 ;;
    --torch-threads=*) torch_threads=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$steps" =~ ^[0-9]+$ && "$steps" -gt 0 ]] || { echo "--steps must be a positive integer" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ && "$runs" -gt 0 ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
[[ "$torch_threads" =~ ^[0-9]+$ && "$torch_threads" -gt 0 ]] || { echo "--torch-threads must be a positive integer" >&2; exit 2; }
[[ "$numpy_blas" == pthread || "$numpy_blas" == openmp ]] || { echo "--numpy-blas must be pthread or openmp" >&2; exit 2; }
IFS=',' read -r -a peers <<< "$peers_arg"
for p in "${peers[@]}"; do
  [[ "$p" == numpy || "$p" == torch64 || "$p" == torch32 ]] || { echo "unknown peer: $p (numpy, torch64, torch32)" >&2; exit 2; }
done
if [[ $peer_only -eq 1 && ${#peers[@]} -eq 0 ]]; then echo "--peer-only needs at least one peer" >&2; exit 2; fi
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  [[ -f "$data/$f" ]] || { echo "missing $data/$f" >&2; exit 1; }
done
data=$(cd "$data" && pwd)

want_numpy=0; want_torch=0
for p in "${peers[@]}"; do
  if [[ $p == numpy ]]; then want_numpy=1; else want_torch=1; fi
done

sudo=()
[[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo=(sudo)

# ---------------------------------------------------------------- Python / BLAS setup
# Debian's numpy and torch link libblas.so.3; without an OpenBLAS package that is the slow reference BLAS.
# libopenblas0 pulls in the pthread build; the OpenMP build (libopenblas0-openmp) is the one for PyTorch.
need_pkgs=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
if [[ $want_numpy -eq 1 || $want_torch -eq 1 ]]; then
  "$PY" -c 'import numpy' 2>/dev/null || need_pkgs+=(python3-numpy)
  installed libopenblas0 || need_pkgs+=(libopenblas0)
  installed libopenblas0-pthread || need_pkgs+=(libopenblas0-pthread)
fi
if [[ $want_torch -eq 1 ]]; then
  "$PY" -c 'import torch' 2>/dev/null || need_pkgs+=(python3-torch)
  installed libopenblas0-openmp || need_pkgs+=(libopenblas0-openmp)
fi
if [[ ${#need_pkgs[@]} -gt 0 ]]; then
  echo "installing ${need_pkgs[*]} from Debian ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y -q "${need_pkgs[@]}" >&2; then
    "${sudo[@]}" apt-get update -q >&2
    "${sudo[@]}" apt-get install -y -q "${need_pkgs[@]}" >&2
  fi
  [[ $want_numpy -eq 0 ]] || "$PY" -c 'import numpy' || { echo "numpy still not importable by $PY" >&2; exit 1; }
  [[ $want_torch -eq 0 ]] || "$PY" -c 'import torch' || { echo "torch still not importable by $PY" >&2; exit 1; }
fi

# The three alternatives that together decide which OpenBLAS a process loads: the libblas.so.3 and
# liblapack.so.3 wrappers, and libopenblas.so.0, which the wrappers link to.
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
libdir=/usr/lib/$arch
blas_alts=(libblas.so.3 liblapack.so.3 libopenblas.so.0)
declare -A alt_mode=() alt_value=()
blas_switching=0
if [[ $want_numpy -eq 1 || $want_torch -eq 1 ]] && command -v update-alternatives >/dev/null; then
  if [[ $(id -u) -eq 0 || ${#sudo[@]} -gt 0 ]]; then
    blas_switching=1
    for a in "${blas_alts[@]}"; do
      q=$(update-alternatives --query "$a-$arch" 2>/dev/null) || { blas_switching=0; break; }
      alt_mode[$a]=$(awk '/^Status:/ {print $2}' <<< "$q")
      alt_value[$a]=$(awk '/^Value:/ {print $2}' <<< "$q")
    done
  fi
fi
[[ $blas_switching -eq 1 || ${#peers[@]} -eq 0 ]] || echo "warning: cannot switch BLAS alternatives (not root, no sudo?); peers run on the current selection" >&2

restore_blas() {
  [[ $blas_switching -eq 1 ]] || return 0
  for a in "${blas_alts[@]}"; do
    if [[ ${alt_mode[$a]} == auto ]]; then
      "${sudo[@]}" update-alternatives --auto "$a-$arch" >/dev/null 2>&1 || true
    elif [[ -n ${alt_value[$a]} ]]; then
      "${sudo[@]}" update-alternatives --set "$a-$arch" "${alt_value[$a]}" >/dev/null 2>&1 || true
    fi
  done
}

use_blas() {  # use_blas pthread|openmp
  [[ $blas_switching -eq 1 ]] || return 0
  for a in "${blas_alts[@]}"; do
    "${sudo[@]}" update-alternatives --set "$a-$arch" "$libdir/openblas-$1/$a" >/dev/null \
      || { echo "could not select $libdir/openblas-$1/$a for $a" >&2; exit 1; }
  done
}

# ---------------------------------------------------------------- JSON helpers
json_get() {  # json_get FILE KEY
  if command -v jq >/dev/null; then
    jq -r --arg k "$2" '.[$k] // empty | tostring' "$1"
  else
    "$PY" -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
  fi
}
median() {  # median of numbers given as arguments
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) exit; if (NR%2) print a[(NR+1)/2]; else printf "%.10g\n", (a[NR/2]+a[NR/2+1])/2}'
}
minmax() {  # "min–max" of numbers given as arguments
  printf '%s\n' "$@" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.3f-%.3f", lo, hi}'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")
trap 'restore_blas; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- runners
# Results per implementation, as space-separated lists (bash has no arrays of arrays).
declare -A ms=() train=() test=() info=() extra=()
label() {
  case "$1" in
    ours) echo "ours (C# CLI)" ;;
    ours32) echo "ours float32 (C# CLI)" ;;
    training) echo "ours (bench/Training)" ;;
    numpy) echo "numpy (book)" ;;
    torch64) echo "torch float64" ;;
    torch32) echo "torch float32" ;;
  esac
}
record() {  # record IMPL JSON_FILE RUN
  local m tr te
  m=$(json_get "$2" ms_per_step); tr=$(json_get "$2" train_accuracy); te=$(json_get "$2" test_accuracy)
  [[ -n "$m" && -n "$tr" && -n "$te" ]] || { echo "$(label "$1") gave no ms_per_step/train_accuracy/test_accuracy in $2" >&2; exit 1; }
  ms[$1]+="$m "; train[$1]+="$tr "; test[$1]+="$te "
  printf 'run %d  %-22s %8.3f ms/step  train %.4f  test %.4f\n' "$3" "$(label "$1")" "$m" "$tr" "$te"
}
fail() {  # fail WHAT LOG
  echo "$1 failed:" >&2; tail -n 30 "$2" >&2; exit 1
}

run_ours() {  # run_ours R [IMPL PRECISION]
  local impl=${2:-ours} precision=${3:-float64}
  local out="$tmp/$impl-$1" extra_args=()
  [[ $data_given -eq 1 ]] && extra_args=(--data "$data")
  dotnet "$tmp/cli/functional.dll" train --steps "$steps" --precision "$precision" --out "$out" "${extra_args[@]}" \
    > "$tmp/$impl-$1.log" 2>&1 || fail "our trainer (run $1, $precision)" "$tmp/$impl-$1.log"
  [[ -f "$out/summary.json" ]] || { echo "our trainer wrote no $out/summary.json" >&2; exit 1; }
  record "$impl" "$out/summary.json" "$1"
}

run_training() {  # run_training R
  local j="$tmp/training-$1.json" extra_args=()
  [[ $data_given -eq 1 ]] && extra_args=(--data "$data")
  dotnet "$tmp/training/Functional.Bench.Training.dll" --steps "$steps" "${extra_args[@]}" \
    > "$tmp/training-$1.out" 2> "$tmp/training-$1.log" || fail "bench/Training (run $1)" "$tmp/training-$1.log"
  tail -n 1 "$tmp/training-$1.out" > "$j"
  record training "$j" "$1"
  extra[training]+="$(json_get "$j" gflops) $(json_get "$j" alloc_bytes_per_step) $(json_get "$j" peak_working_set_mb);"
}

run_numpy() {  # run_numpy R
  local j="$tmp/numpy-$1.json"
  use_blas "$numpy_blas"
  "$PY" "$here/book_numpy.py" --data "$data" --steps "$steps" \
    > "$tmp/numpy-$1.out" 2> "$tmp/numpy-$1.log" || fail "NumPy peer (run $1)" "$tmp/numpy-$1.log"
  tail -n 1 "$tmp/numpy-$1.out" > "$j"
  record numpy "$j" "$1"
  local threads; threads=$(json_get "$j" threads)
  info[numpy]="$(json_get "$j" blas); OPENBLAS_NUM_THREADS=${threads:-unset}"
}

run_torch() {  # run_torch IMPL R   (IMPL torch64 or torch32)
  local j="$tmp/$1-$2.json" dtype=float64
  [[ $1 == torch32 ]] && dtype=float32
  use_blas openmp
  "$PY" "$here/torch_peer.py" --data "$data" --steps "$steps" --dtype "$dtype" --threads "$torch_threads" \
    > "$tmp/$1-$2.out" 2> "$tmp/$1-$2.log" || fail "PyTorch $dtype peer (run $2)" "$tmp/$1-$2.log"
  tail -n 1 "$tmp/$1-$2.out" > "$j"
  record "$1" "$j" "$2"
  info[torch]="torch $(json_get "$j" torch_version), $(json_get "$j" num_threads) thread(s); $(json_get "$j" blas)"
}

run_impl() {  # run_impl IMPL R
  case "$1" in
    ours) run_ours "$2" ;;
    ours32) run_ours "$2" ours32 float32 ;;
    training) run_training "$2" ;;
    numpy) run_numpy "$2" ;;
    torch64|torch32) run_torch "$1" "$2" ;;
  esac
}

# ---------------------------------------------------------------- per-shape products (--products)
if [[ $products -eq 1 ]]; then
  echo "products: runs=$runs cores=$(nproc); numpy on openblas-$numpy_blas (OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset})"
  dotnet build -c Release "$here/Products" -o "$tmp/products" > "$tmp/build-products.log" 2>&1 \
    || fail "dotnet build bench/Products" "$tmp/build-products.log"
  for ((r = 1; r <= runs; r++)); do
    dotnet "$tmp/products/Functional.Bench.Products.dll" >> "$tmp/products.jsonl" 2> "$tmp/products-$r.log" \
      || fail "bench/Products (run $r)" "$tmp/products-$r.log"
    use_blas "$numpy_blas"
    "$PY" "$here/products_numpy.py" >> "$tmp/products.jsonl" 2> "$tmp/products-numpy-$r.log" \
      || fail "bench/products_numpy.py (run $r)" "$tmp/products-numpy-$r.log"
    echo "run $r done"
  done
  "$PY" - "$tmp/products.jsonl" "$runs" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
names = list(dict.fromkeys(r["product"] for r in rows))
print(f"median of {sys.argv[2]} run(s), best of 7 rounds each; GFLOP/s (higher is better)")
print(f"{'product':<36} {'shape':<38} {'ours':>8} {'OpenBLAS':>9} {'ours/OpenBLAS':>14}")
for n in names:
    ours = statistics.median(r["gflops"] for r in rows if r["product"] == n and r["impl"] == "ours-csharp")
    shape = next(r["shape"] for r in rows if r["product"] == n)
    # A product only we run (the real-batch rows) is compared with OpenBLAS's dense product of the same shape.
    peers = [r["gflops"] for r in rows if r["product"] == n and r["impl"] == "numpy"] \
        or [r["gflops"] for r in rows if r["shape"] == shape and r["impl"] == "numpy"]
    peer = statistics.median(peers)
    print(f"{n:<36} {shape:<38} {ours:>8.1f} {peer:>9.1f} {ours / peer:>13.0%}")
PYEOF
  exit 0
fi

# ---------------------------------------------------------------- build
impls=()
[[ $peer_only -eq 0 ]] && impls+=(ours)
[[ $peer_only -eq 0 && $training_bench -eq 1 ]] && impls+=(training)
[[ $peer_only -eq 0 && $float32 -eq 1 ]] && impls+=(ours32)
impls+=("${peers[@]}")

echo "side-by-side: steps=$steps runs=$runs data=$data cores=$(nproc) impls=${impls[*]}"
echo "  numpy on openblas-$numpy_blas (OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}); torch on openblas-openmp, $torch_threads thread(s)"
if [[ $peer_only -eq 0 ]]; then
  # Built once into a private directory, so every run uses the same binary even if src/ changes meanwhile.
  echo "building our trainer (Release) ..."
  dotnet build -c Release "$repo/src/Cli" -o "$tmp/cli" > "$tmp/build.log" 2>&1 || fail "dotnet build src/Cli" "$tmp/build.log"
  if [[ $training_bench -eq 1 ]]; then
    dotnet build -c Release "$here/Training" -o "$tmp/training" > "$tmp/build-training.log" 2>&1 \
      || fail "dotnet build bench/Training" "$tmp/build-training.log"
  fi
fi

# Alternate: forward order on odd runs, reverse order on even runs (ABCD / DCBA / ...), so that slow
# drifts in machine load fall on every implementation alike.
for ((r = 1; r <= runs; r++)); do
  if ((r % 2)); then order=("${impls[@]}"); else order=(); for ((i = ${#impls[@]} - 1; i >= 0; i--)); do order+=("${impls[i]}"); done; fi
  for impl in "${order[@]}"; do run_impl "$impl" "$r"; done
done

# ---------------------------------------------------------------- table
echo
[[ -n "${info[numpy]:-}" ]] && echo "numpy: ${info[numpy]}"
[[ -n "${info[torch]:-}" ]] && echo "torch: ${info[torch]}"
echo "median of $runs run(s), $steps steps each (batch 100, lr 0.1, 784-50-10); ms/step counts training steps only:"
printf '%-22s %13s %15s %10s %10s %16s\n' implementation "ms/step (med)" "min-max" "train acc" "test acc" "peer_ms/our_ms"
printf '%-22s %13s %15s %10s %10s %16s\n' -------------------- ------------- --------------- --------- --------- ----------------
om=""
[[ $peer_only -eq 0 ]] && om=$(median ${ms[ours]})
for impl in "${impls[@]}"; do
  # shellcheck disable=SC2086  # the lists are space-separated on purpose
  m=$(median ${ms[$impl]})
  ratio=""
  if [[ -n "$om" && $impl != ours && $impl != training && $impl != ours32 ]]; then ratio=$(awk -v p="$m" -v o="$om" 'BEGIN {printf "%.3f", p / o}'); fi
  printf '%-22s %13.3f %15s %10.4f %10.4f %16s\n' "$(label "$impl")" "$m" "$(minmax ${ms[$impl]})" \
    "$(median ${train[$impl]})" "$(median ${test[$impl]})" "$ratio"
done
if [[ -n "${extra[training]:-}" ]]; then
  IFS=';' read -r -a rows <<< "${extra[training]%;}"
  g=(); a=(); w=()
  for row in "${rows[@]}"; do read -r x y z <<< "$row"; g+=("$x"); a+=("$y"); w+=("$z"); done
  printf '\nbench/Training (median): %.2f GFLOP/s, %.0f bytes allocated/step, peak working set %.1f MiB\n' \
    "$(median "${g[@]}")" "$(median "${a[@]}")" "$(median "${w[@]}")"
fi
if [[ -n "$om" ]]; then
  echo
  for impl in "${impls[@]}"; do
    [[ $impl == ours || $impl == training || $impl == ours32 ]] && continue
    m=$(median ${ms[$impl]})
    awk -v p="$m" -v o="$om" -v n="$(label "$impl")" 'BEGIN {
      r = p / o
      if (r >= 1) printf "vs %-22s peer_ms / our_ms = %.3f: ours is %.2f× faster\n", n, r, r
      else        printf "vs %-22s peer_ms / our_ms = %.3f: ours is %.2f× slower\n", n, r, 1 / r
    }'
  done
fi
