package cloud.angryninja.keeper.reseed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import cloud.angryninja.keeper.manifests.Tools;
import cloud.angryninja.keeper.testing.Loopback;
import cloud.angryninja.keeper.testing.ScriptKeeper;
import cloud.angryninja.keeper.testing.ScriptKeeper.Received;
import cloud.angryninja.keeper.testing.Tier;

/**
 * {@code scripts/reseed} run for real against a loopback stand-in of the keeper ({@link ScriptKeeper}): the file it
 * reads (default path or argument), the headers and query it sends, what it prints, its exit codes, and that the
 * token and the credential are on no command line and in no output.
 */
@Tier.Integration
class ReseedScriptTest {

    static final String TOKEN = "apiCANARYscript7c1e";
    static final String AUTH = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_SCRIPTcanary42\"}}";

    @TempDir
    Path tmp;
    ScriptKeeper keeper;
    List<Received> received;
    volatile int status = 200;
    volatile String answer = "reseed abc, credential 0123456789ab\nalpha input success 1 ms: ok\nresult: success (HTTP 200) in 5 ms: done\n";

    @BeforeEach
    void start() throws IOException {
        keeper = ScriptKeeper.start(tmp, r -> new ScriptKeeper.Answer(status, answer));
        received = keeper.received();
    }

    @AfterEach
    void stop() {
        keeper.close();
    }

    Tools.Result run(Map<String, String> extraEnv, String... args) {
        return keeper.run(TOKEN, extraEnv, List.of(args), "gho_SCRIPTcanary42");
    }

    String curlArgs() throws IOException {
        return keeper.curlArgs();
    }

    @Test
    void postsTheDefaultAuthJsonAndPrintsTheSteps() throws IOException {
        Path file = tmp.resolve("home/.local/share/opencode/auth.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, AUTH);

        Tools.Result r = run(Map.of());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("alpha input success 1 ms: ok").contains("result: success (HTTP 200)");
        assertThat(received).hasSize(1);
        Received got = received.get(0);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/reseed");
        assertThat(got.query()).isNull();
        assertThat(got.body()).isEqualTo(AUTH);
        assertThat(got.headers().get("Authorization")).containsExactly("Bearer " + TOKEN);
        assertThat(got.headers().get("Accept")).containsExactly("text/plain");
        assertThat(curlArgs()).as("curl's command line").doesNotContain(TOKEN).contains("--config");
    }

    @Test
    void takesXdgDataHomeAnArgumentWorkspacesAndFlags() throws IOException {
        Path xdg = tmp.resolve("xdg/opencode/auth.json");
        Files.createDirectories(xdg.getParent());
        Files.writeString(xdg, AUTH);
        assertThat(run(Map.of("XDG_DATA_HOME", tmp.resolve("xdg").toString())).exitCode()).isZero();
        assertThat(received.get(0).body()).isEqualTo(AUTH);

        Path other = tmp.resolve("elsewhere.json");
        Files.writeString(other, "{\"type\":\"oauth\",\"refresh\":\"gho_SCRIPTcanary42\"}");
        Tools.Result r = run(Map.of(), "-w", "alpha", "-w", "beta", "-n", "-f", "-l", other.toString());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(received.get(1).query()).isEqualTo("workspace=alpha&workspace=beta&dryRun=true&force=true&mode=live");
        assertThat(received.get(1).body()).isEqualTo(Files.readString(other));
    }

    @Test
    void aFailedReseedPrintsTheKeepersStepsAndExits1() {
        Path file = tmp.resolve("auth.json");
        write(file);
        status = 504;
        answer = "alpha eso timeout 120000 ms: not synced\nresult: timeout (HTTP 504) in 120100 ms: not every target workspace verified\n";

        Tools.Result r = run(Map.of(), file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("alpha eso timeout").contains("result: timeout (HTTP 504)").contains("reseed: not done");
    }

    @Test
    void localProblemsExit2AndAnUnreachableKeeperExits3() throws IOException {
        Tools.Result missing = run(Map.of(), tmp.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.output()).contains("cannot read " + tmp.resolve("nope.json"));

        Path file = tmp.resolve("auth.json");
        write(file);
        Tools.Result noToken = run(Map.of("KEEPER_API_TOKEN", ""), file.toString());
        assertThat(noToken.exitCode()).isEqualTo(2);
        assertThat(noToken.output()).contains("set KEEPER_API_TOKEN");
        Tools.Result noUrl = run(Map.of("KEEPER_URL", ""), file.toString());
        assertThat(noUrl.exitCode()).isEqualTo(2);
        assertThat(noUrl.output()).contains("set KEEPER_URL");

        assertThat(run(Map.of(), "-w", "Bad/Name", file.toString()).exitCode()).isEqualTo(2);
        assertThat(received).as("nothing was sent").isEmpty();

        int closed = Loopback.freePort();
        Tools.Result down = run(Map.of("KEEPER_URL", "http://127.0.0.1:" + closed), file.toString());
        assertThat(down.exitCode()).isEqualTo(3);
        assertThat(down.output()).contains("could not reach the keeper");
    }

    @Test
    void helpPrintsTheUsageAndSendsNothing() {
        for (String flag : List.of("--help", "-h")) {
            Tools.Result r = run(Map.of(), flag);
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.stdout()).startsWith("usage: scripts/reseed [OPTION]... [AUTH_JSON]\n")
                    .contains("-w, --workspace NAME").contains("-n, --dry-run").contains("-h, --help").contains("KEEPER_API_TOKEN")
                    .contains("-r, --rollout")
                    .doesNotContain("Illegal option").doesNotContain("set -eu");
        }
        Tools.Result unknown = run(Map.of(), "--bogus");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr().strip()).isEqualTo("reseed: unknown option: --bogus (scripts/reseed --help for usage)");
        assertThat(received).as("nothing was sent").isEmpty();
    }

