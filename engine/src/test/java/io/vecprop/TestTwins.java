package io.vecprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vecprop.kernels.DenseKernels;
import io.vecprop.kernels.DenseKernelsF32;
import io.vecprop.kernels.scalar.ScalarDenseKernelsF32;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every class with a float32 twin has one, and the two have the same API up to precision: read
 * from the index the build writes ({@code META-INF/vecprop/f32-twins.txt}), each pair is loaded
 * and every public or protected constructor, method and field of the double class must have its
 * twin in the float class, with double mapped to float, {@code Double} to {@code Float},
 * {@code DMatrixRMaj} to {@code FMatrixRMaj} and each twinned class X to XF32 (in arrays, varargs
 * and type arguments too), and the float class must declare nothing else.
 *
 * <p>One exception, found by reflection rather than listed: a method that implements a method of
 * an interface that has no twin (a precision-neutral one such as {@code BatchBuffers}) keeps that
 * interface's parameter types in the twin, since the twin implements the same interface; its return
 * type is the mapped one when that still overrides, otherwise the interface's.
 *
 * <p>Like EJML's generated-code checks, the test counts what it compared and fails if the count
 * falls below a floor, so an index that loses its entries or a reflection filter that hides every
 * member cannot pass by checking nothing.
 */
class TestTwins {

    static final String INDEX = "META-INF/vecprop/f32-twins.txt";

    /** The type names the generator rewrites, double to float (its TYPES, less the bit-view methods). */
    static final Map<String, String> TYPES = Map.of(
            "double", "float",
            "java.lang.Double", "java.lang.Float",
            "org.ejml.data.DMatrixRMaj", "org.ejml.data.FMatrixRMaj",
            "jdk.incubator.vector.DoubleVector", "jdk.incubator.vector.FloatVector",
            "jdk.incubator.vector.LongVector", "jdk.incubator.vector.IntVector");

    /** The classes that must at least be twinned (issue 6). */
    static final List<String> REQUIRED = List.of(
            "io.vecprop.kernels.DenseKernels",
            "io.vecprop.kernels.Kernels",
            "io.vecprop.kernels.scalar.ScalarDenseKernels",
            "io.vecprop.kernels.simd.SimdDenseKernels",
            "io.vecprop.kernels.AlignedBuffers",
            "io.vecprop.nn.DenseLayer",
            "io.vecprop.nn.Workspace",
            "io.vecprop.nn.Network",
            "io.vecprop.train.NetworkBatch");

    /**
     * At least this many members compared across all pairs (208 today: the constructors, methods
     * and public fields of the 9 pairs, and the 16 kernels in the interface and the four
     * implementations); the floor only has to catch a test that silently compares next to nothing.
     */
    static final int FLOOR = 150;

    /** Double class name to twin class name, in index order. */
    static Map<String, String> pairs;
    static int checked;

