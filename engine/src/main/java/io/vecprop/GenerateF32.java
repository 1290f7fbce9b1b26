package io.vecprop;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a double-precision class whose float32 twin the build generates: {@code NetworkF32} from
 * {@code Network}, {@code SimdDenseKernelsF32} from {@code SimdDenseKernels}, and so on. The
 * generator (the {@code vecprop-codegen} module, run by javac while it compiles the engine)
 * rewrites the source, double to float; the rules and the markers for what they cannot know (a
 * line's float form, {@code //@f32 code}, or its kept precision, {@code //@keep}; blocks of lines
 * only one precision has, or that keep theirs) are documented in
 * {@code io.vecprop.codegen.Float32Twin}. Only the double source is ever edited, so the two
 * precisions cannot drift apart. Tests may carry it too: {@code TestKernelParityF32} is generated
 * from {@code TestKernelParity} while the tests compile.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface GenerateF32 {}
