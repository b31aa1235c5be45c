package cloud.angryninja.keeper.reseed;

import static cloud.angryninja.keeper.reseed.ReseedFixture.NEW_TOKEN;
import static cloud.angryninja.keeper.reseed.ReseedFixture.OLD_TOKEN;
import static cloud.angryninja.keeper.testing.TestCredentials.authJson;
import static cloud.angryninja.keeper.reseed.ReseedFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.doppler.DopplerException;
import cloud.angryninja.keeper.kube.KeeperAnnotations;
import cloud.angryninja.keeper.kube.Rollouts;
import cloud.angryninja.keeper.kube.Sha256;
import cloud.angryninja.keeper.reseed.ReseedReply.StepReport;
import cloud.angryninja.keeper.testing.LogCapture;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The workflow's fault matrix on stand-ins: per case the reply (status, result, the failing step) and what changed
 * and what did not (Doppler writes, force-sync patches, rollouts, the Secret's value). {@code opencode-ha} is watched
 * by Reloader (the keeper joins its rollout), {@code opencode-flux} is not (the keeper restarts it).
 */
// @QuarkusTest: the keeper's REST clients are built by the Quarkus application (their implementations are generated at
// build time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class ReseedWorkflowTest {

    static final String NS = "opencode";
    static final String OLD = authJson(OLD_TOKEN);
    static final String NEW = authJson(NEW_TOKEN);

    ReseedFixture f;
    Workspace flux;
    Workspace ha;
    ReseedWorkflow workflow;
    LogCapture logs;

    @BeforeEach
    void start() {
        f = new ReseedFixture(NS);
        flux = f.workspace("opencode-flux");
        ha = f.workspace("opencode-ha");
        f.create(flux, OLD, false, "Periodic");
        f.create(ha, OLD, true, "Periodic");
        workflow = f.workflow(List.of(flux, ha));
        f.cluster.calls().clear();
        logs = LogCapture.start();
    }

    @AfterEach
    void stop() {
        logs.closeAndAssertNoLineHolds(NEW_TOKEN, OLD_TOKEN, ReseedFixture.REVOKED_TOKEN);
        f.close();
    }

    // --- what changed -------------------------------------------------------------------------------------------

    int forceSyncs() {
        return f.cluster.calls().keeperCalls("patch", "externalsecrets").size();
    }

    int rollouts(Workspace w) {
        return f.controller.rollouts(NS, w.deployment());
    }

    String secretValue(Workspace w) {
        return new String(Base64.getDecoder().decode(f.cluster.controllerClient().secrets().inNamespace(NS).withName(w.secret()).get()
                .getData().get(w.secretKey())), StandardCharsets.UTF_8);
    }

    Deployment deployment(Workspace w) {
        return f.cluster.controllerClient().apps().deployments().inNamespace(NS).withName(w.deployment()).get();
    }

    void assertNothingChanged() {
        assertThat(f.doppler.writes()).as("Doppler writes").isEmpty();
        assertThat(forceSyncs()).as("force-sync patches").isZero();
        assertThat(f.cluster.calls().keeperCalls("patch", "deployments")).as("Deployment patches").isEmpty();
        assertThat(rollouts(flux) + rollouts(ha)).as("rollouts").isZero();
        assertThat(secretValue(flux)).isEqualTo(OLD);
        assertThat(secretValue(ha)).isEqualTo(OLD);
    }

    static StepReport step(ReseedReply reply, String workspace, Step step) {
        return reply.workspaces().stream().filter(w -> w.workspace().equals(workspace)).findFirst().orElseThrow().steps().stream()
                .filter(s -> s.step().equals(step.label())).findFirst().orElseThrow();
    }

    double total(String workspace, ReseedResult result) {
        return f.registry.get("opencode_keeper_reseed").tag("workspace", workspace).tag("result", result.label()).counter().count();
    }

    // --- success and convergence --------------------------------------------------------------------------------

    @Test
    void aReseedWritesDopplerOnceSyncsRollsEachWorkspaceOnceAndVerifies() {
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(200);
        assertThat(reply.result()).isEqualTo("success");
        assertThat(reply.credential()).contains(CopilotCredential.fingerprint(NEW_TOKEN));
        assertThat(f.doppler.writes()).containsExactly(Map.of(flux.dopplerSecret(), NEW, ha.dopplerSecret(), NEW));
        assertThat(forceSyncs()).isEqualTo(2);
        assertThat(secretValue(flux)).isEqualTo(NEW);
        assertThat(secretValue(ha)).isEqualTo(NEW);
        assertThat(rollouts(flux)).as("flux: restarted by the keeper").isEqualTo(1);
        assertThat(rollouts(ha)).as("ha: rolled by Reloader, joined").isEqualTo(1);
        assertThat(f.reloader.reloads()).isEqualTo(1);
        assertThat(step(reply, "opencode-flux", Step.ROLLOUT).detail()).contains("restarted at");
        assertThat(step(reply, "opencode-ha", Step.ROLLOUT).detail()).contains("joined");
        for (Workspace w : List.of(flux, ha)) {
            assertThat(Rollouts.rolledOutFor(deployment(w), Sha256.hex(NEW))).as("rollout record on " + w.name()).isTrue();
            assertThat(step(reply, w.name(), Step.VERIFY_AFTER).detail()).startsWith("verified:")
                    .contains("the new credential " + CopilotCredential.fingerprint(NEW_TOKEN)).contains("rolled out after the Secret held it");
            assertThat(reply.workspaces()).allMatch(r -> r.verified() && r.steps().size() == ReseedMode.ROLLOUT.steps().size());
            assertThat(total(w.name(), ReseedResult.SUCCESS)).isEqualTo(1);
        }
        assertThat(logs.linesContaining("reseed=" + reply.reseed() + " workspace=opencode-flux step=")).hasSize(ReseedMode.ROLLOUT.steps().size())
                .allMatch(l -> l.contains("credential=" + CopilotCredential.fingerprint(NEW_TOKEN)) && l.contains("duration_ms="));
    }

    @Test
    void reRunningAVerifiedReseedChangesNothing() {
        assertThat(workflow.reseed(request(NEW)).status()).isEqualTo(200);
        f.cluster.calls().clear();

        ReseedReply again = workflow.reseed(request(NEW));

        assertThat(again.status()).as(again.toText()).isEqualTo(200);
        assertThat(f.doppler.writes()).as("no second write").hasSize(1);
        assertThat(step(again, "opencode-flux", Step.DOPPLER).detail()).startsWith("unchanged");
        assertThat(rollouts(flux)).as("no second rollout").isEqualTo(1);
        assertThat(rollouts(ha)).isEqualTo(1);
        assertThat(step(again, "opencode-flux", Step.ROLLOUT).detail()).contains("no restart");
        assertThat(f.cluster.calls().keeperCalls("patch", "deployments")).isEmpty();
    }

    @Test
    void aReseedOfOneWorkspaceLeavesTheOtherAlone() {
        ReseedReply reply = workflow.reseed(request(NEW, "opencode-ha"));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(200);
        assertThat(reply.workspaces()).extracting(ReseedReply.WorkspaceReport::workspace).containsExactly("opencode-ha");
        assertThat(f.doppler.writes()).containsExactly(Map.of(ha.dopplerSecret(), NEW));
        assertThat(secretValue(flux)).isEqualTo(OLD);
        assertThat(rollouts(flux)).isZero();
        assertThat(total("opencode-flux", ReseedResult.SUCCESS)).isZero();
    }

    @Test
    void aRolloutThatTimedOutConvergesOnReRunWithoutASecondRollout() {
        f.controller.stalls();
        ReseedReply first = f.workflow(List.of(flux, ha), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(3))
                .reseed(request(NEW));
        assertThat(first.status()).as(first.toText()).isEqualTo(504);
        assertThat(step(first, "opencode-flux", Step.ROLLOUT).outcome()).isEqualTo("timeout");
        assertThat(step(first, "opencode-flux", Step.VERIFY_AFTER).detail()).isEqualTo(ReseedRun.NOT_REACHED);
        assertThat(total("opencode-flux", ReseedResult.TIMEOUT)).isEqualTo(1);

        // The stalled rollouts finish later (the controller catches up); the keeper restarted in between.
        f.controller.completes();
        f.cluster.controllerClient().apps().deployments().inNamespace(NS).withName(flux.deployment())
                .edit(d -> { d.getMetadata().setLabels(Map.of("touched", "1")); return d; });
        for (Workspace w : List.of(flux, ha)) {
            f.cluster.controllerClient().apps().deployments().inNamespace(NS).withName(w.deployment()).editStatus(d -> {
                d.getStatus().setAvailableReplicas(1);
                d.getStatus().setReadyReplicas(1);
                return d;
            });
        }
        ReseedWorkflow restarted = f.workflow(List.of(flux, ha));
        ReseedReply again = restarted.reseed(request(NEW));

        assertThat(again.status()).as(again.toText()).isEqualTo(200);
        assertThat(rollouts(flux)).as("the recorded rollout is waited for, not repeated").isEqualTo(1);
        assertThat(rollouts(ha)).isEqualTo(1);
        assertThat(f.doppler.writes()).hasSize(1);
    }

    @Test
    void anEsoSyncThatHangsIsATimeoutAndTheWorkspaceIsNotRolledThenARerunConverges() {
        f.eso.hangs();
        ReseedReply first = f.workflow(List.of(flux, ha), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(3))
                .reseed(request(NEW));

        assertThat(first.status()).as(first.toText()).isEqualTo(504);
        assertThat(first.message()).contains("opencode-flux eso timeout").contains("re-running the same reseed converges");
        assertThat(step(first, "opencode-ha", Step.ESO).detail()).contains("not synced within 2 s");
        assertThat(f.doppler.writes()).as("Doppler written").hasSize(1);
        assertThat(forceSyncs()).as("force-sync set").isEqualTo(2);
        assertThat(secretValue(flux)).as("Secret unchanged").isEqualTo(OLD);
        assertThat(rollouts(flux) + rollouts(ha)).as("not rolled").isZero();
        assertThat(f.cluster.calls().keeperCalls("patch", "deployments")).isEmpty();

        f.eso.succeeds();
        ReseedReply again = f.workflow(List.of(flux, ha)).reseed(request(NEW));

        assertThat(again.status()).as(again.toText()).isEqualTo(200);
        assertThat(f.doppler.writes()).as("Doppler already holds it").hasSize(1);
        assertThat(rollouts(flux)).isEqualTo(1);
        assertThat(rollouts(ha)).isEqualTo(1);
    }

    @Test
    void anEsoSyncThatFailsIsAFailureAndNothingIsRolled() {
        f.eso.fails("could not get secret data from provider");
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(502);
        assertThat(step(reply, "opencode-flux", Step.ESO).detail()).contains("could not get secret data from provider");
        assertThat(rollouts(flux) + rollouts(ha)).isZero();
        assertThat(secretValue(flux)).isEqualTo(OLD);
        assertThat(total("opencode-flux", ReseedResult.FAILURE)).isEqualTo(1);
    }

    @Test
    void aRolloutThatExceedsItsProgressDeadlineIsAFailure() {
        f.controller.exceedsDeadline();
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(502);
        assertThat(step(reply, "opencode-flux", Step.ROLLOUT).detail()).contains("ProgressDeadlineExceeded");
        assertThat(secretValue(flux)).as("the Secret holds the new value").isEqualTo(NEW);
        assertThat(rollouts(flux)).as("one rollout, not retried").isEqualTo(1);
        assertThat(step(reply, "opencode-flux", Step.VERIFY_AFTER).detail()).isEqualTo(ReseedRun.NOT_REACHED);
    }

    @Test
    void aWorkspaceThatComesBackWithoutTheProviderIsNotVerified() {
        f.openCode("opencode-ha", false);
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).as(reply.toText()).isEqualTo(502);
        assertThat(step(reply, "opencode-flux", Step.VERIFY_AFTER).outcome()).isEqualTo("success");
        assertThat(step(reply, "opencode-ha", Step.VERIFY_AFTER).outcome()).isEqualTo("failure");
        assertThat(step(reply, "opencode-ha", Step.VERIFY_AFTER).detail()).contains("not verified within 3 s")
                .contains("github-copilot FAIL");
        assertThat(total("opencode-flux", ReseedResult.SUCCESS)).isEqualTo(1);
        assertThat(total("opencode-ha", ReseedResult.FAILURE)).isEqualTo(1);
    }

    // --- refused before anything changed ------------------------------------------------------------------------

    @Test
    void aCredentialCopilotRejectsIs422AndChangesNothing() {
        ReseedReply reply = workflow.reseed(request(authJson(ReseedFixture.REVOKED_TOKEN)));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.message()).startsWith("credential rejected by Copilot").contains("HTTP 401");
        assertThat(reply.result()).isEqualTo("rejected");
        assertThat(f.doppler.reads()).isZero();
        assertNothingChanged();
        assertThat(total("opencode-flux", ReseedResult.REJECTED)).isEqualTo(1);
    }

    @Test
    void aCredentialThatWouldLandInNoEntitlementIsRefusedWithThatReason() {
        f.copilotAnswers("gho_noseat", 403, "{\"message\":\"no Copilot\"}");

        ReseedReply reply = workflow.reseed(request(authJson("gho_noseat")));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.message()).contains("no_entitlement").contains("HTTP 403").contains("a reseed cannot fix that")
                .contains("nothing changed");
        assertThat(reply.result()).isEqualTo("rejected");
        assertThat(f.doppler.reads()).isZero();
        assertNothingChanged();
        assertThat(total("opencode-flux", ReseedResult.REJECTED)).isEqualTo(1);
    }

    @Test
    void aCredentialThatWouldLandInNoModelsIsRefusedWithThatReason() {
        f.copilotAnswers("gho_nomodels", 200, "{\"data\":[{\"id\":\"gpt-5-mini\",\"model_picker_enabled\":false}]}");

        ReseedReply reply = workflow.reseed(request(authJson("gho_nomodels")));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.message()).contains("no_models").contains("no model enabled in the model picker").contains("nothing changed");
        assertThat(reply.result()).isEqualTo("rejected");
        assertThat(f.doppler.reads()).isZero();
        assertNothingChanged();
        assertThat(total("opencode-flux", ReseedResult.REJECTED)).isEqualTo(1);
    }

    @Test
    void copilotUnreachableIs502UnlessForced() {
        String body = authJson(ReseedFixture.UNKNOWN_TOKEN);
        ReseedReply reply = workflow.reseed(request(body));
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.message()).contains("Copilot API gave no verdict").contains("?force=true");
        assertNothingChanged();

        ReseedReply forced = workflow.reseed(new ReseedRequest(body.getBytes(StandardCharsets.UTF_8), false, List.of(),
                null, "true", "rollout"));
        assertThat(step(forced, "opencode-flux", Step.VERIFY_BEFORE).outcome()).isEqualTo("skipped");
        assertThat(f.doppler.writes()).as("forced: written").hasSize(1);
        assertThat(rollouts(flux)).isEqualTo(1);
        assertThat(forced.status()).as("the Copilot API still cannot tell after the rollout: not verified").isEqualTo(502);
        assertThat(step(forced, "opencode-flux", Step.VERIFY_AFTER).detail()).contains("Copilot UNKNOWN");
    }

    @Test
    void dopplerFailingIs502AndTheClusterIsUntouched() {
        f.doppler.failWith(new DopplerException(DopplerException.Reason.UNAVAILABLE, "Doppler write failed after 4 attempt(s): HTTP 503", 4));
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.message()).contains("HTTP 503").contains("the cluster was not touched");
        assertNothingChanged();

        f.doppler.failWith(new DopplerException(DopplerException.Reason.NOT_CONFIGURED, "keeper.doppler.token is not set", 0));
        ReseedReply unconfigured = workflow.reseed(request(NEW));
        assertThat(unconfigured.status()).isEqualTo(500);
        assertThat(unconfigured.message()).contains("keeper.doppler.token");
        assertNothingChanged();
    }

    @Test
    void aCreatedOnceExternalSecretIsRefusedBeforeAnythingChanges() {
        f.cluster.controllerClient().genericKubernetesResources(cloud.angryninja.keeper.kube.ExternalSecrets.CONTEXT).inNamespace(NS)
                .withName(ha.externalSecret()).edit(es -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) es.getAdditionalProperties().get("spec");
                    spec.put("refreshPolicy", "CreatedOnce");
                    return es;
                });
        f.cluster.calls().clear();
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).isEqualTo(412);
        assertThat(reply.message()).contains("opencode-ha").contains("CreatedOnce");
        assertThat(step(reply, "opencode-ha", Step.ESO).outcome()).isEqualTo("failure");
        assertNothingChanged();
    }

    @Test
    void aMissingDeploymentIsRefusedBeforeAnythingChanges() {
        f.cluster.controllerClient().apps().deployments().inNamespace(NS).withName(flux.deployment()).delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> deployment(flux) == null);
        f.cluster.calls().clear();
        ReseedReply reply = workflow.reseed(request(NEW));

        assertThat(reply.status()).isEqualTo(412);
        assertThat(reply.message()).contains("Deployment opencode/opencode-flux not found");
        assertThat(f.doppler.writes()).isEmpty();
        assertThat(forceSyncs()).isZero();
    }

    @Test
    void aDryRunVerifiesAndChangesNothing() {
        ReseedReply reply = workflow.reseed(new ReseedRequest(NEW.getBytes(StandardCharsets.UTF_8), false, List.of(),
                "true", null));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.dryRun()).isTrue();
        assertThat(step(reply, "opencode-flux", Step.VERIFY_BEFORE).outcome()).isEqualTo("success");
        assertThat(step(reply, "opencode-flux", Step.DOPPLER).detail()).isEqualTo(ReseedRun.NOT_REACHED);
        assertThat(f.doppler.reads()).isZero();
        assertNothingChanged();
        assertThat(total("opencode-flux", ReseedResult.SUCCESS)).as("a dry run is not counted").isZero();
    }

    @Test
    void aSecondReseedWhileOneRunsIs409NamingTheRunningOne() {
        f.eso.delay(Duration.ofSeconds(2));
        CompletableFuture<ReseedReply> first = CompletableFuture.supplyAsync(() -> workflow.reseed(request(NEW)));
        await().atMost(Duration.ofSeconds(5)).until(() -> workflow.running().isPresent());
        String runningId = workflow.running().orElseThrow().id();

        ReseedReply second = workflow.reseed(request(NEW));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.message()).contains("reseed " + runningId + " is running").contains("opencode-flux").contains("nothing changed");
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(f.doppler.writes()).as("only the first wrote").hasSize(1);
        assertThat(rollouts(flux)).isEqualTo(1);
        assertThat(workflow.running()).isEmpty();
    }

    @Test
    void aDryRunWhileAReseedRunsIs409AsDocumented() {
        f.eso.delay(Duration.ofSeconds(2));
        CompletableFuture<ReseedReply> first = CompletableFuture.supplyAsync(() -> workflow.reseed(request(NEW)));
        await().atMost(Duration.ofSeconds(5)).until(() -> workflow.running().isPresent());
        String runningId = workflow.running().orElseThrow().id();

        ReseedReply dry = workflow.reseed(new ReseedRequest(NEW.getBytes(StandardCharsets.UTF_8), false, List.of(),
                "true", null));

        assertThat(dry.status()).isEqualTo(409);
        assertThat(dry.result()).isEqualTo("rejected");
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.message()).contains("reseed " + runningId + " is running").contains("nothing changed");
        assertThat(workflow.running()).as("the dry run did not take or clear the lock").map(ReseedLock.Running::id).contains(runningId);
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(f.doppler.writes()).as("only the reseed wrote").hasSize(1);
    }

    @Test
    void theRecordOfTheRolloutIsMetadataOnly() {
        workflow.reseed(request(NEW));
        Deployment d = deployment(flux);
        assertThat(d.getMetadata().getAnnotations()).containsEntry(KeeperAnnotations.ROLLED_OUT_FOR,
                Sha256.shortHex(Sha256.hex(NEW)) + "@" + d.getMetadata().getGeneration());
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations()).doesNotContainKey(KeeperAnnotations.ROLLED_OUT_FOR);
    }
}
