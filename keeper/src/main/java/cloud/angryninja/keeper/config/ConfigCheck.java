package cloud.angryninja.keeper.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a {@link CheckedConfig} reports its invalid settings to: one problem per setting, as
 * {@code <prefix>.<key> <what is wrong>}, the lines of start-up's "Configuration validation failed:". Keys are the
 * settings' names as written in the configuration (kebab-case), relative to the mapping's prefix.
 */
public final class ConfigCheck {

    static final String POSITIVE_DURATION = "must be longer than 0 (a duration such as 500ms, 10s or 5m)";
    static final String NON_NEGATIVE_DURATION = "must not be negative (a duration such as 0s, 500ms or 5s)";
    static final String POSITIVE = "must be greater than 0";
    static final String NON_NEGATIVE = "must be greater than or equal to 0";

    private final String path;
    private final List<String> problems;
    private final Set<String> named;

    ConfigCheck(String prefix) {
        this(prefix, new ArrayList<>(), new LinkedHashSet<>());
    }

    private ConfigCheck(String path, List<String> problems, Set<String> named) {
        this.path = path;
        this.problems = problems;
        this.named = named;
    }

    /** A duration longer than zero. */
    public ConfigCheck positive(String key, Duration value) {
        return setting(key, value.isPositive() ? null : POSITIVE_DURATION);
    }

    /** A duration of zero or more. */
    public ConfigCheck notNegative(String key, Duration value) {
        return setting(key, value.isNegative() ? NON_NEGATIVE_DURATION : null);
    }

    /** A count of one or more. */
    public ConfigCheck positive(String key, int value) {
        return setting(key, value > 0 ? null : POSITIVE);
    }

    /** A count of zero or more. */
    public ConfigCheck notNegative(String key, int value) {
        return setting(key, value >= 0 ? null : NON_NEGATIVE);
    }

    /** A rule of the setting's own: {@code problem} (the text after the key) when it is not {@code valid}. */
    public ConfigCheck that(String key, boolean valid, Supplier<String> problem) {
        return setting(key, valid ? null : problem.get());
    }

    /** The setting's own problem, if it has one ({@code "is not ..."}): {@code <prefix>.<key> <problem>}. */
    public ConfigCheck setting(String key, Optional<String> problem) {
        return setting(key, problem.orElse(null));
    }

    /** A problem of the mapping as a whole, such as two settings that do not fit together: {@code <prefix> <problem>}. */
    public ConfigCheck mapping(Optional<String> problem) {
        problem.ifPresent(p -> problems.add(path + " " + p));
        return this;
    }

    /** The checks of a group under {@code key} (a map entry's settings: {@code <prefix>.<key>.<setting>}). */
    public ConfigCheck under(String key) {
        return new ConfigCheck(path + "." + key, problems, named);
    }

    private ConfigCheck setting(String key, String problem) {
        String name = path + "." + key;
        named.add(name);
        if (problem != null) {
            problems.add(name + " " + problem);
        }
        return this;
    }

    /** The problems reported, in the order reported. */
    List<String> problems() {
        return problems;
    }

    /** Every setting a check named, valid or not (full names). */
    Set<String> named() {
        return named;
    }
}
