package cloud.angryninja.keeper.probe;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.copilot.CredentialCheck;
import cloud.angryninja.keeper.workspace.Workspace;

/**
 * Probe 3: does the Copilot API accept the credential the workspace holds ({@link CredentialSource})? The check is the
 * one OpenCode makes at start ({@code GET /models}), made once per distinct credential per run, a 401 or 403 confirmed
 * by a second check ({@link ConfirmedRefusals}). No answer is {@code UNKNOWN}, never invalid; an auth.json that cannot
 * be used is {@code FAIL} ({@code not_loaded}).
 */
@ApplicationScoped
public class CredentialProbe implements Probe {

    private final CredentialSource credentials;
    private final ConfirmedRefusals refusals;

    public CredentialProbe(CredentialSource credentials, ConfirmedRefusals refusals) {
        this.credentials = credentials;
        this.refusals = refusals;
    }

    @Override
    public Finding.Credential probe(Workspace w, ProbeRun run) {
        CredentialSource.Lookup lookup = credentials.lookup(w);
        if (lookup.credential().isEmpty()) {
            ProbeResult r = lookup.invalid() ? ProbeResult.fail(lookup.reason()) : ProbeResult.unknown(lookup.reason());
            Optional<CopilotState> state = lookup.invalid() ? Optional.of(CopilotState.NOT_LOADED) : Optional.empty();
            return new Finding.Credential(r, 0, Optional.empty(), lookup.error(), state, Optional.empty(), Optional.empty());
        }
        CopilotCredential c = lookup.credential().get();
        String key = refusals.key(c);
        ConfirmedRefusals.Confirmed confirmed = run.once(key, () -> refusals.check(key, c));
        CredentialCheck check = confirmed.check();
        ProbeResult r = switch (check.verdict()) {
            case VALID -> ProbeResult.pass(check.reason());
            case INVALID -> ProbeResult.fail(check.reason() + ", confirmed by a second check");
            case UNKNOWN -> ProbeResult.unknown(check.reason() + confirmed.unconfirmed()
                    .map(s -> " (after an unconfirmed HTTP " + s + ")").orElse(""));
        };
        String error = check.error().map(CredentialCheck.Error::label).orElse("");
        return new Finding.Credential(r, check.models(), Optional.of(c.fingerprint()), error, check.credentialState(),
                confirmed.unconfirmed(), Optional.of(c));
    }
}
