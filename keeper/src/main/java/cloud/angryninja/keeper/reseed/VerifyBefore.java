package cloud.angryninja.keeper.reseed;

import java.util.Optional;

import cloud.angryninja.keeper.copilot.CopilotChecker;
import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.copilot.CredentialCheck;
import cloud.angryninja.keeper.kube.Outcome;

/**
 * {@link Step#VERIFY_BEFORE}: the same Copilot check as the probe, before anything changes. Refused by Copilot, or landing
 * in {@code no_entitlement} or {@code no_models}: 422; no verdict: 502 unless {@code force}.
 */
final class VerifyBefore implements ReseedStep {

    private final CopilotChecker copilot;

    VerifyBefore(CopilotChecker copilot) {
        this.copilot = copilot;
    }

    @Override
    public Optional<Exit> run(Reseed r) {
        long t = System.nanoTime();
        CredentialCheck check = copilot.check(r.credential.credential());
        Optional<CopilotState> lands = check.credentialState().filter(s -> s == CopilotState.NO_ENTITLEMENT || s == CopilotState.NO_MODELS);
        if (lands.isPresent()) {
            // A credential that would land in no_entitlement or no_models: a reseed cannot make Copilot work with it.
            String state = lands.get().label();
            r.run.shared(Step.VERIFY_BEFORE, Outcome.FAILURE, ReseedStep.since(t), "credential would land in " + state + ": " + check.reason());
            return Exit.with(422, "credential refused: it would land in " + state + " (" + check.reason()
                    + "); a reseed cannot fix that; nothing changed");
        }
        switch (check.verdict()) {
            case VALID -> r.run.shared(Step.VERIFY_BEFORE, Outcome.SUCCESS, ReseedStep.since(t), "Copilot accepts the credential: "
                    + check.reason());
            case INVALID -> {
                r.run.shared(Step.VERIFY_BEFORE, Outcome.FAILURE, ReseedStep.since(t), "credential rejected by Copilot: " + check.reason());
                return Exit.with(422, "credential rejected by Copilot (" + check.reason() + "); nothing changed");
            }
            case UNKNOWN -> {
                if (!r.force) {
                    r.run.shared(Step.VERIFY_BEFORE, Outcome.FAILURE, ReseedStep.since(t), "Copilot API gave no verdict: " + check.reason());
                    return Exit.with(502, "Copilot API gave no verdict (" + check.reason()
                            + "); nothing changed; retry later, or add ?force=true to reseed without the check");
                }
                r.run.shared(Step.VERIFY_BEFORE, Outcome.SKIPPED, ReseedStep.since(t), "Copilot API gave no verdict (" + check.reason()
                        + "); going on because force=true");
            }
        }
        return Optional.empty();
    }
}
