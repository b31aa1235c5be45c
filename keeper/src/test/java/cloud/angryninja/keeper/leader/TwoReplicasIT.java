package cloud.angryninja.keeper.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import cloud.angryninja.keeper.sandbox.MockCluster;
import cloud.angryninja.keeper.testing.PackagedKeeper;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Two packaged keepers (two JVMs, as two pods) with leader election on against one mock Kubernetes
 * API: exactly one leads and probes, the follower stays ready, answers {@code POST /reseed} and
 * {@code GET /workspaces} with 503 naming the leader and shows NaN workspace gauges; killing the
 * leader with SIGKILL (no Lease release) hands leadership over within the lease duration and the
 * new leader probes.
 */
@Tier.Packaged
class TwoReplicasIT {

    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration RENEW = Duration.ofSeconds(3);
    static final Duration RETRY = Duration.ofMillis(500);
    static final String TOKEN = "two-replicas-test";
    static final String WORKSPACE = "opencode-gone";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    MockCluster cluster;
    final List<PackagedKeeper> keepers = new ArrayList<>();

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
    }

    @AfterEach
    void stop() {
        keepers.forEach(PackagedKeeper::close);
        cluster.close();
    }

    private PackagedKeeper keeper(String identity) throws IOException {
        List<String> props = List.of("-Dkeeper.api.token=" + TOKEN, "-Dkeeper.probe.interval=1s",
                "-Dkeeper.workspaces." + WORKSPACE + ".url=http://127.0.0.1:" + closedPort(),
                "-Dkubernetes.master=" + cluster.client().getConfiguration().getMasterUrl(), "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.namespace=opencode",
                "-Dkeeper.leader-election.enabled=true", "-Dkeeper.leader-election.identity=" + identity,
                "-Dkeeper.leader-election.lease-duration=" + LEASE, "-Dkeeper.leader-election.renew-deadline=" + RENEW,
                "-Dkeeper.leader-election.retry-period=" + RETRY);
        PackagedKeeper k = PackagedKeeper.start(List.of(), props, dir.resolve(identity));
        keepers.add(k);
        return k;
    }

    @Test
    void oneLeadsTheFollowerNamesItAndALeaderKilledIsReplacedWithinTheLeaseDuration() throws Exception {
        PackagedKeeper a = keeper("keeper-a");
        PackagedKeeper b = keeper("keeper-b");
        a.awaitReady(Duration.ofSeconds(60));
        b.awaitReady(Duration.ofSeconds(60));

        await("exactly one replica leads").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> leader(a) + leader(b) == 1 && holder().isPresent());
        PackagedKeeper leader = leader(a) == 1 ? a : b;
        PackagedKeeper follower = leader == a ? b : a;
        String leaderName = leader == a ? "keeper-a" : "keeper-b";
        String followerName = leader == a ? "keeper-b" : "keeper-a";
        assertThat(holder()).as("the Lease names the leader").hasValue(leaderName);

        // The leader probes; the follower does not, and its workspace gauges say nothing.
        leader.awaitCycles(2, Duration.ofSeconds(20));
        assertThat(gauge(leader, "opencode_keeper_workspace_up", WORKSPACE)).hasValue(0.0);
        assertThat(follower.probeCycles()).isZero();
        assertThat(gauge(follower, "opencode_keeper_workspace_up", WORKSPACE)).as("a follower's gauge is present")
                .isPresent();
        assertThat(gauge(follower, "opencode_keeper_workspace_up", WORKSPACE).getAsDouble()).as("a follower's gauge is NaN").isNaN();
        // Never a success on the leader: 0, so ProbeStale can fire there; the follower has not looked: NaN, so it cannot.
        assertThat(gauge(leader, "opencode_keeper_probe_last_success_timestamp_seconds", WORKSPACE)).hasValue(0.0);
        assertThat(gauge(follower, "opencode_keeper_probe_last_success_timestamp_seconds", WORKSPACE).getAsDouble())
                .as("a follower's last success is NaN").isNaN();
        assertThat(leader(follower)).isZero();

        // Both stay ready and live, so the Service keeps routing to both.
        for (PackagedKeeper k : keepers) {
            assertThat(send(k, "GET", "/q/health/ready").statusCode()).isEqualTo(200);
            assertThat(send(k, "GET", "/q/health/live").statusCode()).isEqualTo(200);
        }

        // The follower refuses the leader's work, naming the leader.
        HttpResponse<String> reseed = send(follower, "POST", "/reseed");
        assertThat(reseed.statusCode()).isEqualTo(503);
        assertThat(reseed.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(reseed.body()).contains("\"leader\":\"" + leaderName + "\"").contains("\"identity\":\"" + followerName + "\"");
        HttpResponse<String> workspaces = send(follower, "GET", "/workspaces");
        assertThat(workspaces.statusCode()).isEqualTo(503);
        assertThat(workspaces.body()).contains("\"leader\":\"" + leaderName + "\"");
        // Every call that needs the leader gets the same answer from the one filter, in the format asked for.
        HttpResponse<String> reseedText = send(follower, "POST", "/reseed", "text/plain");
        assertThat(reseedText.statusCode()).isEqualTo(503);
        assertThat(reseedText.body()).startsWith("this replica (" + followerName + ") follows; the leader is " + leaderName);
        assertThat(send(follower, "POST", "/login").statusCode()).isEqualTo(503);
        HttpResponse<String> unknownLogin = send(follower, "GET", "/login/abc12345");
        assertThat(unknownLogin.statusCode()).as("a login the follower does not know, the leader ran").isEqualTo(503);
        assertThat(unknownLogin.headers().firstValue("Keeper-Leader")).hasValue(leaderName);
        assertThat(unknownLogin.body()).contains("\"leader\":\"" + leaderName + "\"");
        assertThat(send(leader, "GET", "/login/abc12345").statusCode()).as("the leader does not know it either").isEqualTo(404);
        assertThat(send(follower, "POST", "/workspaces/" + WORKSPACE + "/credential/confirm?credential=0123456789ab").statusCode())
                .isEqualTo(503);
        assertThat(send(follower, "POST", "/workspaces/" + WORKSPACE + "/credential").statusCode())
                .as("the API token is no report token: refused before leadership is asked").isEqualTo(401);
        HttpResponse<String> leaderWorkspaces = send(leader, "GET", "/workspaces");
        assertThat(leaderWorkspaces.statusCode()).isEqualTo(200);
        assertThat(leaderWorkspaces.body()).contains("\"workspace\":\"" + WORKSPACE + "\"");
        assertThat(send(leader, "POST", "/reseed").statusCode()).as("the leader takes the reseed (an empty body is refused as input)")
                .isEqualTo(400);

        // SIGKILL: the Lease is not released, the follower takes it once it expires.
        long killed = System.nanoTime();
        leader.kill();
        Duration handover = LEASE.plus(RETRY).plusSeconds(2);
        await("the follower leads within the lease duration").atMost(handover).pollInterval(Duration.ofMillis(100))
                .until(() -> leader(follower) == 1);
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        assertThat(holder()).hasValue(followerName);
        follower.awaitCycles(2, Duration.ofSeconds(10));
        assertThat(gauge(follower, "opencode_keeper_workspace_up", WORKSPACE)).hasValue(0.0);
        assertThat(send(follower, "GET", "/workspaces").statusCode()).isEqualTo(200);
        assertThat(follower.log()).contains(followerName + " leads");
        System.out.printf("handover after SIGKILL of the leader: %d ms (lease %d ms)%n", took.toMillis(), LEASE.toMillis());
    }

    private java.util.Optional<String> holder() {
        Lease lease = cluster.controllerClient().leases().inNamespace("opencode").withName(Leadership.DEFAULT_LEASE).get();
        return lease == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(lease.getSpec().getHolderIdentity());
    }

    private static int leader(PackagedKeeper k) {
        if (!k.isAlive()) {
            return 0;
        }
        Matcher m = Pattern.compile("(?m)^opencode_keeper_leader(?:\\{\\})? ([0-9.]+)").matcher(k.metrics());
        return m.find() ? (int) Double.parseDouble(m.group(1)) : 0;
    }

    private static OptionalDouble gauge(PackagedKeeper k, String name, String workspace) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{workspace=\"" + workspace + "\"} (\\S+)").matcher(k.metrics());
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    private static HttpResponse<String> send(PackagedKeeper k, String method, String path) throws Exception {
        return send(k, method, path, "application/json");
    }

    private static HttpResponse<String> send(PackagedKeeper k, String method, String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(k.uri(path)).header("Authorization", "Bearer " + TOKEN)
                .header("Accept", accept).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
