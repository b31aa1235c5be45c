package cloud.angryninja.keeper.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import cloud.angryninja.keeper.reseed.ReseedFixture;
import cloud.angryninja.keeper.reseed.ReseedReply;
import cloud.angryninja.keeper.reseed.ReseedWorkflow;
import cloud.angryninja.keeper.reseed.Step;
import cloud.angryninja.keeper.testing.TestCredentials;
import cloud.angryninja.keeper.testing.Tier;
import cloud.angryninja.keeper.workspace.Workspace;
import cloud.angryninja.keeper.testing.UnreachableWorkspace;

/**
 * The keeper's own time per reseed of 2 workspaces with instant stand-ins: the whole workflow (input, Copilot check
 * on WireMock, Doppler in memory, force-sync, rollout, verify probes on WireMock) against a mock Kubernetes API whose
 * ESO and Deployment-controller stand-ins act at once; own time = total minus the longest per-workspace ESO + rollout
 * step (the waits, with the keeper's own patches and informers in them). Every reseed writes and rolls: it alternates
 * between two credentials. Run with {@code ./mvnw -B verify -Pbench}.
 */
// @QuarkusTest: the keeper's REST clients are built by the Quarkus application (their implementations are generated at
// build time); the test resource is the one shared by the tests that need no workspace of the application's own.
@Tier.Unit
@QuarkusTest
@WithTestResource(UnreachableWorkspace.class)
class ReseedBench {

    static final int WARM_UP = 5;
    static final int RUNS = 15;

    @Test
    void reseedOfTwoWorkspaces() throws Exception {
        try (ReseedFixture f = new ReseedFixture("opencode")) {
            f.controller.stepDelay(Duration.ZERO);
            Workspace flux = f.workspace("opencode-flux");
            Workspace ha = f.workspace("opencode-ha");
            f.create(flux, TestCredentials.authJson(ReseedFixture.OLD_TOKEN), false, "Periodic");
            f.create(ha, TestCredentials.authJson(ReseedFixture.OLD_TOKEN), true, "Periodic");
            ReseedWorkflow workflow = f.workflow(List.of(flux, ha), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10));
            List<Long> totals = new ArrayList<>();
            List<Long> waits = new ArrayList<>();
            List<Long> own = new ArrayList<>();
            for (int i = 0; i < WARM_UP + RUNS; i++) {
                String token = i % 2 == 0 ? ReseedFixture.NEW_TOKEN : ReseedFixture.OLD_TOKEN;
                long start = System.nanoTime();
                ReseedReply reply = workflow.reseed(ReseedFixture.request(TestCredentials.authJson(token)));
                long total = (System.nanoTime() - start) / 1_000_000;
                assertThat(reply.status()).as(reply.toText()).isEqualTo(200);
                long wait = reply.workspaces().stream().mapToLong(w -> w.steps().stream()
                        .filter(s -> s.step().equals(Step.ESO.label()) || s.step().equals(Step.ROLLOUT.label()))
                        .mapToLong(ReseedReply.StepReport::durationMillis).sum()).max().orElse(0);
                if (i >= WARM_UP) {
                    totals.add(total);
                    waits.add(wait);
                    own.add(total - wait);
                }
            }
            String table = "| reseed of 2 workspaces (" + RUNS + " runs after " + WARM_UP + " warm-up) | median | slowest |\n|---|---:|---:|\n"
                    + row("total", totals) + row("waiting on ESO and rollout (stand-ins act at once)", waits)
                    + row("keeper's own time (total minus waiting)", own);
            System.out.println("\nReseed, " + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                    + "\n" + table);
            Files.createDirectories(Path.of("target", "bench"));
            Files.writeString(Path.of("target", "bench", "reseed.md"), table);
        }
    }

    private static String row(String what, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return "| " + what + " | " + sorted.get(sorted.size() / 2) + " ms | " + sorted.get(sorted.size() - 1) + " ms |\n";
    }
}
