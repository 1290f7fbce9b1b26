#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
O=/work/scratch/jmh
C="-f 1 -wi 3 -w 1 -i 5 -r 1"
run() { # jar-label group args...
  local label=$1 group=$2; shift 2
  $J -jar /work/scratch/$label/benchmarks.jar "$@" $C -rf json -rff $O/$label-$group.json > $O/$label-$group.log 2>&1
  echo "$(date +%T) $label $group rc=$?"
}
run before steps TrainingBench -p kernels=simd
run after  steps TrainingBench -p kernels=simd
run after  gemm  GemmBench -p kernels=simd -p n=1024
run before gemm  GemmBench -p kernels=simd -p n=1024
run before kern  'SigmoidBench|DeltaBench|UpdateBench' -p kernels=poly,simd -p n=1024,4096
run after  kern  'SigmoidBench|DeltaBench|UpdateBench' -p kernels=poly,simd -p n=1024,4096
