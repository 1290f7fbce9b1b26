package io.vecprop.codegen;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * Generates the float32 twin of every top-level class marked {@code @io.vecprop.GenerateF32},
 * while javac compiles the engine: it reads the class's source file, rewrites it with
 * {@link Float32Twin}, and hands the twin ({@code NetworkF32} for {@code Network}) back to javac in
 * the same compilation. The double code is the only code anyone edits, so the two cannot drift.
 *
 * <p>It also writes {@value #INDEX}, one line per pair ({@code double-class twin-class}), so a test
 * can check that every twin exists and has every method of its double class.
 *
 * <p>A compilation that builds on twins compiled before it (the engine's tests, twinned from the
 * double tests, on the main classes) names its own index with {@code -A}{@value #INDEX_OPTION}
 * {@code =name}; it then reads {@value #INDEX} from the class path, so a twin it writes refers to
 * those twins as well as its own by their double names ({@code Network} in {@code TestX} is
 * {@code NetworkF32} in {@code TestXF32}).
 */
@SupportedAnnotationTypes(Float32Processor.ANNOTATION)
public final class Float32Processor extends AbstractProcessor {

    static final String ANNOTATION = "io.vecprop.GenerateF32";
    /** What a twin's name adds to its double class's name. */
    public static final String SUFFIX = "F32";
    /** The class-path resource listing the pairs. */
    public static final String INDEX = "META-INF/vecprop/f32-twins.txt";
    /** The option naming the index a compilation that builds on {@value #INDEX} writes instead. */
    public static final String INDEX_OPTION = "vecprop.f32.index";

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(INDEX_OPTION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        TypeElement marker = processingEnv.getElementUtils().getTypeElement(ANNOTATION);
        if (marker == null || round.processingOver()) {
            return false;
        }
        List<TypeElement> types = new ArrayList<>();
        for (Element e : round.getElementsAnnotatedWith(marker)) {
            if (!(e instanceof TypeElement t) || e.getEnclosingElement().getKind() != ElementKind.PACKAGE) {
                error("@GenerateF32 applies to top-level classes, interfaces and enums only", e);
                continue;
            }
            types.add(t);
        }
        if (types.isEmpty()) {
            return false;
        }
        String indexName = processingEnv.getOptions().getOrDefault(INDEX_OPTION, INDEX);
        Map<String, String> renames = new TreeMap<>();
        if (!indexName.equals(INDEX)) {
            try {
                renames.putAll(twinsOnClassPath());
            } catch (IOException | IllegalArgumentException e) {
                error("cannot read " + INDEX + " from the class path, which -A" + INDEX_OPTION
                        + " needs (it lists the twins compiled before): " + e, types.getFirst());
                return true;
            }
        }
        for (TypeElement t : types) {
            String name = t.getSimpleName().toString();
            renames.put(name, name + SUFFIX);
        }
        Float32Twin twins = new Float32Twin(renames);
        Trees trees = Trees.instance(processingEnv);
        StringBuilder index = new StringBuilder();
        for (TypeElement t : types) {
            TreePath path = trees.getPath(t);
            if (path == null) {
                error("no source for " + t.getQualifiedName() + ": a float twin is generated from source", t);
                continue;
            }
            CompilationUnitTree unit = path.getCompilationUnit();
            String pkg = ((PackageElement) t.getEnclosingElement()).getQualifiedName().toString();
            String twinName = pkg + "." + t.getSimpleName() + SUFFIX;
            try {
                String source = unit.getSourceFile().getCharContent(true).toString();
                String twin = twins.transform(source, t.getSimpleName() + ".java");
                JavaFileObject file = processingEnv.getFiler().createSourceFile(twinName, t);
                try (Writer w = file.openWriter()) {
                    w.write(twin);
                }
            } catch (IllegalArgumentException | IOException e) {
                error("cannot generate " + twinName + ": " + e.getMessage(), t);
                continue;
            }
            index.append(t.getQualifiedName()).append(' ').append(twinName).append('\n');
        }
        try {
            FileObject file = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", indexName,
                    types.toArray(Element[]::new));
            try (Writer w = file.openWriter()) {
                w.write(index.toString());
            }
        } catch (IOException e) {
            error("cannot write " + indexName + ": " + e.getMessage(), types.getFirst());
        }
        return true;
    }

    /** The twins {@value #INDEX} on the class path lists, by simple name: {@code Network} to {@code NetworkF32}. */
    private Map<String, String> twinsOnClassPath() throws IOException {
        FileObject file = processingEnv.getFiler().getResource(StandardLocation.CLASS_PATH, "", INDEX);
        Map<String, String> twins = new TreeMap<>();
        for (String line : file.getCharContent(true).toString().split("\n")) {
            String[] pair = line.trim().split(" ");
            if (pair.length == 2) {
                twins.put(simpleName(pair[0]), simpleName(pair[1]));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException("not a pair of class names: '" + line + "'");
            }
        }
        return twins;
    }

    private static String simpleName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('.') + 1);
    }

    private void error(String message, Element e) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, e);
    }
}
