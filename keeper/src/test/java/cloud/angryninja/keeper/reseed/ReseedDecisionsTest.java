package cloud.angryninja.keeper.reseed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.probe.ProbeResult;
import cloud.angryninja.keeper.probe.WorkspaceState;

import cloud.angryninja.keeper.reseed.ReseedReply.StepReport;
import cloud.angryninja.keeper.testing.TestWorkspaces;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;

/** The workflow's pure decisions. */
@Tier.Unit
class ReseedDecisionsTest {

    static Workspace ws(String name) {
        return TestWorkspaces.named(name, "http://x");
    }

    @Test
    void flagsAreExactlyTrueFalseOrAbsent() {
        assertThat(ReseedDecisions.flag("dryRun", null)).isFalse();
        assertThat(ReseedDecisions.flag("dryRun", "true")).isTrue();
        assertThat(ReseedDecisions.flag("force", "false")).isFalse();
        for (String bad : List.of("", "TRUE", "1", "yes", " true")) {
            assertThatThrownBy(() -> ReseedDecisions.flag("force", bad)).as(bad)
                    .hasMessage("?force takes exactly true or false (or is left out)");
        }
    }

    @Test
    void theQueryIsRefusedWhenAParameterIsUnknownRepeatedEmptyOrBareAndNoValueIsEchoed() {
        assertThat(ReseedDecisions.queryProblem(null)).isEmpty();
        assertThat(ReseedDecisions.queryProblem(Map.of())).isEmpty();
        assertThat(ReseedDecisions.queryProblem(Map.of("workspace", List.of("a", "b"), "dryRun", List.of("true"),
                "force", List.of("false"), "mode", List.of("live")))).isEmpty();
        assertThat(ReseedDecisions.queryProblem(Map.of("dryRun", List.of("")))).contains(
                "?dryRun is empty or has no value; give dryRun=true or dryRun=false, or leave it out");
        assertThat(ReseedDecisions.queryProblem(Map.of("dryRun", List.of("true", "false")))).contains(
                "?dryRun is given 2 times; give it once");
        assertThat(ReseedDecisions.queryProblem(Map.of("mode", List.of("")))).get().asString().startsWith("?mode is empty");
        assertThat(ReseedDecisions.queryProblem(Map.of("workspace", List.of("a", "")))).get().asString()
                .startsWith("?workspace is empty");
        assertThat(ReseedDecisions.queryProblem(Map.of("gho_SECRETname", List.of("x")))).get().asString()
                .doesNotContain("gho_SECRET").startsWith("an unknown query parameter");
        assertThat(ReseedDecisions.queryProblem(Map.of("force", List.of("gho_SECRET1", "gho_SECRET2")))).get().asString()
                .doesNotContain("gho_SECRET");
    }

    @Test
    void modeIsLiveByDefaultOrAForcedRollout() {
        assertThat(ReseedMode.parse(null)).isEqualTo(ReseedMode.LIVE);
        assertThat(ReseedMode.parse("rollout")).isEqualTo(ReseedMode.ROLLOUT);
        assertThat(ReseedMode.parse("live")).isEqualTo(ReseedMode.LIVE);
        for (String bad : List.of("", "Rollout", "restart")) {
            assertThatThrownBy(() -> ReseedMode.parse(bad)).as(bad).hasMessage("?mode takes exactly rollout or live (or is left out)");
        }
        assertThat(ReseedMode.LIVE.has(Step.LIVE_APPLY)).isTrue();
        assertThat(ReseedMode.LIVE.has(Step.ROLLOUT)).as("for a workspace that does not take it live").isTrue();
        assertThat(ReseedMode.ROLLOUT.has(Step.LIVE_APPLY)).isFalse();
        assertThat(ReseedMode.ROLLOUT.has(Step.ROLLOUT)).isTrue();
        assertThat(ReseedMode.LIVE.has(Step.VERIFY_AFTER)).isTrue();
    }

    @Test
    void aWorkspaceTookTheCredentialLiveWhenItIsUpWithTheProviderLoaded() {
        WorkspaceState up = new WorkspaceState("w", cloud.angryninja.keeper.copilot.CopilotState.UNKNOWN, "", ProbeResult.pass("up"),
                ProbeResult.pass("loaded"), ProbeResult.unknown("Copilot 503"), ProbeResult.PENDING, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty());
        assertThat(ReseedDecisions.tookItLive(up)).as("Copilot without a verdict: a rollout would not help").isTrue();
        assertThat(ReseedDecisions.tookItLive(new WorkspaceState("w", up.state(), "", ProbeResult.fail("down"), ProbeResult.fail("down"),
                up.credential(), ProbeResult.PENDING, 0, Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty())))
                .as("down").isFalse();
        assertThat(ReseedDecisions.tookItLive(new WorkspaceState("w", up.state(), "", ProbeResult.pass("up"), ProbeResult.fail("not loaded"),
                up.credential(), ProbeResult.PENDING, 0, Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty())))
                .as("provider not loaded").isFalse();
        assertThat(ReseedDecisions.tookItLive(null)).isFalse();
    }

