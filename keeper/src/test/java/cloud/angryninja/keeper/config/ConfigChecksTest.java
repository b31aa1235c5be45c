package cloud.angryninja.keeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import cloud.angryninja.keeper.testing.ConfigProblems;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.WorkspacesConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The mappings' own checks ({@link CheckedConfig}, run by {@link ConfigChecks}), over every {@code @ConfigMapping} of
 * the keeper: every duration refused at zero (one allowed to be zero, refused when negative), every count refused below
 * its bound, every key a check names a setting of its mapping, and the workspaces' rules. The rules of one setting each
 * have their tests beside the feature (ProbeVerdictsConfigTest, AdoptConfigTest, LeadershipTest, BackoffTest,
 * LoginServiceTest); PackagedAppIT runs them in the packaged keeper, all mistakes in one message.
 */
@Tier.Unit
class ConfigChecksTest {

    static final List<Class<?>> MAPPINGS = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("cloud.angryninja.keeper").stream().filter(c -> c.isAnnotatedWith(ConfigMapping.class))
            .<Class<?>>map(JavaClass::reflect).sorted(java.util.Comparator.comparing(Class::getName)).toList();

    /** What a workspace mapping needs besides its defaults. */
    static final Map<String, String> ONE_WORKSPACE = Map.of("keeper.workspaces.flux.url", "http://flux:4096");

    @Test
    void everyMappingIsFoundAndEveryConstrainedOneChecksItself() {
        assertThat(MAPPINGS).hasSizeGreaterThanOrEqualTo(13);
        assertThat(MAPPINGS.stream().filter(m -> !CheckedConfig.class.isAssignableFrom(m)).map(Class::getSimpleName))
                .as("mappings without a check: only one with no duration, count or rule").containsExactly("ApiConfig");
    }

    @Test
    void everyDurationIsRefusedAtZeroSaveTheOneThatMayBeZero() {
        Set<String> zeroAllowed = new TreeSet<>();
        int durations = 0;
        for (Class<?> mapping : MAPPINGS) {
            for (Method m : settings(mapping, Duration.class)) {
                durations++;
                String key = key(mapping, m);
                List<String> atZero = ConfigProblems.of(mapping, with(key, "0s"));
                if (atZero.isEmpty()) {
                    zeroAllowed.add(key);
                    assertThat(ConfigProblems.of(mapping, with(key, "-1s"))).as(key)
                            .containsExactly(key + " must not be negative (a duration such as 0s, 500ms or 5s)");
                } else {
                    assertThat(atZero).as(key).containsExactly(key + " must be longer than 0 (a duration such as 500ms, 10s or 5m)");
                }
            }
        }
        assertThat(durations).as("durations found (28 when this was written)").isGreaterThanOrEqualTo(28);
        assertThat(zeroAllowed).as("docs/configuration.md: only the confirmation may wait 0").containsExactly("keeper.probe.confirm-delay");
    }

    @Test
    void everyCountIsRefusedBelowItsBound() {
        Set<String> zeroAllowed = new TreeSet<>();
        Set<String> counts = new TreeSet<>();
        for (Class<?> mapping : MAPPINGS) {
            for (Method m : settings(mapping, int.class)) {
                String key = key(mapping, m);
                counts.add(key);
                List<String> atZero = ConfigProblems.of(mapping, with(key, "0"));
                if (atZero.isEmpty()) {
                    zeroAllowed.add(key);
                    assertThat(ConfigProblems.of(mapping, with(key, "-1"))).as(key).containsExactly(key + " must be greater than or equal to 0");
                } else {
                    assertThat(atZero).as(key).containsExactly(key + " must be greater than 0");
                }
            }
        }
        assertThat(counts).containsExactly("keeper.doppler.max-retries", "keeper.probe.concurrency");
        assertThat(zeroAllowed).as("0 means no retry").containsExactly("keeper.doppler.max-retries");
    }

