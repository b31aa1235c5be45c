package cloud.angryninja.keeper.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;

/**
 * What start-up says of a {@code @ConfigMapping} with the given settings: the same SmallRye mapping and Bean Validation
 * of its constraints as Quarkus runs (one problem per line of "Configuration validation failed:"), without starting an
 * application. Empty when the settings are valid.
 */
public final class ConfigProblems {

    private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private ConfigProblems() {
    }

    public static List<String> of(Class<?> mapping, Map<String, String> settings) {
        BeanValidationConfigValidator validator = () -> VALIDATOR;
        try {
            new SmallRyeConfigBuilder().withMapping(mapping).withSources(new PropertiesConfigSource(settings, "test", 500))
                    .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus' "10s", "500ms"
                    .withValidator(validator).build();
            return List.of();
        } catch (ConfigValidationException e) {
            return IntStream.range(0, e.getProblemCount()).mapToObj(i -> e.getProblem(i).getMessage()).toList();
        }
    }
}
