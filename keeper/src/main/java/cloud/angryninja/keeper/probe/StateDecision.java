package cloud.angryninja.keeper.probe;

import java.util.Optional;

import cloud.angryninja.keeper.copilot.CopilotState;

/**
 * The pure rule from what one probe saw to the workspace's one {@link CopilotState}. In order:
 * OpenCode's routes ({@code unsupported} when 2.x answers, {@code down} when nothing healthy does,
 * {@code unsupported} for a version outside the range), then the credential's confirmed refusals
 * ({@code revoked}, {@code no_entitlement}), then the provider ({@code not_loaded}, also for an
 * auth.json in the Secret that cannot be used), then {@code unknown} while the Copilot API or the
 * Kubernetes API gave no answer, then {@code no_models}, {@code rate_limited}, {@code working}.
 *
 * @param openCodeHealthy  OpenCode answered its health route as healthy
 * @param otherApi         {@code /global/health} is 404 while OpenCode 2.x's {@code /api/health} answers
 * @param versionSupported the reported version is in {@code keeper.probe.supported-versions} (true when none is reported)
 * @param providerLoaded   {@code /config/providers} lists github-copilot with a credential
 * @param credential       what the (confirmed) Copilot check says: working, no_models, revoked,
 *                         no_entitlement, not_loaded (the Secret's auth.json is unusable); empty: no verdict
 * @param rateLimited      OpenCode reported a Copilot request refused with 429 within the window
 */
public record StateDecision(boolean openCodeHealthy, boolean otherApi, boolean versionSupported, boolean providerLoaded,
        Optional<CopilotState> credential, boolean rateLimited) {

    /** What the probes found, with the versions the keeper judges and the 429 window. */
    static StateDecision of(Findings found, VersionRange versions, boolean rateLimited) {
        return new StateDecision(found.up().passed(), found.up().otherApi(), found.up().version().map(versions::contains).orElse(true),
                found.provider().passed(), found.credential().state(), rateLimited);
    }

    public CopilotState state() {
        if (otherApi) {
            return CopilotState.UNSUPPORTED;
        }
        if (!openCodeHealthy) {
            return CopilotState.DOWN;
        }
        if (!versionSupported) {
            return CopilotState.UNSUPPORTED;
        }
        CopilotState c = credential.orElse(CopilotState.UNKNOWN);
        if (c == CopilotState.REVOKED || c == CopilotState.NO_ENTITLEMENT) {
            return c;
        }
        if (!providerLoaded || c == CopilotState.NOT_LOADED) {
            return CopilotState.NOT_LOADED;
        }
        if (c == CopilotState.UNKNOWN || c == CopilotState.NO_MODELS) {
            return c;
        }
        return rateLimited ? CopilotState.RATE_LIMITED : CopilotState.WORKING;
    }
}
