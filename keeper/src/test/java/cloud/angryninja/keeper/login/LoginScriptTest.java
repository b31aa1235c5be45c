package cloud.angryninja.keeper.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.ScriptKeeper;
import cloud.angryninja.keeper.testing.ScriptKeeper.Answer;
import cloud.angryninja.keeper.testing.ScriptKeeper.Received;
import cloud.angryninja.keeper.testing.Tier;

/**
 * {@code scripts/reseed --login} run for real against a loopback stand-in of the keeper ({@link ScriptKeeper}) that plays
 * {@code POST /login} and a sequence of {@code GET /login/{id}} answers: the query it sends, the code and URL it
 * prints, the reseed steps it prints at the end, its exit codes, and that the API token is on no command line and
 * in no output.
 */
@Tier.Integration
class LoginScriptTest {

    static final String TOKEN = "apiCANARYlogin5d2a";
    static final String STARTED = "login: 1a2b3c4d\nstate: pending\nverification_uri: https://github.com/login/device\n"
            + "user_code: WDJB-MJHT\nexpires_in: 899\nworkspaces: alpha\nmessage: open it\n";
    static final String RESEEDING = "login: 1a2b3c4d\nstate: reseeding\nworkspaces: alpha\ncredential: 0123456789ab\nmessage: reseeding\n";
    static final String DONE = "login: 1a2b3c4d\nstate: done\nworkspaces: alpha\ncredential: 0123456789ab\nmessage: reseed r1 ended\n"
            + "reseed r1, credential 0123456789ab\nalpha input success 1 ms: ok\nalpha verify_after success 9 ms: verified\n"
            + "result: success (HTTP 200) in 20 ms: every target workspace verified\n";

    @TempDir
    Path tmp;
    ScriptKeeper keeper;
    List<Received> received;
    volatile Answer start = new Answer(202, STARTED);
    final ConcurrentLinkedQueue<Answer> looks = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws IOException {
        // POST /login answers start; each GET /login/{id} the next look, the last one again and again
        keeper = ScriptKeeper.start(tmp, r -> r.method().equals("POST") ? start : looks.size() > 1 ? looks.poll() : looks.peek());
        received = keeper.received();
    }

    @AfterEach
    void stop() {
        keeper.close();
    }

    Tools.Result run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("KEEPER_LOGIN_POLL", "0"));
        env.putAll(extraEnv);
        List<String> all = new ArrayList<>(List.of("--login"));
        all.addAll(List.of(args));
        return keeper.run(TOKEN, env, all);
    }

    @Test
    void startsALoginPrintsTheCodeWaitsAndPrintsTheReseedsSteps() throws IOException {
        looks.addAll(List.of(new Answer(200, STARTED), new Answer(200, RESEEDING), new Answer(200, RESEEDING), new Answer(200, DONE)));

        Tools.Result r = run(Map.of(), "-w", "alpha", "-e", "company.ghe.com", "-f", "-l");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stdout()).startsWith("Open https://github.com/login/device and enter the code WDJB-MJHT (within 899 s).\n")
                .contains("alpha verify_after success 9 ms: verified").contains("result: success (HTTP 200)");
        assertThat(r.stderr()).containsOnlyOnce("GitHub gave credential 0123456789ab; the keeper reseeds");
        Received post = received.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/login");
        assertThat(post.query()).isEqualTo("workspace=alpha&enterprise=company.ghe.com&force=true&mode=live");
        assertThat(post.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
        assertThat(post.headers().get("Accept")).containsExactly("text/plain");
        assertThat(received.subList(1, received.size())).hasSize(4)
                .allSatisfy(g -> assertThat(g.method() + " " + g.path()).isEqualTo("GET /login/1a2b3c4d"));
    }

    @Test
    void aLoginThatEndsWithoutACredentialOrAFailedReseedExits1() throws IOException {
        looks.add(new Answer(200, "login: 1a2b3c4d\nstate: denied\nmessage: the authorization was refused on GitHub; nothing changed\n"));
        Tools.Result denied = run(Map.of());
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(denied.output()).contains("the authorization was refused on GitHub").contains("login 1a2b3c4d ended denied");

        looks.clear();
        looks.add(new Answer(200, DONE.replace("result: success (HTTP 200)", "result: timeout (HTTP 504)")));
        Tools.Result failed = run(Map.of());
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.output()).contains("result: timeout (HTTP 504)").contains("reseed: not done");
    }

    @Test
    void aRefusedLoginPrintsTheKeepersMessageAndExits1() throws IOException {
        start = new Answer(409, "state: rejected\nmessage: login 9f9f9f9f is pending (GET /login/9f9f9f9f); one login at a time, no login started\n");

        Tools.Result r = run(Map.of(), "-w", "beta", "-r");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("one login at a time").contains("reseed: no login started");
        assertThat(received).hasSize(1);
        assertThat(received.get(0).query()).as("-r asks for a rollout").isEqualTo("workspace=beta&mode=rollout");
    }

    @Test
    void localProblemsExit2AndAnUnreachableKeeperExits3() throws IOException {
        assertThat(run(Map.of(), "-w", "Bad/Name").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "-e", "ghe.com?x=1").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "auth.json").exitCode()).as("no file argument").isEqualTo(2);
        assertThat(run(Map.of("KEEPER_LOGIN_POLL", "fast")).exitCode()).isEqualTo(2);
        Tools.Result noToken = run(Map.of("KEEPER_API_TOKEN", ""));
        assertThat(noToken.exitCode()).isEqualTo(2);
        assertThat(noToken.output()).contains("set KEEPER_API_TOKEN");
        Tools.Result help = run(Map.of(), "-h");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).startsWith("usage: scripts/reseed --login");
        assertThat(received).as("nothing was sent").isEmpty();

        Tools.Result down = run(Map.of("KEEPER_URL", "http://127.0.0.1:" + Loopback.freePort()));
        assertThat(down.exitCode()).isEqualTo(3);
        assertThat(down.output()).contains("could not reach the keeper");
    }
}
