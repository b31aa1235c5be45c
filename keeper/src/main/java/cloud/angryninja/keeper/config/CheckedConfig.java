package cloud.angryninja.keeper.config;

/**
 * A {@code @ConfigMapping} that checks its own settings: its {@link #check} names each constrained setting on one line
 * ({@code check.positive("interval", interval())}), and settings against each other. Start-up runs it once the mapping
 * is built ({@link ConfigChecks}), and every problem of every mapping is reported together in one message.
 *
 * <p>{@code check} is a default method, which SmallRye Config does not take for a setting; a mapping overrides it with
 * another default method.
 */
public interface CheckedConfig {

    /** Reports each invalid setting of this mapping to {@code check}, once: nothing when all are valid. */
    default void check(ConfigCheck check) {
    }
}
