package io.vecprop;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The house plan's arrows (docs/architecture.md), checked on the engine's compiled classes, the
 * generated float twins included: a class that breaks one fails the build, named with the
 * dependency that breaks it.
 */
@AnalyzeClasses(packages = "io.vecprop", importOptions = ImportOption.DoNotIncludeTests.class)
class TestArchitecture {

    @ArchTest
    static final ArchRule onlySimdUsesTheVectorApi = noClasses()
            .that().resideOutsideOfPackage("io.vecprop.kernels.simd..")
            .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector..")
            .because("the engine links and runs (scalar) without the incubator module");

    @ArchTest
    static final ArchRule kernelsKnowNothingAboveThem = noClasses()
            .that().resideInAPackage("io.vecprop.kernels..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vecprop.nn..", "io.vecprop.train..",
                    "io.vecprop.data..", "io.vecprop.io..", "io.vecprop.example..", "io.vecprop.cli..");

    @ArchTest
    static final ArchRule networksKnowNoTrainingDataFilesOrCommands = noClasses()
            .that().resideInAPackage("io.vecprop.nn..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vecprop.train..", "io.vecprop.data..",
                    "io.vecprop.io..", "io.vecprop.example..", "io.vecprop.cli..");

    @ArchTest
    static final ArchRule dataKnowsNoFormatsTrainingOrCommands = noClasses()
            .that().resideInAPackage("io.vecprop.data..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vecprop.io..", "io.vecprop.train..",
                    "io.vecprop.example..", "io.vecprop.cli..");

    @ArchTest
    static final ArchRule formatsKnowNoTrainingOrCommands = noClasses()
            .that().resideInAPackage("io.vecprop.io..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vecprop.train..", "io.vecprop.example..",
                    "io.vecprop.cli..");

    @ArchTest
    static final ArchRule trainingKnowsNoCommands = noClasses()
            .that().resideInAnyPackage("io.vecprop.train..", "io.vecprop.example..")
            .should().dependOnClassesThat().resideInAPackage("io.vecprop.cli..");

    @ArchTest
    static final ArchRule theEngineNeverReachesBenchOrSpark = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("io.vecprop.bench..", "io.vecprop.spark..", "org.apache.spark..",
                    "org.openjdk.jmh..")
            .because("bench and spark are modules on top of the engine, found at run time through ServiceLoader");

    @ArchTest
    static final ArchRule onlyTheCommandLinePrints = noClasses()
            .that().resideOutsideOfPackage("io.vecprop.cli..")
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .orShould().callMethod(System.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "exit", int.class)
            .orShould().callMethod(Runtime.class, "halt", int.class)
            .orShould().callMethod(Throwable.class, "printStackTrace")
            .because("a library reports through return values, exceptions and listeners; cli prints and chooses exit codes");

    @ArchTest
    static final ArchRule packagesFormNoCycles = slices().matching("io.vecprop.(*)..").should().beFreeOfCycles();
}
