package cloud.angryninja.keeper.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.restassured.response.Response;

import cloud.angryninja.keeper.copilot.CopilotCredential;
import cloud.angryninja.keeper.testing.MetricsText;
import cloud.angryninja.keeper.testing.TestCredentials;

/**
 * The keeper with the deployed configuration of k8s/, one workspace present and one missing
 * ({@link DeployedKeeperStandIns}), checked only through its HTTP API, so that the same checks run in the test's JVM
 * ({@link DeployedKeeperInProcessTest}) and on the packaged application ({@link DeployedKeeperIT}: the jar here, the
 * native executable and the image in the release workflow). Abstract and in no tier: JUnit adds up the tiers of a class
 * and its superclasses, so each subclass carries its own.
 * It starts and is ready while a workspace is missing and says so; it probes the present one through the stand-ins;
 * it refuses a bad reseed and a reseed of the missing workspace without changing anything; a real reseed goes through
 * Doppler (its retry guard, after a 429), ESO, one rollout and the verification.
 */
@WithTestResource(DeployedKeeperStandIns.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DeployedKeeperTest {

    static final String PRESENT = DeployedKeeperStandIns.PRESENT;
    static final String MISSING = DeployedKeeperStandIns.MISSING;
    static final ObjectMapper JSON = new ObjectMapper();

    @DeployedKeeperStandIns.World
    DeployedKeeperStandIns world;

    static io.restassured.specification.RequestSpecification api() {
        return given().header("Authorization", "Bearer " + DeployedKeeperStandIns.API_TOKEN);
    }

    static JsonNode state(String workspace) throws Exception {
        for (JsonNode s : JSON.readTree(api().get("/workspaces").then().statusCode(200).extract().asString())) {
            if (s.path("workspace").asText().equals(workspace)) {
                return s;
            }
        }
        throw new AssertionError("GET /workspaces has no " + workspace);
    }

    @Test
    @Order(1)
    void itIsReadyWithOneWorkspaceMissingAndReportsBoth() throws Exception {
        await("readiness after the first probe cycle").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/live").then().statusCode(200);

        assertThat(state(PRESENT).path("state").asText()).as("%s: %s", PRESENT, state(PRESENT)).isEqualTo("working");
        assertThat(state(PRESENT).path("credentialFingerprint").asText()).isEqualTo(CopilotCredential.fingerprint(DeployedKeeperStandIns.OLD));
        assertThat(state(MISSING).path("state").asText()).as("%s: %s", MISSING, state(MISSING)).isEqualTo("down");
        String metrics = MetricsText.scrape();
        assertThat(MetricsText.value(metrics, "opencode_keeper_probe_cycles_total", Map.of()).orElse(0.0)).isGreaterThanOrEqualTo(1.0);
        assertThat(MetricsText.value(metrics, "opencode_keeper_workspace_up", Map.of("workspace", PRESENT))).contains(1.0);
        assertThat(MetricsText.value(metrics, "opencode_keeper_workspace_up", Map.of("workspace", MISSING))).contains(0.0);
        assertThat(MetricsText.value(metrics, "opencode_keeper_copilot_state", Map.of("workspace", MISSING, "state", "down"))).contains(1.0);
        assertThat(MetricsText.value(metrics, "opencode_keeper_copilot_state", Map.of("workspace", PRESENT, "state", "working"))).contains(1.0);
        given().get("/workspaces").then().statusCode(401);
    }

    @Test
    @Order(2)
    void aBadReseedIsRefusedAndChangesNothing() throws Exception {
        Response r = api().contentType("application/json").body("{\"github-copilot\":{\"type\":\"oauth\"}}").post("/reseed?workspace=" + PRESENT);

        JsonNode reply = JSON.readTree(r.asString());
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(reply.path("result").asText()).isEqualTo("rejected");
        assertThat(reply.path("message").asText()).contains("\"refresh\" is missing").endsWith("nothing changed");
        assertNothingChanged();
    }

    @Test
    @Order(3)
    void aReseedOfTheMissingWorkspaceIsRefusedBeforeAnyChange() throws Exception {
        Response r = api().contentType("application/json").body(TestCredentials.authJson(DeployedKeeperStandIns.NEW))
                .post("/reseed?workspace=" + MISSING);

        JsonNode reply = JSON.readTree(r.asString());
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(412);
        assertThat(reply.path("message").asText()).contains("refused before any change").contains("ExternalSecret opencode/" + MISSING + "-copilot not found");
        assertThat(r.asString()).doesNotContain(DeployedKeeperStandIns.NEW);
        assertNothingChanged();
    }

    /**
     * A real reseed of the present workspace: Doppler's first write is rate-limited (429, Retry-After: 1) and the
     * keeper's retry guard writes again; ESO's stand-in syncs the Secret, the Deployment is rolled once, and the
     * keeper verifies the new credential.
     */
    @Test
    @Order(4)
    void aReseedGoesThroughDopplerEsoAndOneRolloutAndIsVerified() throws Exception {
        int rollouts = world.rollouts();
        Response r = api().contentType("application/json").body(TestCredentials.authJson(DeployedKeeperStandIns.NEW))
                .post("/reseed?workspace=" + PRESENT);

        JsonNode reply = JSON.readTree(r.asString());
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(reply.path("result").asText()).isEqualTo("success");
        assertThat(reply.path("workspaces").get(0).path("verified").asBoolean()).as(r.asString()).isTrue();
        assertThat(world.dopplerWrites()).as("Doppler writes: a 429, then the retry").isEqualTo(2);
        assertThat(world.secretValue()).isEqualTo(TestCredentials.authJson(DeployedKeeperStandIns.NEW));
        assertThat(world.rollouts()).as("rollouts").isEqualTo(rollouts + 1);
        assertThat(state(PRESENT).path("credentialFingerprint").asText()).isEqualTo(CopilotCredential.fingerprint(DeployedKeeperStandIns.NEW));
        assertThat(state(PRESENT).path("state").asText()).isEqualTo("working");
        assertThat(MetricsText.value(MetricsText.scrape(), "opencode_keeper_reseed_total", Map.of("workspace", PRESENT, "result", "success")))
                .contains(1.0);
        assertThat(r.asString()).doesNotContain(DeployedKeeperStandIns.NEW);
    }

    private void assertNothingChanged() {
        assertThat(world.dopplerWrites()).as("Doppler writes").isZero();
        assertThat(world.secretValue()).isEqualTo(TestCredentials.authJson(DeployedKeeperStandIns.OLD));
        assertThat(world.rollouts()).as("rollouts").isZero();
        assertThat(world.keeperWrites()).as("the keeper's writes to the Kubernetes API").isZero();
    }
}
