package cloud.angryninja.keeper.reseed;

import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer to {@code POST /reseed}, as JSON or as text lines. Holds no secret: the credential is named by its
 * fingerprint.
 *
 * @param reseed           id of this reseed (also in the audit lines)
 * @param result           success, failure, timeout or rejected
 * @param status           the HTTP status of the reply
 * @param message          one line saying how it ended
 * @param dryRun           validate and verify only
 * @param source           who asked: {@code api} ({@code POST /reseed}), {@code login} or {@code workspace} (an adoption)
 * @param credential       fingerprint of the new credential, when the body held one
 * @param ignoredProviders other providers' credentials in the body, dropped
 * @param durationMillis   the whole reseed
 * @param workspaces       each target workspace with its steps
 */
@RegisterForReflection
public record ReseedReply(String reseed, String result, int status, String message, boolean dryRun, String source,
        Optional<String> credential, List<String> ignoredProviders, long durationMillis, List<WorkspaceReport> workspaces) {

    /**
     * One target workspace: verified or not, how the credential reached it ({@code applied}: {@code live} into the running
     * OpenCode, {@code rollout}, {@code held}: it reported the credential, {@code none}: not reached), every step in order.
     */
    @RegisterForReflection
    public record WorkspaceReport(String workspace, String result, boolean verified, String applied, List<StepReport> steps) {
    }

    /** One step of one workspace; {@code outcome} is success, failure, timeout or skipped. */
    @RegisterForReflection
    public record StepReport(String step, String outcome, long durationMillis, String detail) {
    }

    /** Text lines for {@code Accept: text/plain}: one per step, then the result. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("reseed ").append(reseed).append(dryRun ? " (dry run)" : "").append(source.equals(Origin.API.source()) ? "" : ", " + source)
                .append(credential.map(c -> ", credential " + c).orElse(""))
                .append(ignoredProviders.isEmpty() ? "" : ", ignored providers " + String.join(", ", ignoredProviders)).append('\n');
        for (WorkspaceReport w : workspaces) {
            for (StepReport s : w.steps()) {
                out.append(w.workspace()).append(' ').append(s.step()).append(' ').append(s.outcome()).append(' ')
                        .append(s.durationMillis()).append(" ms: ").append(s.detail()).append('\n');
            }
            if (!dryRun && !w.steps().isEmpty()) {
                out.append(w.workspace()).append(" applied ").append(w.applied()).append('\n');
            }
        }
        out.append("result: ").append(result).append(" (HTTP ").append(status).append(") in ").append(durationMillis).append(" ms: ")
                .append(message).append('\n');
        return out.toString();
    }
}
