package cloud.angryninja.keeper.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * The test tiers: every test class carries exactly one of {@link Unit @Tier.Unit}, {@link Integration @Tier.Integration}
 * and {@link Packaged @Tier.Packaged}, each a JUnit tag the build selects on. Surefire runs the unit and integration
 * tiers in {@code test}, failsafe the packaged tier in {@code verify}; {@code -Dtier=unit} (or {@code integration},
 * {@code packaged}) runs one (docs/development.md, "Test tiers"). {@link TestTiersTest} holds every test class to its
 * tier by what its code can reach.
 */
public final class Tier {

    public static final String UNIT = "unit";
    public static final String INTEGRATION = "integration";
    public static final String PACKAGED = "packaged";

    private Tier() {
    }

    /**
     * Nothing outside the test's JVM: no process started, no file outside the repository. Plain JUnit, and
     * {@code @QuarkusTest}s on in-JVM fakes (WireMock stand-ins, the fabric8 mock Kubernetes API, the fake ESO and
     * Deployment controllers). A {@code *Test} class (or a {@code *Bench}, run by {@code -Pbench}).
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @Tag(UNIT)
    public @interface Unit {
    }

    /**
     * Real parts: the real OpenCode server, Prometheus and promtool, Helm (helm-java), kubectl, the cluster snapshot,
     * shell scripts and the other tools run for real (sh, busybox, git, curl, shellcheck, yamllint, action-validator,
     * gcc and qemu). A {@code *Test} class, run by surefire.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @Tag(INTEGRATION)
    public @interface Integration {
    }

    /**
     * What needs the package, or is what a user runs from outside: the packaged jar ({@link PackagedKeeper},
     * {@code @QuarkusIntegrationTest}), the container image build, the build and the jar on an old Java, dev mode on a
     * fresh clone. An {@code *IT} class, run by failsafe after {@code package}.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @Tag(PACKAGED)
    public @interface Packaged {
    }
}
