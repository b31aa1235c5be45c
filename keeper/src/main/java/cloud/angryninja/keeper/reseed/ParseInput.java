package cloud.angryninja.keeper.reseed;

import java.util.Optional;

import cloud.angryninja.keeper.kube.Outcome;
import cloud.angryninja.keeper.kube.Sha256;

/** {@link Step#INPUT}: the body, reduced to the one github-copilot entry the workspaces get ({@link ReseedInput}). */
final class ParseInput implements ReseedStep {

    @Override
    public Optional<Exit> run(Reseed r) {
        long t = System.nanoTime();
        ReseedInput.Parsed input;
        try {
            if (r.request.tooLarge()) {
                throw ReseedInput.tooLarge();
            }
            input = ReseedInput.parse(r.request.body());
        } catch (ReseedInput.Rejected e) {
            r.run.shared(Step.INPUT, Outcome.FAILURE, ReseedStep.since(t), e.getMessage());
            return Exit.with(e.status(), e.getMessage() + "; nothing changed");
        }
        r.credential = new WorkspaceApply.Credential(input.credential(), input.authJson(), Sha256.hex(input.authJson()),
                ReseedDecisions.liveEntry(input.authJson()));
        String fingerprint = input.credential().fingerprint();
        r.run.credential(fingerprint, input.ignoredProviders());
        r.run.shared(Step.INPUT, Outcome.SUCCESS, ReseedStep.since(t), "github-copilot credential " + fingerprint
                + input.credential().enterpriseUrl().map(d -> " (enterprise " + d + ")").orElse("")
                + (input.ignoredProviders().isEmpty() ? "" : "; ignored, not stored: " + String.join(", ", input.ignoredProviders())));
        return Optional.empty();
    }
}
