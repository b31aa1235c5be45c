package cloud.angryninja.keeper.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import cloud.angryninja.keeper.testing.Tier;

/**
 * The shapes of the answers {@link OpenCodeClient} reads ({@link OpenCodeAnswers}): {@code GET /config/providers} and {@code GET /project/current}
 * as OpenCode 1.18.33 sends them (seen in WorkspaceOpenCodeTest and ProberTest on the real server), and bad ones.
 */
@Tier.Unit
class OpenCodeAnswersTest {

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    private static OpenCodeClient.Provider providers(String text) throws Exception {
        return OpenCodeAnswers.copilotProvider(json(text));
    }

    private static OpenCodeClient.Project project(String text) throws Exception {
        return OpenCodeAnswers.project(json(text));
    }

    @Test
    void authJsonWithoutConfigIsLoaded() throws Exception {
        assertThat(providers("{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"custom\",\"options\":{\"apiKey\":\"\"},"
                + "\"models\":{\"a\":{},\"b\":{}}}]}")).isEqualTo(new OpenCodeClient.Provider(true, 2, "github-copilot loaded with 2 models"));
    }

    @Test
    void configWithAuthJsonIsLoaded() throws Exception {
        assertThat(providers("{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"config\","
                + "\"options\":{\"baseURL\":\"http://x\",\"apiKey\":\"\"},\"models\":{\"a\":{}}}]}").loaded()).isTrue();
    }

    @Test
    void configWithoutCredentialIsNotLoaded() throws Exception {
        OpenCodeClient.Provider p = providers("{\"providers\":[{\"id\":\"github-copilot\",\"source\":\"config\","
                + "\"options\":{\"baseURL\":\"http://x\"},\"models\":{\"a\":{}}}]}");
        assertThat(p.loaded()).isFalse();
        assertThat(p.reason()).contains("has no credential");
    }

    @Test
    void absentOrEmptyIsNotLoaded() throws Exception {
        assertThat(providers("{\"providers\":[{\"id\":\"opencode\",\"options\":{\"apiKey\":\"public\"},\"models\":{\"a\":{}}}]}").reason())
                .contains("github-copilot is not loaded");
        assertThat(providers("{\"providers\":[{\"id\":\"github-copilot\",\"options\":{\"apiKey\":\"\"},\"models\":{}}]}").loaded()).isFalse();
        assertThat(providers("{\"nope\":1}").loaded()).isFalse();
    }

    // --- GET /project/current ---------------------------------------------------------------------------------

    @Test
    void aGitProjectIsSeen() throws Exception {
        assertThat(project("{\"id\":\"2f6755bb87b03596f71505820a2d29500af08029\",\"worktree\":\"/workspace\",\"vcs\":\"git\","
                + "\"time\":{\"created\":1}}")).isEqualTo(new OpenCodeClient.Project(Optional.of(true), "OpenCode sees the git repository at /workspace"));
    }

    @Test
    void theGlobalProjectIsNoRepository() throws Exception {
        OpenCodeClient.Project p = project("{\"id\":\"global\",\"worktree\":\"/\",\"time\":{\"created\":1},\"sandboxes\":[]}");
        assertThat(p.git()).contains(false);
        assertThat(p.reason()).isEqualTo("OpenCode sees no repository (project global, worktree /): no git on the server's PATH,"
                + " or its working directory is not a clone");
    }

    @Test
    void anotherVersionControlOrNoProjectCannotTell() throws Exception {
        assertThat(project("{\"id\":\"x\",\"worktree\":\"/w\",\"vcs\":\"hg\"}").git()).isEmpty();
        assertThat(project("{\"worktree\":\"/w\"}")).isEqualTo(new OpenCodeClient.Project(Optional.empty(),
                "GET /project/current: no project in the answer"));
        assertThat(project("[]").git()).isEmpty();
    }

    @Test
    void whatTheServerSentIsCutAndCleanedInTheReason() throws Exception {
        OpenCodeClient.Project p = project("{\"id\":\"x\",\"vcs\":\"git\",\"worktree\":\"/a\\nb" + "c".repeat(300) + "\"}");
        assertThat(p.reason()).doesNotContain("\n").startsWith("OpenCode sees the git repository at /abccc").endsWith("...")
                .hasSize("OpenCode sees the git repository at ".length() + 203);
    }
}
