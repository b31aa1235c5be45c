package cloud.angryninja.keeper.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import cloud.angryninja.keeper.config.ConfigChecks;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * What start-up says of a {@code @ConfigMapping} with the given settings: the same SmallRye mapping, and the same checks
 * plugged in the same way ({@link ConfigChecks}, the builder customizer Quarkus applies), as Quarkus runs (one problem per
 * line of "Configuration validation failed:"), without starting an application. Empty when the settings are valid.
 */
public final class ConfigProblems {

    private ConfigProblems() {
    }

    public static List<String> of(Class<?> mapping, Map<String, String> settings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(mapping)
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .withConverter(Duration.class, 200, new DurationConverter()); // Quarkus' "10s", "500ms"
        new ConfigChecks().configBuilder(builder);
        try {
            builder.build();
            return List.of();
        } catch (ConfigValidationException e) {
            return IntStream.range(0, e.getProblemCount()).mapToObj(i -> e.getProblem(i).getMessage()).toList();
        }
    }
}
