package cloud.angryninja.keeper.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.Tier;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;

/** The Deployment predicates on objects built in memory, against kubectl rollout status semantics. */
@Tier.Unit
class RolloutsTest {

    private static Deployment deployment(long generation, Long observed, int replicas, int statusReplicas, int updated, int available) {
        return new DeploymentBuilder(MockCluster.deployment("opencode", "opencode-flux", "opencode-flux-secret", false))
                .editMetadata().withGeneration(generation).endMetadata()
                .editSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withObservedGeneration(observed).withReplicas(statusReplicas).withUpdatedReplicas(updated)
                .withAvailableReplicas(available).endStatus()
                .build();
    }

    @Test
    void completeOnlyWhenEveryCountAgreesAndTheGenerationWasObserved() {
        assertThat(Rollouts.isComplete(deployment(3, 3L, 1, 1, 1, 1))).isTrue();
        assertThat(Rollouts.isComplete(deployment(3, 4L, 2, 2, 2, 2))).isTrue();
        assertThat(Rollouts.isComplete(deployment(3, 2L, 1, 1, 1, 1))).as("generation not observed yet").isFalse();
        assertThat(Rollouts.isComplete(deployment(3, null, 1, 1, 1, 1))).as("no observedGeneration").isFalse();
        assertThat(Rollouts.isComplete(deployment(3, 3L, 2, 2, 1, 1))).as("not all replicas updated").isFalse();
        assertThat(Rollouts.isComplete(deployment(3, 3L, 1, 2, 1, 1))).as("an old replica still there").isFalse();
        assertThat(Rollouts.isComplete(deployment(3, 3L, 1, 1, 1, 0))).as("updated replica not available").isFalse();
        Deployment noStatus = MockCluster.deployment("opencode", "x", "s", false);
        noStatus.getMetadata().setGeneration(1L);
        assertThat(Rollouts.isComplete(noStatus)).isFalse();
    }

    @Test
    void failedOnProgressDeadlineExceededOnly() {
        Deployment stuck = deployment(2, 2L, 1, 1, 1, 0);
        stuck.getStatus().getConditions().add(new DeploymentConditionBuilder().withType("Progressing").withStatus("False")
                .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet has timed out progressing.").build());
        Deployment progressing = deployment(2, 2L, 1, 1, 1, 0);
        progressing.getStatus().getConditions().add(new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                .withReason("ReplicaSetUpdated").build());

        assertThat(Rollouts.hasFailed(stuck)).isTrue();
        assertThat(Rollouts.describe(stuck)).contains("ProgressDeadlineExceeded", "timed out progressing");
        assertThat(Rollouts.hasFailed(progressing)).isFalse();
        assertThat(Rollouts.hasFailed(deployment(2, 2L, 1, 1, 1, 1))).isFalse();
    }

    @Test
    void aPodTemplateChangeIsARolloutStartedSinceTheSnapshot() {
        Deployment before = deployment(1, 1L, 1, 1, 1, 1);
        RolloutSnapshot snapshot = new RolloutSnapshot("opencode", "opencode-flux", 1, Rollouts.templateFingerprint(before), false,
                Instant.now());

        Deployment scaled = new DeploymentBuilder(before).editMetadata().withGeneration(2L).endMetadata()
                .editSpec().withReplicas(2).endSpec().build();
        Deployment restarted = new DeploymentBuilder(before).editSpec().editTemplate().editMetadata()
                .addToAnnotations(KeeperAnnotations.RESTARTED_AT, "2026-03-01T10:00:00Z").endMetadata().endTemplate().endSpec().build();

        assertThat(Rollouts.startedSince(snapshot, before)).isFalse();
        assertThat(Rollouts.startedSince(snapshot, scaled)).as("scaling is no rollout").isFalse();
        assertThat(Rollouts.startedSince(snapshot, restarted)).isTrue();
    }

    @Test
    void reloaderAnnotationsAreRecognised() {
        Deployment plain = MockCluster.deployment("opencode", "opencode-flux", "opencode-flux-secret", false);
        assertThat(Rollouts.isWatchedByReloader(plain, "opencode-flux-secret")).isFalse();
        assertThat(Rollouts.isWatchedByReloader(MockCluster.deployment("opencode", "opencode-flux", "opencode-flux-secret", true),
                "opencode-flux-secret")).isTrue();
        assertThat(Rollouts.isWatchedByReloader(annotated(plain, KeeperAnnotations.RELOADER_SECRET_RELOAD, "other, opencode-flux-secret"),
                "opencode-flux-secret")).isTrue();
        assertThat(Rollouts.isWatchedByReloader(annotated(plain, KeeperAnnotations.RELOADER_SECRET_RELOAD, "other"),
                "opencode-flux-secret")).isFalse();
        assertThat(Rollouts.isWatchedByReloader(annotated(plain, KeeperAnnotations.RELOADER_AUTO, "false"), "opencode-flux-secret"))
                .isFalse();
    }

    @Test
    void aWorkspaceWhoseReloaderWatchesOnlyItsOtherSecretIsNotWatchedForTheCredential() {
        Deployment split = MockCluster.workspaceDeployment("opencode", "opencode-flux", "opencode-flux-copilot", "opencode-flux-secret");
        assertThat(Rollouts.isWatchedByReloader(split, "opencode-flux-copilot")).as("the credential's Secret").isFalse();
        assertThat(Rollouts.isWatchedByReloader(split, "opencode-flux-secret")).as("the password's Secret").isTrue();
    }

    private static Deployment annotated(Deployment d, String key, String value) {
        return new DeploymentBuilder(d).editMetadata().withAnnotations(Map.of(key, value)).endMetadata().build();
    }

    @Test
    void aRolloutRecordCountsForItsValueAndAnyLaterGeneration() {
        String sha = Sha256.hex("auth.json text");
        Deployment d = deployment(5, 5L, 1, 1, 1, 1);
        assertThat(Rollouts.rolledOutFor(d, sha)).as("no record").isFalse();
        d.getMetadata().setAnnotations(Map.of(KeeperAnnotations.ROLLED_OUT_FOR, Rollouts.rolloutRecord(sha, 5)));
        assertThat(Rollouts.rolloutRecord(sha, 5)).isEqualTo(Sha256.shortHex(sha) + "@5");
        assertThat(Rollouts.rolledOutFor(d, sha)).isTrue();
        assertThat(Rollouts.rolledOutFor(d, Sha256.hex("another value"))).as("another value").isFalse();
        d.getMetadata().setAnnotations(Map.of(KeeperAnnotations.ROLLED_OUT_FOR, Rollouts.rolloutRecord(sha, 4)));
        assertThat(Rollouts.rolledOutFor(d, sha)).as("a later generation: its pods are newer still").isTrue();
        d.getMetadata().setAnnotations(Map.of(KeeperAnnotations.ROLLED_OUT_FOR, Rollouts.rolloutRecord(sha, 6)));
        assertThat(Rollouts.rolledOutFor(d, sha)).as("a record ahead of the Deployment").isFalse();
        d.getMetadata().setAnnotations(Map.of(KeeperAnnotations.ROLLED_OUT_FOR, "garbage"));
        assertThat(Rollouts.rolledOutFor(d, sha)).isFalse();
    }
}
