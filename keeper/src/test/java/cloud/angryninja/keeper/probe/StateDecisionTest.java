package cloud.angryninja.keeper.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.copilot.CopilotState;
import cloud.angryninja.keeper.testing.Tier;

/** The pure rule from a probe's observations to the one state, case by case and in its order. */
@Tier.Unit
class StateDecisionTest {

    private static CopilotState decide(boolean healthy, boolean otherApi, boolean version, boolean loaded, CopilotState credential,
            boolean rateLimited) {
        return new StateDecision(healthy, otherApi, version, loaded, Optional.ofNullable(credential), rateLimited).state();
    }

    @Test
    void eachStateFromItsObservations() {
        assertThat(decide(true, false, true, true, CopilotState.WORKING, false)).isEqualTo(CopilotState.WORKING);
        assertThat(decide(true, false, true, true, CopilotState.REVOKED, false)).isEqualTo(CopilotState.REVOKED);
        assertThat(decide(true, false, true, true, CopilotState.NO_ENTITLEMENT, false)).isEqualTo(CopilotState.NO_ENTITLEMENT);
        assertThat(decide(true, false, true, true, CopilotState.NO_MODELS, false)).isEqualTo(CopilotState.NO_MODELS);
        assertThat(decide(true, false, true, true, CopilotState.WORKING, true)).isEqualTo(CopilotState.RATE_LIMITED);
        assertThat(decide(true, false, true, false, CopilotState.WORKING, false)).isEqualTo(CopilotState.NOT_LOADED);
        assertThat(decide(true, false, true, true, CopilotState.NOT_LOADED, false)).as("unusable auth.json in the Secret")
                .isEqualTo(CopilotState.NOT_LOADED);
        assertThat(decide(true, true, true, false, CopilotState.WORKING, false)).isEqualTo(CopilotState.UNSUPPORTED);
        assertThat(decide(true, false, false, true, CopilotState.WORKING, false)).isEqualTo(CopilotState.UNSUPPORTED);
        assertThat(decide(false, false, true, false, CopilotState.WORKING, false)).isEqualTo(CopilotState.DOWN);
        assertThat(decide(true, false, true, true, null, false)).isEqualTo(CopilotState.UNKNOWN);
    }

    @Test
    void theOrderBetweenThem() {
        assertThat(decide(false, false, true, false, CopilotState.REVOKED, false)).as("down before the credential").isEqualTo(CopilotState.DOWN);
        assertThat(decide(true, true, true, false, CopilotState.REVOKED, false)).as("a 2.x OpenCode ignores auth.json")
                .isEqualTo(CopilotState.UNSUPPORTED);
        assertThat(decide(true, false, true, false, CopilotState.REVOKED, false)).as("revoked before not_loaded")
                .isEqualTo(CopilotState.REVOKED);
        assertThat(decide(true, false, true, true, CopilotState.REVOKED, true)).as("a rate limit never hides a refusal")
                .isEqualTo(CopilotState.REVOKED);
        assertThat(decide(true, false, true, true, CopilotState.NO_MODELS, true)).isEqualTo(CopilotState.NO_MODELS);
        assertThat(decide(true, false, true, true, null, true)).as("rate_limited needs the credential accepted")
                .isEqualTo(CopilotState.UNKNOWN);
        assertThat(decide(true, false, true, false, null, false)).as("not loaded, whatever Copilot says").isEqualTo(CopilotState.NOT_LOADED);
    }

    @Test
    void aReseedFixesRevokedAndNotLoadedOnly() {
        for (CopilotState s : CopilotState.values()) {
            assertThat(s.reseedFixes()).as(s.label()).isEqualTo(s == CopilotState.REVOKED || s == CopilotState.NOT_LOADED);
            assertThat(s.sentence()).as(s.label()).contains(s.reseedFixes() ? "A reseed fixes it" : s == CopilotState.WORKING
                    || s == CopilotState.DOWN || s == CopilotState.UNKNOWN ? "" : "A reseed does not fix it");
        }
    }
}
