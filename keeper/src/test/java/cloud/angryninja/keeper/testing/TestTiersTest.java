package cloud.angryninja.keeper.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.AccessTarget.ConstructorCallTarget;
import com.tngtech.archunit.core.domain.AccessTarget.ConstructorReferenceTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.ReferencedClassObject;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import cloud.angryninja.keeper.manifests.ClusterSnapshot;

/**
 * The test tiers ({@link Tier}) as the build sees them: every test class is in exactly one tier, as JUnit resolves its
 * tags (its own and its superclasses'); its name says which plugin runs it ({@code *IT}: failsafe, the packaged tier;
 * {@code *Test}: surefire, unit or integration); and its tier is what its code does. A unit test's code reaches nothing
 * that starts a real part ({@link #startsARealPart}), an integration test's does: its code is its methods, its
 * superclasses', those of the test resources and profiles its annotations and its code name, and everything they call
 * in the project's main and test code.
 *
 * <p>The reach is found in the compiled classes (ArchUnit): a call reaches the method called and its overrides; making
 * an object reaches every method of its class (it can be called back); touching a class runs its static initializer.
 * Calls inside lambdas and method references count as calls of the method that holds them. What is not seen: code
 * reached by reflection, or the application a {@code @QuarkusTest} boots (its beans are the keeper's own; the sandbox's,
 * which start OpenCode, are indexed in dev mode only). A failure names the chain of calls, e.g. {@code AlertRulesTest.promtool... ->
 * Promtool.shippedRuleGroups -> K8sTree.build -> ClusterSnapshot.adopted -> ClusterSnapshot.location}.
 */
@Tier.Unit
class TestTiersTest {

    static final String PROJECT = "cloud.angryninja.keeper";
    static final Set<String> TIERS = Set.of(Tier.UNIT, Tier.INTEGRATION, Tier.PACKAGED);
    /**
     * The project's compiled classes: the keeper's main and test (target/classes, target/test-classes) and the sandbox's
     * (its class folder, or its jar once the build has packaged it), where the tests' stand-ins start OpenCode.
     */
    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(location -> !location.isJar() || location.contains("opencode-keeper-sandbox"))
            .importPackages(PROJECT);

    /**
     * What starts a real part, reached from code: a process (every tool, script, OpenCode server, Prometheus, buildah,
     * the packaged jar, an old Java, Maven), the real Helm engine (helm-java, Go through JNA), and the cluster snapshot
     * outside the repository ({@link ClusterSnapshot#location()}).
     */
    static boolean startsARealPart(AccessTarget target) {
        String owner = target.getOwner().getName();
        String name = target.getName();
        return owner.equals(ProcessBuilder.class.getName()) && (name.equals("start") || name.equals("startPipeline"))
                || owner.equals(Runtime.class.getName()) && name.equals("exec")
                || owner.startsWith("com.marcnuri.helm.")
                || owner.equals(ClusterSnapshot.class.getName()) && name.equals("location");
    }

    @Test
    void everyTestClassIsInExactlyOneTier() {
        classes().that(haveTests()).and(areConcrete()).should(haveTiers(1, 1))
                .because("surefire and failsafe select tests by their tier (docs/development.md, \"Test tiers\"): "
                        + "a class in none never runs, one in two runs twice; JUnit adds up the tags of a class and its superclasses, "
                        + "so an XIT cannot extend an XTest: both extend an abstract base that carries no tier")
                .check(CLASSES);
        classes().that(haveTests()).and(areAbstract()).should(haveTiers(0, 1)).andShould(haveConcreteSubclasses())
                .because("an abstract test class runs as its subclasses: its tier, if it has one, is theirs")
                .check(CLASSES);
    }

    @Test
    void theNameSaysWhichPluginRunsTheTier() {
        classes().that(haveTests()).and(areConcrete()).and(areInTier(Tier.PACKAGED)).should(haveNameEndingIn("IT"))
                .because("failsafe runs the packaged tier, after package: the *IT classes")
                .check(CLASSES);
        classes().that(haveTests()).and(areConcrete()).and(areInTier(Tier.UNIT).or(areInTier(Tier.INTEGRATION)))
                .should(haveNameEndingIn("Test", "Bench"))
                .because("surefire runs the unit and integration tiers: the *Test classes (and the *Bench ones with -Pbench)")
                .check(CLASSES);
    }

