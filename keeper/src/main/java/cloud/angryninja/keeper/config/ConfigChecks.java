package cloud.angryninja.keeper.config;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.ConfigValidationException.Problem;
import io.smallrye.config.ConfigValidator;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

/**
 * Validates the configuration by its mappings: SmallRye Config calls {@link #validateMapping} for each
 * {@code @ConfigMapping} it builds, and the problems of all mappings (with those of missing or unconvertible values) stop
 * the start together in one "Configuration validation failed:" message, one line each. A {@link CheckedConfig} mapping
 * runs its own {@code check}; every other mapping (Quarkus' own) has nothing to check here.
 *
 * <p>Registered as a {@link SmallRyeConfigBuilderCustomizer} service ({@code META-INF/services}): Quarkus finds it at
 * build time and applies it to the configuration it builds at start-up, in the JVM and in a native executable alike.
 * Plain method calls on the mapping objects, no reflection and no Bean Validation (whose start-up, for twelve mappings,
 * cost about 0.7 s: docs/benchmarks.md).
 */
public final class ConfigChecks implements ConfigValidator, SmallRyeConfigBuilderCustomizer {

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        builder.withValidator(this);
    }

    @Override
    public void validateMapping(Class<?> mappingClass, String prefix, Object mappingObject) throws ConfigValidationException {
        if (mappingObject instanceof CheckedConfig checked) {
            ConfigCheck check = new ConfigCheck(prefix);
            checked.check(check);
            if (!check.problems().isEmpty()) {
                throw new ConfigValidationException(check.problems().stream().map(Problem::new).toArray(Problem[]::new));
            }
        }
    }
}
