package cloud.angryninja.keeper.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The shapes of {@code GET /project/current}: those of OpenCode 1.18.33 (WorkspaceOpenCodeTest, ProberTest) and bad ones. */
class OpenCodeProjectTest {

    private static OpenCodeClient.Project read(String json) throws Exception {
        return OpenCodeClient.project(new ObjectMapper().readTree(json));
    }

    @Test
    void aGitProjectIsSeen() throws Exception {
        assertThat(read("{\"id\":\"2f6755bb87b03596f71505820a2d29500af08029\",\"worktree\":\"/workspace\",\"vcs\":\"git\","
                + "\"time\":{\"created\":1}}")).isEqualTo(new OpenCodeClient.Project(Optional.of(true), "OpenCode sees the git repository at /workspace"));
    }

    @Test
    void theGlobalProjectIsNoRepository() throws Exception {
        OpenCodeClient.Project p = read("{\"id\":\"global\",\"worktree\":\"/\",\"time\":{\"created\":1},\"sandboxes\":[]}");
        assertThat(p.git()).contains(false);
        assertThat(p.reason()).isEqualTo("OpenCode sees no repository (project global, worktree /): no git on the server's PATH,"
                + " or its working directory is not a clone");
    }

    @Test
    void anotherVersionControlOrNoProjectCannotTell() throws Exception {
        assertThat(read("{\"id\":\"x\",\"worktree\":\"/w\",\"vcs\":\"hg\"}").git()).isEmpty();
        assertThat(read("{\"worktree\":\"/w\"}")).isEqualTo(new OpenCodeClient.Project(Optional.empty(),
                "GET /project/current: no project in the answer"));
        assertThat(read("[]").git()).isEmpty();
    }

    @Test
    void whatTheServerSentIsCutAndCleanedInTheReason() throws Exception {
        OpenCodeClient.Project p = read("{\"id\":\"x\",\"vcs\":\"git\",\"worktree\":\"/a\\nb" + "c".repeat(300) + "\"}");
        assertThat(p.reason()).doesNotContain("\n").startsWith("OpenCode sees the git repository at /abccc").endsWith("...")
                .hasSize("OpenCode sees the git repository at ".length() + 203);
    }
}