    @BeforeAll
    static void readIndex() throws IOException {
        pairs = new LinkedHashMap<>();
        try (InputStream in = TestTwins.class.getClassLoader().getResourceAsStream(INDEX)) {
            assertNotNull(in, INDEX + " is not on the class path: the build writes it while compiling the engine");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
                String[] parts = line.split("\\s+");
                assertEquals(2, parts.length, "index line '" + line + "' must be '<double class> <twin class>'");
                assertEquals(parts[0] + "F32", parts[1], "a twin is named after its double class: " + line);
                assertTrue(pairs.put(parts[0], parts[1]) == null, "listed twice: " + parts[0]);
            }
        }
    }

    @AfterAll
    static void checkedEnough() {
        assertTrue(checked > FLOOR, "compared only " + checked + " members of twins (floor " + FLOOR + ")");
    }

    @Test
    void indexListsTheKernelsAndTheNetworkClasses() {
        for (String name : REQUIRED) {
            assertTrue(pairs.containsKey(name), INDEX + " lacks " + name + "; it lists " + pairs.keySet());
        }
    }

    @Test
    void everyPairLoadsAndHasTheSameApiUpToPrecision() throws ClassNotFoundException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            Class<?> d = load(pair.getKey());
            Class<?> f = load(pair.getValue());
            assertEquals(d.isInterface(), f.isInterface(), pair + ": interface or class");
            assertEquals(d.getModifiers() & (Modifier.PUBLIC | Modifier.FINAL | Modifier.ABSTRACT),
                    f.getModifiers() & (Modifier.PUBLIC | Modifier.FINAL | Modifier.ABSTRACT), pair + ": modifiers");
            compare(d, f, problems);
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " differences between the double classes and their twins:\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** Each kernel exists in both precisions: in the interface and in both implementations. */
    @Test
    void everyKernelExistsInFloatInEveryImplementation() throws ClassNotFoundException {
        Class<?>[] impls = {
            load("io.vecprop.kernels.scalar.ScalarDenseKernels"), load("io.vecprop.kernels.simd.SimdDenseKernels")};
        Class<?>[] implsF32 = {ScalarDenseKernelsF32.class, load("io.vecprop.kernels.simd.SimdDenseKernelsF32")};
        int kernels = 0;
        for (Method m : DenseKernels.class.getDeclaredMethods()) {
            if (!Modifier.isAbstract(m.getModifiers())) {
                continue;
            }
            Class<?>[] params = Arrays.stream(m.getParameterTypes()).map(TestTwins::mapClass).toArray(Class<?>[]::new);
            String sig = m.getName() + Arrays.toString(params);
            Method f = assertDeclares(DenseKernelsF32.class, m.getName(), params, sig);
            assertEquals(mapClass(m.getReturnType()), f.getReturnType(), sig + " returns the mapped type");
            assertTrue(Modifier.isAbstract(f.getModifiers()), "DenseKernelsF32." + sig + " is abstract");
            for (Class<?> impl : impls) {
                assertDeclares(impl, m.getName(), m.getParameterTypes(), sig);
            }
            for (Class<?> impl : implsF32) {
                assertDeclares(impl, m.getName(), params, sig);
            }
            kernels++;
            checked += 1 + impls.length + implsF32.length;
        }
        assertTrue(kernels >= 15, "DenseKernels has " + kernels + " kernels"); // 14 kernels and info()
        // and none in float alone
        assertEquals(kernels, Arrays.stream(DenseKernelsF32.class.getDeclaredMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers())).count(), "DenseKernelsF32's kernels");
    }

    private static Method assertDeclares(Class<?> type, String name, Class<?>[] params, String sig) {
        try {
            return type.getDeclaredMethod(name, params);
        } catch (NoSuchMethodException e) {
            return fail(type.getSimpleName() + " does not declare the kernel " + sig);
        }
    }

    // ---------------------------------------------------------------- the comparison itself

    interface Neutral {
        double step(double rate);
    }

    static class Sample implements Neutral {
        public static final double[] TABLE = {};

        public Sample(org.ejml.data.DMatrixRMaj m) {}

        public double step(double rate) {
            return rate;
        }

        public Sample[] many(List<? extends Sample> s, double... x) {
            return null;
        }

        public Double boxed(int i) {
            return null;
        }
    }

    static class SampleF32 implements Neutral {
        public static final float[] TABLE = {};

        public SampleF32(org.ejml.data.FMatrixRMaj m) {}

        public double step(double rate) {
            return rate;
        }

        public SampleF32[] many(List<? extends SampleF32> s, float... x) {
            return null;
        }

        public Float boxed(int i) {
            return null;
        }
    }

    /** A twin that drifted: a double left in a parameter, a return type not mapped, a method missing, one extra. */
    static class Drift {
        public double sum(double[] x) {
            return 0;
        }

        public void gone() {}
    }

    static class DriftF32 {
        public double sum(float[] x) {
            return 0;
        }

        public void extra() {}
    }

    @Test
    void theComparisonFindsEveryKindOfDrift() {
        Map<String, String> samples = Map.of(Sample.class.getName(), SampleF32.class.getName(),
                Drift.class.getName(), DriftF32.class.getName());
        pairs.putAll(samples);
        int before = checked;
        try {
            List<String> problems = new ArrayList<>();
            compare(Sample.class, SampleF32.class, problems);
            assertEquals(List.of(), problems, "a faithful twin, with a neutral interface method kept");
            compare(Drift.class, DriftF32.class, problems);
            assertEquals(4, problems.size(), String.join("\n", problems));
            assertTrue(problems.get(0).contains("lacks public float sum(float[])"), problems.get(0));
            assertTrue(problems.get(1).contains("lacks public void gone()"), problems.get(1));
            assertTrue(problems.get(2).contains("declares public double sum(float[])"), problems.get(2));
            assertTrue(problems.get(3).contains("declares public void extra()"), problems.get(3));
        } finally {
            pairs.keySet().removeAll(samples.keySet());
            checked = before; // the samples do not count toward the floor
        }
    }

    // ---------------------------------------------------------------- comparison

    private static Class<?> load(String name) throws ClassNotFoundException {
        // not initialised: the SIMD classes' static state is not needed to read their members
        return Class.forName(name, false, TestTwins.class.getClassLoader());
    }

    /** Compares the public and protected members of a double class d and its twin f, adding each difference to problems. */
    private static void compare(Class<?> d, Class<?> f, List<String> problems) {
        Map<String, String> expected = new TreeMap<>(); // twin signature -> the double member it comes from
        for (Executable e : members(d)) {
            String mapped = expectedTwin(d, f, e);
            if (expected.put(mapped, describe(e, false)) != null) {
                problems.add(d.getSimpleName() + ": two members map to " + mapped);
            }
        }
        for (Field field : fields(d)) {
            expected.put(fieldSignature(field, true), field.toGenericString());
        }
        Set<String> actual = new TreeSet<>();
        for (Executable e : members(f)) {
            actual.add(describe(e, false));
        }
        for (Field field : fields(f)) {
            actual.add(fieldSignature(field, false));
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!actual.contains(e.getKey())) {
                problems.add(f.getSimpleName() + " lacks " + e.getKey() + " (the twin of " + d.getSimpleName() + "'s "
                        + e.getValue() + ")");
            }
        }
        for (String a : actual) {
            if (!expected.containsKey(a)) {
                problems.add(f.getSimpleName() + " declares " + a + ", which is the twin of nothing in " + d.getSimpleName());
            }
        }
        // public nested types, by name
        Set<String> nestedD = nested(d, true), nestedF = nested(f, false);
        if (!nestedD.equals(nestedF)) {
            problems.add(f.getSimpleName() + " has the nested types " + nestedF + " where " + d.getSimpleName()
                    + " has " + nestedD);
        }
        checked += expected.size();
    }

    /**
     * The twin of e as describe() prints it: mapped, unless e implements a method of an interface
     * without a twin, which the twin must implement with the same parameters.
     */
    private static String expectedTwin(Class<?> d, Class<?> f, Executable e) {
        if (e instanceof Method m) {
            Method neutral = neutralInterfaceMethod(d, m);
            if (neutral != null) {
                assertTrue(neutral.getDeclaringClass().isAssignableFrom(f), f.getSimpleName() + " implements "
                        + neutral.getDeclaringClass().getSimpleName() + " as " + d.getSimpleName() + " does");
                Class<?> mappedReturn = mapClass(m.getReturnType());
                boolean mappedOverrides = neutral.getReturnType().isPrimitive()
                        ? mappedReturn == neutral.getReturnType()
                        : neutral.getReturnType().isAssignableFrom(mappedReturn);
                return modifiers(m) + " " + render(mappedOverrides ? m.getGenericReturnType() : neutral.getGenericReturnType(),
                        mappedOverrides) + " " + m.getName() + params(m, false);
            }
        }
        return describe(e, true);
    }

    /** The method of an interface with no twin (and not a twin) that m implements, or null. */
    private static Method neutralInterfaceMethod(Class<?> type, Method m) {
        for (Class<?> i : allInterfaces(type, new ArrayList<>())) {
            if (pairs.containsKey(i.getName()) || pairs.containsValue(i.getName())) {
                continue;
            }
            try {
                return i.getMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException notThere) {
                // try the next
            }
        }
        return null;
    }

    private static List<Class<?>> allInterfaces(Class<?> type, List<Class<?>> into) {
        for (Class<?> i : type.getInterfaces()) {
            if (!into.contains(i)) {
                into.add(i);
                allInterfaces(i, into);
            }
        }
        if (type.getSuperclass() != null) {
            allInterfaces(type.getSuperclass(), into);
        }
        return into;
    }

    /** Public and protected constructors and methods declared by type, less what the compiler adds (bridges). */
    private static List<Executable> members(Class<?> type) {
        List<Executable> all = new ArrayList<>();
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            all.add(c);
        }
        for (Method m : type.getDeclaredMethods()) {
            all.add(m);
        }
        return all.stream()
                .filter(e -> !e.isSynthetic() && !(e instanceof Method m && m.isBridge()))
                .filter(e -> (e.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0)
                .toList();
    }

    private static List<Field> fields(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields())
                .filter(f -> !f.isSynthetic() && (f.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0)
                .toList();
    }

    private static Set<String> nested(Class<?> type, boolean map) {
        return Arrays.stream(type.getDeclaredClasses())
                .filter(c -> (c.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0)
                .map(c -> map ? mapSimpleName(c.getSimpleName()) : c.getSimpleName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String mapSimpleName(String simpleName) {
        for (String d : pairs.keySet()) {
            if (d.endsWith("." + simpleName)) {
                return simpleName + "F32";
            }
        }
        return simpleName;
    }

    /** {@code [static] [abstract] return name(params)}, or {@code new(params)}, with the types mapped to float when map. */
    private static String describe(Executable e, boolean map) {
        if (e instanceof Method m) {
            return modifiers(m) + " " + render(m.getGenericReturnType(), map) + " " + m.getName() + params(m, map);
        }
        return modifiers(e) + " new" + params(e, map);
    }

    private static String modifiers(Executable e) {
        int mod = e.getModifiers();
        return (Modifier.isPublic(mod) ? "public" : Modifier.isProtected(mod) ? "protected" : "package")
                + (Modifier.isStatic(mod) ? " static" : "") + (Modifier.isAbstract(mod) ? " abstract" : "");
    }

    private static String params(Executable e, boolean map) {
        Type[] types = e.getGenericParameterTypes();
        if (types.length != e.getParameterCount()) {
            types = e.getParameterTypes(); // an inner class's constructor, whose generic view omits the outer instance
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            String t = render(types[i], map);
            if (e.isVarArgs() && i == types.length - 1) {
                t = t.substring(0, t.length() - 2) + "...";
            }
            s.append(t);
        }
        return s.append(')').toString();
    }

    private static String fieldSignature(Field f, boolean map) {
        int mod = f.getModifiers();
        return "field " + (Modifier.isStatic(mod) ? "static " : "") + (Modifier.isFinal(mod) ? "final " : "")
                + render(f.getGenericType(), map) + " " + f.getName();
    }

    /** A type's name, mapped to float when map: inside arrays, type arguments and wildcard bounds too. */
    static String render(Type t, boolean map) {
        return switch (t) {
            case Class<?> c when c.isArray() -> render(c.getComponentType(), map) + "[]";
            case Class<?> c -> map ? mapName(c) : c.getName();
            case GenericArrayType g -> render(g.getGenericComponentType(), map) + "[]";
            case ParameterizedType p -> render(p.getRawType(), map) + Arrays.stream(p.getActualTypeArguments())
                    .map(a -> render(a, map)).collect(Collectors.joining(", ", "<", ">"));
            case WildcardType w -> "?" + bounds(" extends ", w.getUpperBounds(), map) + bounds(" super ", w.getLowerBounds(), map);
            case TypeVariable<?> v -> v.getName();
            default -> throw new IllegalArgumentException("unexpected type " + t);
        };
    }

    private static String bounds(String word, Type[] bounds, boolean map) {
        if (bounds.length == 0 || (bounds.length == 1 && bounds[0] == Object.class)) {
            return "";
        }
        return word + Arrays.stream(bounds).map(b -> render(b, map)).collect(Collectors.joining(" & "));
    }

    private static String mapName(Class<?> c) {
        String name = c.getName();
        if (TYPES.containsKey(name)) {
            return TYPES.get(name);
        }
        int nested = name.indexOf('$');
        if (nested > 0 && pairs.containsKey(name.substring(0, nested))) {
            return pairs.get(name.substring(0, nested)) + name.substring(nested); // Network$Builder -> NetworkF32$Builder
        }
        return pairs.getOrDefault(name, name);
    }

    /** A class mapped to float: double to float, a twinned class to its twin, arrays of them likewise. */
    static Class<?> mapClass(Class<?> c) {
        if (c.isArray()) {
            return mapClass(c.getComponentType()).arrayType();
        }
        String mapped = mapName(c);
        if (mapped.equals(c.getName())) {
            return c;
        }
        if (c.isPrimitive()) {
            return float.class;
        }
        try {
            return load(mapped);
        } catch (ClassNotFoundException e) {
            return fail("no class " + mapped + ", the twin of " + c.getName());
        }
    }
}
