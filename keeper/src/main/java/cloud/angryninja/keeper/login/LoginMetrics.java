package cloud.angryninja.keeper.login;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/** {@code opencode_keeper_login_total{result}}: logins by how they ended, every result registered at start-up. */
@Startup
@ApplicationScoped
public class LoginMetrics {

    public static final String TOTAL = "opencode_keeper_login_total";

    private final Map<LoginResult, Counter> totals = new EnumMap<>(LoginResult.class);

    @Inject
    public LoginMetrics(MeterRegistry registry) {
        for (LoginResult r : LoginResult.values()) {
            totals.put(r, Counter.builder("opencode_keeper_login")
                    .description("Device-flow logins (POST /login) by result (success, reseed_failed, expired, denied, failed)")
                    .tag("result", r.label()).register(registry));
        }
    }

    public void ended(LoginResult result) {
        totals.get(result).increment();
    }
}