    @Test
    void everyKeyACheckNamesIsASettingOfItsMapping() {
        for (Class<?> mapping : MAPPINGS) {
            if (!CheckedConfig.class.isAssignableFrom(mapping)) {
                continue;
            }
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            ConfigCheck check = new ConfigCheck(prefix);
            ((CheckedConfig) build(mapping, ONE_WORKSPACE).getConfigMapping(mapping)).check(check);
            assertThat(check.problems()).as("the defaults are valid: " + mapping.getSimpleName()).isEmpty();
            List<String> settings = new ArrayList<>();
            for (Method m : settings(mapping, Object.class)) {
                settings.add(key(mapping, m));
            }
            if (mapping == WorkspacesConfig.class) { // a map of groups under the prefix: the name, and each setting under it
                settings.add(prefix + ".flux");
                settings(WorkspacesConfig.Entry.class, Object.class).forEach(m -> settings.add(prefix + ".flux." + kebab(m.getName())));
            }
            assertThat(check.named()).as(mapping.getSimpleName()).isNotEmpty().isSubsetOf(settings);
        }
    }

    @Test
    void theWorkspacesAreCheckedByNameAndUrl() {
        assertThat(ConfigProblems.of(WorkspacesConfig.class, ONE_WORKSPACE)).isEmpty();
        assertThat(ConfigProblems.of(WorkspacesConfig.class, Map.of()))
                .containsExactly("keeper.workspaces has no workspace: set keeper.workspaces.<name>.url for at least one workspace");
        assertThat(ConfigProblems.of(WorkspacesConfig.class, Map.of("keeper.workspaces.Bad_Name.url", "http://x:4096"))).containsExactly(
                "keeper.workspaces.Bad_Name is not a valid workspace name: a DNS label (lower-case letters, digits and '-', at most 63 characters)");
        String missing = " is required: the OpenCode base URL of the workspace, e.g. http://opencode-flux.opencode:4096";
        assertThat(ConfigProblems.of(WorkspacesConfig.class, Map.of("keeper.workspaces.nourl.password", "p")))
                .containsExactly("keeper.workspaces.nourl.url" + missing);
        assertThat(ConfigProblems.of(WorkspacesConfig.class, Map.of("keeper.workspaces.blank.url", " ")))
                .containsExactly("keeper.workspaces.blank.url" + missing);
        for (String url : List.of("ftp://x", "http://opencode:secret@host:4096", "flux:4096", "http:///path")) {
            assertThat(ConfigProblems.of(WorkspacesConfig.class, Map.of("keeper.workspaces.flux.url", url))).as(url)
                    .containsExactly("keeper.workspaces.flux.url is not an absolute http(s) URL with a host and no user info");
        }
        assertThat(ConfigProblems.of(WorkspacesConfig.class, Map.of("keeper.workspaces.a.url", "ftp://x", "keeper.workspaces.B.url", "http://b")))
                .as("every problem, each once").containsExactlyInAnyOrder(
                        "keeper.workspaces.a.url is not an absolute http(s) URL with a host and no user info",
                        "keeper.workspaces.B is not a valid workspace name: a DNS label (lower-case letters, digits and '-', at most 63 characters)");
    }

    @Test
    void theRelationsOfTheLeaderElectionDurationsAreEachChecked() {
        Class<?> leadership = MAPPINGS.stream().filter(m -> m.getSimpleName().equals("LeadershipConfig")).findFirst().orElseThrow();
        assertThat(ConfigProblems.of(leadership, Map.of("keeper.leader-election.renew-deadline", "2s")))
                .containsExactly("keeper.leader-election renew-deadline must be longer than retry-period");
        assertThat(ConfigProblems.of(leadership, Map.of("keeper.leader-election.lease-duration", "9s")))
                .containsExactly("keeper.leader-election lease-duration must be longer than renew-deadline");
    }

    /** The mapping's settings of that type (any type: Object), default methods left out as SmallRye leaves them. */
    private static List<Method> settings(Class<?> mapping, Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : mapping.getDeclaredMethods()) {
            if (!m.isDefault() && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                    && (type == Object.class || m.getReturnType() == type)) {
                out.add(m);
            }
        }
        return out;
    }

    private static String key(Class<?> mapping, Method m) {
        return mapping.getAnnotation(ConfigMapping.class).prefix() + "." + kebab(m.getName());
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> settings = new java.util.HashMap<>(ONE_WORKSPACE);
        settings.put(key, value);
        return settings;
    }

    private static SmallRyeConfig build(Class<?> mapping, Map<String, String> settings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(mapping)
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .withConverter(Duration.class, 200, new DurationConverter());
        new ConfigChecks().configBuilder(builder);
        return builder.build();
    }
}
