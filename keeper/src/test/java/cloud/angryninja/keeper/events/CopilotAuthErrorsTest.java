package cloud.angryninja.keeper.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import cloud.angryninja.keeper.testing.Tier;

/**
 * The event shape of OpenCode 1.18.33, from streams recorded on the real server
 * ({@code src/test/resources/opencode-events}: {@code GET /global/event} while a prompt went to a
 * Copilot stand-in at 127.0.0.1:18555 answering 401, then 403; {@code prompt-429.sse}: a stand-in
 * at 127.0.0.1:18429 answering every chat request 429 {@code user_weekly_rate_limited}).
 */
@Tier.Unit
class CopilotAuthErrorsTest {

    static final URI STAND_IN = URI.create("http://127.0.0.1:18555");
    static final URI GITHUB = URI.create("https://api.githubcopilot.com");
    static final URI STAND_IN_429 = URI.create("http://127.0.0.1:18429");

    private static List<Integer> statuses(String resource, URI copilotApi) throws IOException {
        List<Integer> found = new ArrayList<>();
        ServerSentEvents events = new ServerSentEvents();
        try (InputStream in = CopilotAuthErrorsTest.class.getResourceAsStream("/opencode-events/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                events.accept(line).flatMap(data -> CopilotAuthErrors.status(data, copilotApi)).ifPresent(found::add);
            }
        }
        return found;
    }

    @Test
    void aRecordedPromptRefusedWith401CountsOnce() throws IOException {
        // the stream also carries message.updated and sync events repeating the error: only session.error counts
        assertThat(statuses("prompt-401.sse", STAND_IN)).containsExactly(401);
    }

    @Test
    void aRecordedPromptRefusedWith403CountsOnce() throws IOException {
        assertThat(statuses("prompt-403.sse", STAND_IN)).containsExactly(403);
    }

    @Test
    void aRecordedPromptRateLimitedWith429CountsOnceAfterOpenCodesRetries() throws IOException {
        // OpenCode 1.18.33 retried 5 times (session.status retry events, no status code) before session.error 429
        assertThat(statuses("prompt-429.sse", STAND_IN_429)).containsExactly(429);
    }

    @Test
    void theSameErrorsAtAnotherHostAreNotCopilotCalls() throws IOException {
        assertThat(statuses("prompt-401.sse", GITHUB)).isEmpty();
    }

    private static String sessionError(String name, int status, String url) {
        return "{\"directory\":\"/w\",\"payload\":{\"type\":\"session.error\",\"properties\":{\"sessionID\":\"s\",\"error\":"
                + "{\"name\":\"" + name + "\",\"data\":{\"message\":\"m\",\"statusCode\":" + status
                + ",\"metadata\":{\"url\":\"" + url + "\"}}}}}}";
    }

    @Test
    void copilotHostsAreTheConfiguredOneGithubcopilotAndEnterprise() {
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 401, "https://api.githubcopilot.com/chat/completions"), GITHUB))
                .contains(401);
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 403, "https://api.individual.githubcopilot.com/responses"),
                STAND_IN)).contains(403);
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 401, "https://copilot-api.ghe.example.com/chat/completions"),
                GITHUB)).contains(401);
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 401, "http://127.0.0.1:18555/chat/completions"),
                STAND_IN)).contains(401);
    }

    @Test
    void otherProvidersStatusesAndErrorsDoNotCount() {
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 401, "https://api.openai.com/v1/responses"), GITHUB)).isEmpty();
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 401, "http://127.0.0.1:9999/chat/completions"), STAND_IN))
                .as("same host, another port").isEmpty();
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 429, "https://api.openai.com/v1/responses"), GITHUB))
                .as("another provider's 429").isEmpty();
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 402, "https://api.githubcopilot.com/chat/completions"), GITHUB))
                .isEmpty();
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 500, "https://api.githubcopilot.com/chat/completions"), GITHUB))
                .isEmpty();
        assertThat(CopilotAuthErrors.status(sessionError("ProviderAuthError", 401, "https://api.githubcopilot.com/x"), GITHUB))
                .isEmpty();
        assertThat(CopilotAuthErrors.status(sessionError("APIError", 401, "not a url"), GITHUB)).isEmpty();
        assertThat(CopilotAuthErrors.status("{\"payload\":{\"type\":\"session.error\",\"properties\":{}}}", GITHUB)).isEmpty();
        assertThat(CopilotAuthErrors.status("{\"payload\":{\"type\":\"session.error\"", GITHUB)).as("cut JSON").isEmpty();
    }

    @Test
    void anInstanceStreamSendsTheEventUnwrapped() {
        String bare = "{\"type\":\"session.error\",\"properties\":{\"error\":{\"name\":\"APIError\",\"data\":"
                + "{\"statusCode\":401,\"metadata\":{\"url\":\"https://api.githubcopilot.com/chat/completions\"}}}}}";
        assertThat(CopilotAuthErrors.status(bare, GITHUB)).isEqualTo(Optional.of(401));
    }

    @Test
    void serverSentEventsJoinDataLinesAndIgnoreTheRest() {
        ServerSentEvents events = new ServerSentEvents();
        assertThat(events.accept(": comment")).isEmpty();
        assertThat(events.accept("event: message")).isEmpty();
        assertThat(events.accept("data: {\"a\":")).isEmpty();
        assertThat(events.accept("data:1}")).isEmpty();
        assertThat(events.accept("")).contains("{\"a\":\n1}");
        assertThat(events.accept("")).as("a second blank line is no event").isEmpty();
        assertThat(events.accept("id: 7")).isEmpty();
        assertThat(events.accept("")).as("an event without data").isEmpty();
    }
}