    @Test
    void longOptionsAreTheShortOnes() throws IOException {
        Path file = tmp.resolve("auth.json");
        write(file);

        Tools.Result r = run(Map.of(), "--workspace", "alpha", "--workspace=beta", "-wgamma", "--dry-run", "--force", "--live", "--",
                file.toString());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(received.get(0).query()).isEqualTo("workspace=alpha&workspace=beta&workspace=gamma&dryRun=true&force=true&mode=live");
        assertThat(received.get(0).body()).isEqualTo(AUTH);
    }

    @Test
    void aRolloutIsAskedForByName() throws IOException {
        Path file = tmp.resolve("auth.json");
        write(file);

        Tools.Result shortForm = run(Map.of(), "-r", file.toString());
        Tools.Result longForm = run(Map.of(), "--rollout", file.toString());
        Tools.Result byDefault = run(Map.of(), file.toString());

        assertThat(shortForm.exitCode()).as(shortForm.output()).isZero();
        assertThat(longForm.exitCode()).as(longForm.output()).isZero();
        assertThat(byDefault.exitCode()).as(byDefault.output()).isZero();
        assertThat(received).extracting(Received::query).containsExactly("mode=rollout", "mode=rollout", null);
    }

    @Test
    void aReplyWithoutStepsEndsWithANewlineAndOneClearLine() {
        Path file = tmp.resolve("auth.json");
        write(file);
        status = 401;
        answer = "{\"error\":\"missing or wrong bearer token\"}";

        Tools.Result r = run(Map.of(), file.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdout()).as("the body, then a newline").isEqualTo(answer + "\n");
        assertThat(r.stderr()).isEqualTo("reseed: posting " + file + " to " + keeper.url() + "/reseed\n"
                + "reseed: the reply (HTTP 401) lists no steps: nothing was reseeded (is KEEPER_URL the keeper, and KEEPER_API_TOKEN its token?)\n");

        status = 200;
        answer = "<html>not the keeper</html>\n";
        Tools.Result notKeeper = run(Map.of(), file.toString());
        assertThat(notKeeper.exitCode()).as("a 200 without steps is no verified reseed").isEqualTo(1);
        assertThat(notKeeper.stderr()).contains("the reply (HTTP 200) lists no steps");
    }

    private static void write(Path file) {
        try {
            Files.writeString(file, AUTH);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