    @Test
    void dopplerIsUnchangedWhenItHoldsEveryWantedValue() {
        Map<String, Optional<String>> current = Map.of("A", Optional.of("v"), "ACCOUNT", Optional.of("octo"));
        assertThat(ReseedDecisions.dopplerUnchanged(current, Map.of("A", "v", "ACCOUNT", "octo"))).isTrue();
        assertThat(ReseedDecisions.dopplerUnchanged(current, Map.of("A", "v", "ACCOUNT", "other"))).as("another account").isFalse();
        assertThat(ReseedDecisions.dopplerUnchanged(current, Map.of("A", "v", "B", "v"))).as("a name Doppler lacks").isFalse();
        assertThat(ReseedDecisions.dopplerUnchanged(current, Map.of())).isFalse();
    }

    @Test
    void liveEntryIsTheBareEntryWithOpenCodesOauthFieldsOnly() {
        assertThat(ReseedDecisions.liveEntry("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_r\",\"access\":\"tid_a\","
                + "\"expires\":17,\"enterpriseUrl\":\"ghe.example\",\"note\":\"x\"}}"))
                .isEqualTo("{\"type\":\"oauth\",\"refresh\":\"gho_r\",\"access\":\"tid_a\",\"expires\":17,"
                        + "\"enterpriseUrl\":\"ghe.example\"}");
        assertThat(ReseedDecisions.liveEntry("{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_r\"}}"))
                .as("access and expires as OpenCode's own login writes them")
                .isEqualTo("{\"type\":\"oauth\",\"refresh\":\"gho_r\",\"access\":\"gho_r\",\"expires\":0}");
    }

    @Test
    void targetsAreEveryWorkspaceOrTheNamedOnesOnce() {
        List<Workspace> all = List.of(ws("a"), ws("b"));
        assertThat(ReseedDecisions.targets(List.of(), all)).isEqualTo(all);
        assertThat(ReseedDecisions.targets(null, all)).isEqualTo(all);
        assertThat(ReseedDecisions.targets(List.of("b", "b"), all)).extracting(Workspace::name).containsExactly("b");
        assertThatThrownBy(() -> ReseedDecisions.targets(List.of("a", "c\u0007" + "x".repeat(100)), all))
                .hasMessage("?workspace names no configured workspace; configured: a, b");
        assertThatThrownBy(() -> ReseedDecisions.targets(List.of(""), all)).hasMessageStartingWith("?workspace names no");
    }

    @Test
    void dopplerIsUnchangedOnlyWhenEveryNameHoldsTheValue() {
        assertThat(ReseedDecisions.dopplerUnchanged(Map.of("A", Optional.of("v"), "B", Optional.of("v")), "v")).isTrue();
        assertThat(ReseedDecisions.dopplerUnchanged(Map.of("A", Optional.of("v"), "B", Optional.empty()), "v")).isFalse();
        assertThat(ReseedDecisions.dopplerUnchanged(Map.of("A", Optional.of("v "), "B", Optional.of("v")), "v")).isFalse();
        assertThat(ReseedDecisions.dopplerUnchanged(Map.of(), "v")).isFalse();
    }

    static Map<Step, StepReport> steps(String... outcomes) {
        Map<Step, StepReport> m = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.length; i++) {
            Step s = Step.values()[i];
            m.put(s, new StepReport(s.label(), outcomes[i], 0, ""));
        }
        return m;
    }

    @Test
    void statusAndResults() {
        Map<Step, StepReport> ok = steps("success", "success", "success", "success", "success", "success");
        Map<Step, StepReport> timedOut = steps("success", "success", "success", "timeout", "skipped", "skipped");
        Map<Step, StepReport> failed = steps("success", "success", "success", "success", "failure", "skipped");
        assertThat(ReseedDecisions.statusAfterCluster(List.of(ok, ok), 2)).isEqualTo(200);
        assertThat(ReseedDecisions.statusAfterCluster(List.of(ok, timedOut), 1)).isEqualTo(504);
        assertThat(ReseedDecisions.statusAfterCluster(List.of(ok, failed), 1)).isEqualTo(502);
        assertThat(ReseedDecisions.resultOf(200)).isEqualTo(ReseedResult.SUCCESS);
        assertThat(ReseedDecisions.resultOf(422)).isEqualTo(ReseedResult.REJECTED);
        assertThat(ReseedDecisions.resultOf(504)).isEqualTo(ReseedResult.TIMEOUT);
        assertThat(ReseedDecisions.resultOf(502)).isEqualTo(ReseedResult.FAILURE);
        assertThat(ReseedDecisions.workspaceResult(true, ReseedResult.FAILURE, ok)).as("verified beside a failed one")
                .isEqualTo(ReseedResult.SUCCESS);
        assertThat(ReseedDecisions.workspaceResult(false, ReseedResult.TIMEOUT, timedOut)).isEqualTo(ReseedResult.TIMEOUT);
        assertThat(ReseedDecisions.workspaceResult(false, ReseedResult.TIMEOUT, failed)).isEqualTo(ReseedResult.FAILURE);
        assertThat(ReseedDecisions.workspaceResult(false, ReseedResult.REJECTED, steps("failure"))).isEqualTo(ReseedResult.REJECTED);
    }
}