    @Test
    void surefireRunsEveryUnitAndIntegrationTestInExactlyOneLane() {
        List<Class<?>> lanes = lanes();
        assertThat(lanes).as("every suite is a lane surefire runs: its includes are **/lanes/*Lane.java")
                .allSatisfy(lane -> assertThat(lane.getName()).matches(PROJECT.replace(".", "\\.") + "\\.lanes\\.[A-Za-z]+Lane"));
        classes().that(haveTests()).and(areConcrete()).and(areInTier(Tier.UNIT).or(areInTier(Tier.INTEGRATION)))
                .and(DescribedPredicate.describe("are named *Test", c -> c.getSimpleName().endsWith("Test")))
                .should(condition("be in exactly one lane", c -> {
                    List<String> in = lanes.stream().filter(lane -> selects(lane, c)).map(Class::getSimpleName).toList();
                    return in.size() == 1 ? Optional.empty()
                            : Optional.of(c.getName() + (in.isEmpty() ? " is in no lane: add its package to one"
                                    : " is in the lanes " + in + ": it would run twice"));
                }))
                .because("surefire runs the lanes, not the classes (cloud.angryninja.keeper.lanes): a class no lane selects "
                        + "never runs")
                .check(CLASSES);
    }

    @Test
    void theTestsConfigureTheKeeperWithTestResourcesNotProfiles() {
        noClasses().should().beAnnotatedWith("io.quarkus.test.junit.TestProfile").orShould()
                .implement("io.quarkus.test.junit.QuarkusTestProfile")
                .because("Quarkus builds the keeper once for each test profile a test JVM meets (4-5 CPU seconds), and only "
                        + "restarts it for another set of test resources: configure a @QuarkusTest with @WithTestResource "
                        + "(e.g. UnreachableWorkspace)")
                .check(CLASSES);
    }

    @Test
    void aLaneMarkedNoQuarkusApplicationHoldsNoQuarkusTest() {
        List<Class<?>> marked = lanes().stream().filter(lane -> lane.isAnnotationPresent(NoQuarkusApplication.class)).toList();
        assertThat(marked).as("TreeLane is marked").extracting(Class::getSimpleName).contains("TreeLane");
        classes().that().areAnnotatedWith("io.quarkus.test.junit.QuarkusTest")
                .should(condition("be in no lane marked @NoQuarkusApplication", c -> {
                    List<String> in = marked.stream().filter(lane -> selects(lane, c)).map(Class::getSimpleName).toList();
                    return in.isEmpty() ? Optional.empty() : Optional.of(c.getName() + " is in " + in);
                }))
                .because("such a lane's discovery does not wait for the other JVMs' (OneDiscoveryAtATime): a @QuarkusTest there "
                        + "could read Quarkus' index of the test classes while another JVM writes it")
                .check(CLASSES);
    }

    @Test
    void aLaneThatATierFilterEmptiesIsNoFailure() {
        // -Dtier=unit leaves TreeLane without a class (every test of the GitOps tree runs a real part)
        assertThat(lanes()).allSatisfy(lane -> assertThat(lane.getAnnotation(Suite.class).failIfNoTests()).as(lane.getSimpleName()).isFalse());
    }

    @Test
    void everyLaneThatPreparesAnApplicationHasADiscoveryTurnOfItsOwn() {
        List<Class<?>> preparing = lanes().stream().filter(lane -> !lane.isAnnotationPresent(NoQuarkusApplication.class)).toList();
        assertThat(preparing).as("the lanes that discover one at a time").hasSizeGreaterThan(1);
        assertThat(preparing).as("each has its place in OneDiscoveryAtATime's order")
                .allSatisfy(lane -> assertThat(lane.getAnnotation(DiscoveryTurn.class)).as(lane.getSimpleName()).isNotNull());
        assertThat(preparing.stream().map(lane -> lane.getAnnotation(DiscoveryTurn.class).value()))
                .as("turns 1, 2, ...: no two lanes share one, and the first exists").doesNotHaveDuplicates().contains(1)
                .allSatisfy(turn -> assertThat(turn).isBetween(1, preparing.size()));
    }

    /** The JUnit suites of the test classes: the lanes. */
    static List<Class<?>> lanes() {
        return CLASSES.stream().filter(c -> c.isAnnotatedWith(Suite.class)).map(TestTiersTest::load).toList();
    }

    /**
     * The lane selects the class: its package (or a package above it) or its name, unless a pattern excludes its name
     * (JUnit applies the patterns to what both select).
     */
    static boolean selects(Class<?> lane, JavaClass c) {
        SelectPackages packages = lane.getAnnotation(SelectPackages.class);
        SelectClasses names = lane.getAnnotation(SelectClasses.class);
        ExcludeClassNamePatterns excluded = lane.getAnnotation(ExcludeClassNamePatterns.class);
        return (packages != null && Stream.of(packages.value())
                .anyMatch(p -> c.getPackageName().equals(p) || c.getPackageName().startsWith(p + "."))
                || names != null && List.of(names.names()).contains(c.getName()))
                && (excluded == null || Stream.of(excluded.value()).noneMatch(c.getName()::matches));
    }

