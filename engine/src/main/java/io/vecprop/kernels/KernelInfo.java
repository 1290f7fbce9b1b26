package io.vecprop.kernels;

/**
 * What a kernel implementation is, for {@code vecprop info} and benchmark reports.
 *
 * @param name {@code scalar} or {@code simd}
 * @param vectorBits bits per vector (0 for scalar)
 * @param lanes values per vector in the kernels' precision: doubles, or floats for the F32 twins (1 for scalar)
 * @param threads the size of the pool products and updates are split across
 * @param sigmoid the sigmoid variant: {@code exact} (Math.exp), {@code poly} or {@code lanewise}
 */
public record KernelInfo(String name, int vectorBits, int lanes, int threads, String sigmoid) {}
