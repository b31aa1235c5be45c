package cloud.angryninja.keeper.probe;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.copilot.CredentialCheck;

/**
 * The Copilot check of a credential, with a 401 or 403 confirmed: GitHub answers a single transient 401 for a valid token
 * now and then, so a refusal is checked again after {@code keeper.probe.confirm-delay} and only reported when the second
 * check refuses too; otherwise the second answer counts and the first refusal is only counted. A refusal confirmed once
 * is remembered (per credential and API), so its repeat needs no second wait.
 */
@ApplicationScoped
public class ConfirmedRefusals {

    /** The probe's log category, as before these parts had classes of their own. */
    private static final Logger LOG = Logger.getLogger(Prober.class);

    /** A check whose 401 or 403 was confirmed by a second one; {@code unconfirmed}: a first refusal the second did not repeat. */
    public record Confirmed(CredentialCheck check, Optional<Integer> unconfirmed) {
    }

    private final CopilotChecker copilot;
    private final Duration confirmDelay;
    /** Credentials (fingerprint@API) whose last refusal was confirmed, with its status. */
    private final Map<String, Integer> confirmed = new ConcurrentHashMap<>();

    @Inject
    public ConfirmedRefusals(CopilotChecker copilot, ProbeConfig config) {
        this(copilot, config.confirmDelay());
    }

    public ConfirmedRefusals(CopilotChecker copilot, Duration confirmDelay) {
        this.copilot = copilot;
        this.confirmDelay = confirmDelay;
    }

    /** The credential and its API: what one check is made once per run for. */
    public String key(CopilotCredential c) {
        return c.fingerprint() + "@" + c.baseUrl(copilot.defaultApi());
    }

    /** The check of {@code c}, whose {@link #key} is {@code key}, a refusal confirmed by a second check; never throws. */
    public Confirmed check(String key, CopilotCredential c) {
        try {
            return confirm(key, c);
        } catch (RuntimeException e) {
            return new Confirmed(CredentialCheck.connectionFailed(e.getClass().getSimpleName(), Duration.ZERO), Optional.empty());
        }
    }

    private Confirmed confirm(String key, CopilotCredential c) {
        CredentialCheck check = copilot.check(c);
        if (!check.refused()) {
            confirmed.remove(key);
            return new Confirmed(check, Optional.empty());
        }
        if (Integer.valueOf(check.httpStatus()).equals(confirmed.get(key))) {
            return new Confirmed(check, Optional.empty()); // the same refusal as last time, already confirmed
        }
        try {
            Thread.sleep(confirmDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Confirmed(CredentialCheck.connectionFailed("interrupted before confirming HTTP " + check.httpStatus(),
                    check.duration()), Optional.of(check.httpStatus()));
        }
        CredentialCheck second = copilot.check(c);
        if (second.refused()) {
            confirmed.put(key, second.httpStatus());
            return new Confirmed(second, Optional.empty());
        }
        confirmed.remove(key);
        LOG.infof("credential %s: HTTP %d from the Copilot API not confirmed by a second check (%s)", c.fingerprint(),
                check.httpStatus(), second.reason());
        return new Confirmed(second, Optional.of(check.httpStatus()));
    }

    /** Forgets every confirmed refusal: a replica that stops leading starts over when it leads again. */
    public void clear() {
        confirmed.clear();
    }
}