    @Test
    void aUnitTestStartsNoRealPart() {
        classes().that(haveTests()).and(areInTier(Tier.UNIT)).should(reachARealPart(false))
                .because("the unit tier runs on nothing but the JVM and the repository")
                .check(CLASSES);
    }

    @Test
    void anIntegrationTestStartsARealPart() {
        classes().that(haveTests()).and(areInTier(Tier.INTEGRATION)).should(reachARealPart(true))
                .because("a test that starts no real part belongs to the unit tier, which runs without the tools")
                .check(CLASSES);
    }

    // --- what JUnit sees: the tests of a class and its tags, read as JUnit reads them (with inheritance) ---

    static Class<?> load(JavaClass c) {
        try {
            return Class.forName(c.getName(), false, TestTiersTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** The class has test methods, its own or inherited: @Test, @ParameterizedTest, ... (each meta-annotated @Testable). */
    static boolean hasTests(JavaClass c) {
        if (c.isInterface() || c.isAnnotation() || c.isEnum() || c.isRecord()) {
            return false;
        }
        return !ReflectionSupport.findMethods(load(c), m -> AnnotationSupport.isAnnotated(m, Testable.class),
                HierarchyTraversalMode.TOP_DOWN).isEmpty();
    }

    /** The tiers among the class's JUnit tags, found as JUnit finds them. */
    static Set<String> tiers(JavaClass c) {
        return AnnotationSupport.findRepeatableAnnotations(load(c), Tag.class).stream().map(Tag::value).filter(TIERS::contains)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static boolean isAbstract(JavaClass c) {
        return Modifier.isAbstract(load(c).getModifiers());
    }

    static DescribedPredicate<JavaClass> haveTests() {
        return DescribedPredicate.describe("have tests", TestTiersTest::hasTests);
    }

    static DescribedPredicate<JavaClass> areConcrete() {
        return DescribedPredicate.describe("are concrete", c -> !isAbstract(c));
    }

    static DescribedPredicate<JavaClass> areAbstract() {
        return DescribedPredicate.describe("are abstract", TestTiersTest::isAbstract);
    }

    static DescribedPredicate<JavaClass> areInTier(String tier) {
        return DescribedPredicate.describe("are in tier " + tier, c -> tiers(c).contains(tier));
    }

    static ArchCondition<JavaClass> haveTiers(int min, int max) {
        return condition(min == max ? "be in exactly " + min + " tier" : "be in at most " + max + " tier", c -> {
            Set<String> tiers = tiers(c);
            return tiers.size() >= min && tiers.size() <= max ? Optional.empty()
                    : Optional.of(c.getName() + " is in " + (tiers.isEmpty() ? "no tier" : "the tiers " + tiers)
                            + ": annotate it with one of @Tier.Unit, @Tier.Integration, @Tier.Packaged");
        });
    }

    static ArchCondition<JavaClass> haveConcreteSubclasses() {
        return condition("have a concrete subclass", c -> c.getAllSubclasses().stream().anyMatch(s -> !isAbstract(s))
                ? Optional.empty()
                : Optional.of(c.getName() + " has no concrete subclass: its tests never run"));
    }

    static ArchCondition<JavaClass> haveNameEndingIn(String... suffixes) {
        return condition("have a name ending in " + String.join(" or ", suffixes), c -> List.of(suffixes).stream()
                .anyMatch(c.getSimpleName()::endsWith) ? Optional.empty()
                        : Optional.of(c.getName() + " is in tier " + tiers(c) + " but not named *" + String.join(" or *", suffixes)));
    }

    static ArchCondition<JavaClass> condition(String description, Function<JavaClass, Optional<String>> violation) {
        return new ArchCondition<>(description) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                violation.apply(c).ifPresent(message -> events.add(SimpleConditionEvent.violated(c, message)));
            }
        };
    }

    // --- what the code can reach ---

    static ArchCondition<JavaClass> reachARealPart(boolean expected) {
        return condition(expected ? "start a real part" : "start no real part", c -> {
            Optional<List<String>> path = pathToARealPart(c);
            if (path.isPresent() == expected) {
                return Optional.empty();
            }
            return Optional.of(path.map(p -> c.getName() + " starts a real part: " + String.join(" -> ", p))
                    .orElse(c.getName() + " reaches nothing that starts a real part (a process, helm-java, the cluster snapshot)"));
        });
    }

    /** The shortest chain of calls from the test class's code to what starts a real part, if there is one. */
    static Optional<List<String>> pathToARealPart(JavaClass testClass) {
        Map<JavaCodeUnit, JavaCodeUnit> cameFrom = new HashMap<>();
        Deque<JavaCodeUnit> queue = new ArrayDeque<>();
        for (JavaClass root : roots(testClass)) {
            for (JavaCodeUnit unit : codeUnits(root)) {
                if (cameFrom.putIfAbsent(unit, unit) == null) {
                    queue.add(unit);
                }
            }
        }
        while (!queue.isEmpty()) {
            JavaCodeUnit unit = queue.poll();
            for (ReferencedClassObject literal : unit.getReferencedClassObjects()) {
                if (isProjects(literal.getRawType()) && isStartedByQuarkus(literal.getRawType())) {
                    for (JavaCodeUnit next : codeUnits(literal.getRawType())) {
                        if (cameFrom.putIfAbsent(next, unit) == null) {
                            queue.add(next);
                        }
                    }
                }
            }
            for (JavaAccess<?> access : unit.getAccessesFromSelf()) {
                if (startsARealPart(access.getTarget())) {
                    List<String> path = new ArrayList<>();
                    path.add(access.getTarget().getOwner().getSimpleName() + "." + access.getTarget().getName());
                    for (JavaCodeUnit u = unit; ; u = cameFrom.get(u)) {
                        path.addFirst(u.getOwner().getSimpleName() + "." + u.getName());
                        if (cameFrom.get(u) == u) {
                            break;
                        }
                    }
                    return Optional.of(path);
                }
                for (JavaCodeUnit next : reached(access.getTarget())) {
                    if (cameFrom.putIfAbsent(next, unit) == null) {
                        queue.add(next);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where a test's code starts: the class and its superclasses, and the classes their annotations name (the test
     * resources of {@code @WithTestResource}, the profile of {@code @TestProfile}).
     */
    static Set<JavaClass> roots(JavaClass testClass) {
        Set<JavaClass> roots = new LinkedHashSet<>();
        List<JavaClass> hierarchy = new ArrayList<>(List.of(testClass));
        hierarchy.addAll(testClass.getAllRawSuperclasses());
        for (JavaClass c : hierarchy) {
            if (isProjects(c)) {
                roots.add(c);
                for (JavaAnnotation<JavaClass> annotation : c.getAnnotations()) {
                    classValues(annotation.getProperties().values(), roots);
                }
            }
        }
        return roots;
    }

    private static void classValues(Collection<Object> values, Set<JavaClass> into) {
        for (Object value : values) {
            if (value instanceof JavaClass c && isProjects(c)) {
                into.add(c);
            } else if (value instanceof Object[] array) {
                classValues(List.of(array), into);
            } else if (value instanceof JavaAnnotation<?> nested) {
                classValues(nested.getProperties().values(), into);
            }
        }
    }

    /** What running an access can run next, in the project's code. */
    static Set<JavaCodeUnit> reached(AccessTarget target) {
        JavaClass owner = target.getOwner();
        if (!isProjects(owner)) {
            return Set.of();
        }
        Set<JavaCodeUnit> next = new LinkedHashSet<>();
        owner.getStaticInitializer().ifPresent(next::add);
        if (target instanceof ConstructorCallTarget || target instanceof ConstructorReferenceTarget) {
            next.addAll(codeUnits(owner));
        } else if (target instanceof CodeUnitAccessTarget call) {
            call.resolveMember().ifPresent(member -> {
                next.add(member);
                if (member instanceof JavaMethod method) {
                    List<String> parameters = method.getRawParameterTypes().stream().map(JavaClass::getName).toList();
                    for (JavaClass sub : method.getOwner().getAllSubclasses()) {
                        sub.tryGetCodeUnitWithParameterTypeNames(method.getName(), parameters).ifPresent(next::add);
                    }
                }
            });
        }
        return next;
    }

    /** A test resource or a test profile: Quarkus makes one from its class (e.g. {@code testResources()} of a profile). */
    static boolean isStartedByQuarkus(JavaClass c) {
        return c.isAssignableTo("io.quarkus.test.common.QuarkusTestResourceLifecycleManager")
                || c.isAssignableTo("io.quarkus.test.junit.QuarkusTestProfile");
    }

    static Set<JavaCodeUnit> codeUnits(JavaClass c) {
        Set<JavaCodeUnit> units = new LinkedHashSet<>(c.getCodeUnits());
        c.getStaticInitializer().ifPresent(units::add);
        return units;
    }

    static boolean isProjects(JavaClass c) {
        return c.getPackageName().startsWith(PROJECT) && CLASSES.contain(c.getName());
    }
}
