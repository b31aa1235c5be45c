package cloud.angryninja.keeper.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import cloud.angryninja.keeper.testing.Tier;

/**
 * Refused Copilot requests as one stream reports them, read event by event. {@code prompt-429-quota.sse} was recorded
 * from the real OpenCode 1.18.33 ({@code GET /global/event}) while a prompt on github-copilot/gpt-5-mini went to a
 * loopback Copilot stand-in at 127.0.0.1:18430 answering every chat request {@code 429} with
 * {@code retry-after: 1209600} (14 days) and GitHub's {@code user_weekly_rate_limited} body: OpenCode sent one
 * {@code session.status} retry ({@code attempt: 1}, {@code next} 14 days on) and nothing more but heartbeats.
 */
@Tier.Unit
class CopilotRefusalsTest {

    static final URI STAND_IN_QUOTA = URI.create("http://127.0.0.1:18430");

    private static String stream(String resource) throws IOException {
        try (InputStream in = CopilotRefusalsTest.class.getResourceAsStream("/opencode-events/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Integer> statuses(String text, URI copilotApi) {
        List<Integer> found = new ArrayList<>();
        ServerSentEvents events = new ServerSentEvents();
        CopilotRefusals refusals = new CopilotRefusals(copilotApi);
        for (String line : text.split("\n", -1)) {
            events.accept(line).flatMap(refusals::status).ifPresent(found::add);
        }
        return found;
    }

    @Test
    void aQuotaWaitOfDaysIsOneRetryAndCountsAs429() throws IOException {
        String recorded = stream("prompt-429-quota.sse");
        assertThat(recorded).as("the recording: one retry, no session.error").contains("\"type\":\"retry\",\"attempt\":1")
                .doesNotContain("session.error");

        assertThat(statuses(recorded, STAND_IN_QUOTA)).containsExactly(429);
    }

    @Test
    void theShortRetriesAndTheFinalErrorEachCount() throws IOException {
        // prompt-429.sse: five retries 2 s apart and doubling, then session.error 429 (CopilotAuthErrorsTest)
        assertThat(statuses(stream("prompt-429.sse"), CopilotAuthErrorsTest.STAND_IN_429)).containsExactly(429, 429, 429, 429, 429, 429);
    }

    @Test
    void refusedCredentialsCountAsBefore() throws IOException {
        assertThat(statuses(stream("prompt-401.sse"), CopilotAuthErrorsTest.STAND_IN)).containsExactly(401);
        assertThat(statuses(stream("prompt-403.sse"), CopilotAuthErrorsTest.STAND_IN)).containsExactly(403);
    }

    @Test
    void aRetryOfAnotherProvidersSessionDoesNotCount() throws IOException {
        String otherProvider = stream("prompt-429-quota.sse").replace("\"providerID\":\"github-copilot\"", "\"providerID\":\"anthropic\"");
        assertThat(otherProvider).doesNotContain("\"providerID\":\"github-copilot\"");
        assertThat(statuses(otherProvider, STAND_IN_QUOTA)).isEmpty();
    }

    @Test
    void aRetryOfASessionWhoseModelWasNeverSeenDoesNotCount() throws IOException {
        String retriesOnly = String.join("\n", stream("prompt-429-quota.sse").lines()
                .filter(l -> !l.contains("message.updated")).toList());
        assertThat(statuses(retriesOnly, STAND_IN_QUOTA)).isEmpty();
    }

    @Test
    void onlyARetryThatNamesARateLimitOrQuotaCounts() {
        String model = "data: {\"payload\":{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"m\",\"sessionID\":\"s\","
                + "\"role\":\"assistant\",\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"}}}}\n\n";
        for (String message : List.of("Too Many Requests: quota exceeded", "Sorry, you have been rate-limited.", "HTTP 429",
                "user_weekly_rate_limited", "Usage limit reached")) {
            assertThat(statuses(model + retry("s", message), STAND_IN_QUOTA)).as(message).containsExactly(429);
        }
        for (String message : List.of("Provider is overloaded", "fetch failed", "Internal server error 500")) {
            assertThat(statuses(model + retry("s", message), STAND_IN_QUOTA)).as(message).isEmpty();
        }
        assertThat(statuses(model + retry("other-session", "Too Many Requests"), STAND_IN_QUOTA)).as("another session").isEmpty();
        String userMessage = "data: {\"payload\":{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"u\",\"sessionID\":\"t\","
                + "\"role\":\"user\",\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"}}}}}\n\n";
        assertThat(statuses(userMessage + retry("t", "quota exceeded"), STAND_IN_QUOTA)).as("a user's message names the model")
                .containsExactly(429);
    }

    private static String retry(String session, String message) {
        return "data: {\"payload\":{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"" + session + "\",\"status\":"
                + "{\"type\":\"retry\",\"attempt\":1,\"message\":\"" + message + "\",\"next\":1797833832678}}}}\n\n";
    }
}
