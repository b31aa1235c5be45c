package cloud.angryninja.emptyapp;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The empty application's one readiness check, up at once: {@code /q/health/ready} answers 200 as soon as it serves. */
@Readiness
@ApplicationScoped
public class Ready implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up("empty");
    }
}
