#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
O=/work/scratch/jmh
C="-f 4 -wi 3 -w 1 -i 5 -r 1"
run() { local label=$1 group=$2; shift 2
  $J -jar /work/scratch/$label/benchmarks.jar "$@" $C -rf json -rff $O/$label-$group.json > $O/$label-$group.log 2>&1; echo "$(date +%T) $label $group rc=$?"; }
run after  w2 TrainingBench -p kernels=simd -p workload=W2 -p precision=f64
run before w2 TrainingBench -p kernels=simd -p workload=W2 -p precision=f64
run before k2 'UpdateBench.onlineBackward|DeltaBench.hiddenDelta' -p kernels=simd -p n=4096 -p precision=f32
run after  k2 'UpdateBench.onlineBackward|DeltaBench.hiddenDelta' -p kernels=simd -p n=4096 -p precision=f32
