package cloud.angryninja.keeper;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import cloud.angryninja.keeper.testing.Tier;

/**
 * The package map of docs/architecture.md, enforced on the keeper's classes (not the tests'; the dev sandbox is left out
 * while it moves to a module of its own): no package imports one that imports it back, and each layer uses only the
 * layers below it. A new dependency upwards fails here, naming the classes.
 */
@Tier.Unit
class ArchitectureTest {

    static final String KEEPER = "cloud.angryninja.keeper";

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/cloud/angryninja/keeper/sandbox/"))
            .importPackages(KEEPER);

    @Test
    void noPackageImportsOneThatImportsItBack() {
        slices().matching(KEEPER + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("base").definedBy(packages("config", "callout", "workspace", "kube", "copilot", "leader"))
                .layer("clients").definedBy(packages("opencode", "github", "doppler"))
                .layer("probe").definedBy(packages("probe"))
                .layer("observers").definedBy(packages("metrics", "events", "quota"))
                .layer("stores").definedBy(packages("credential"))
                .layer("workflows").definedBy(packages("reseed", "adoption", "login"))
                .layer("api").definedBy(packages("api"))
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("workflows").mayOnlyBeAccessedByLayers("api")
                .whereLayer("stores").mayOnlyBeAccessedByLayers("workflows", "api")
                .whereLayer("observers").mayOnlyBeAccessedByLayers("workflows", "api")
                .whereLayer("probe").mayOnlyBeAccessedByLayers("observers", "stores", "workflows", "api")
                .whereLayer("clients").mayOnlyBeAccessedByLayers("probe", "observers", "stores", "workflows", "api")
                .check(CLASSES);
    }

    @Test
    void everyPackageIsInALayer() {
        classes().that().resideOutsideOfPackage(KEEPER)
                .should().resideInAnyPackage(packages("config", "callout", "workspace", "kube", "copilot", "leader", "opencode", "github", "doppler",
                        "probe", "metrics", "events", "quota", "credential", "reseed", "adoption", "login", "api"))
                .allowEmptyShould(true).check(CLASSES);
    }

    private static String[] packages(String... names) {
        return Arrays.stream(names).map(n -> KEEPER + "." + n + "..").toArray(String[]::new);
    }
}
