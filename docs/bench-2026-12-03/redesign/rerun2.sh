#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
O=/work/scratch/jmh
C="-f 4 -wi 3 -w 1 -i 5 -r 1"
run() { local label=$1 group=$2; shift 2
  $J -jar /work/scratch/$label/benchmarks.jar "$@" $C -rf json -rff $O/$label-$group.json > $O/$label-$group.log 2>&1; echo "$(date +%T) $label $group rc=$?"; }
run before w3 TrainingBench -p kernels=simd -p workload=W3 -p precision=f32 -p threads=1
run after  w3 TrainingBench -p kernels=simd -p workload=W3 -p precision=f32 -p threads=1
run after  fw GemmBench.forward -p kernels=simd -p n=1024 -p precision=f64 -p threads=2
run before fw GemmBench.forward -p kernels=simd -p n=1024 -p precision=f64 -p threads=2
