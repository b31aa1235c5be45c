package cloud.angryninja.keeper.k8s;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * A loopback stand-in of the Copilot API answering OpenCode 1.18.33's chat requests for {@link #MODEL}
 * ({@code POST /chat/completions}, streamed in the OpenAI chunk format) as a model that makes one edit:
 * the first turn calls OpenCode's {@code apply_patch} tool with the given patch, the turn after the
 * tool's result answers "Done." and stops. Everything else (the session title OpenCode asks of another
 * model on {@code /responses}) answers 404, which OpenCode survives with a default title.
 */
final class AgentStandIn {

    /** A Copilot model OpenCode 1.18.33 sends to {@code /chat/completions} and gives {@code apply_patch} for edits. */
    static final String MODEL = "gpt-5-mini";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentStandIn() {
    }

    static WireMockServer start(String patch) {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        // The turn after the tool ran carries the tool's result as a "tool" message.
        server.stubFor(post(urlEqualTo("/chat/completions")).atPriority(1).withRequestBody(containing("\"role\":\"tool\""))
                .willReturn(stream(Map.of("role", "assistant", "content", "Done."), "stop")));
        server.stubFor(post(urlEqualTo("/chat/completions")).atPriority(5)
                .willReturn(stream(Map.of("role", "assistant", "tool_calls", List.of(Map.of("index", 0, "id", "call_1", "type", "function",
                        "function", Map.of("name", "apply_patch", "arguments", json(Map.of("patchText", patch)))))), "tool_calls")));
        return server;
    }

    /** One streamed answer: a chunk with {@code delta}, a last one with the finish reason and usage, then [DONE]. */
    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder stream(Map<String, Object> delta, String finish) {
        String body = "data: " + chunk(delta, null) + "\n\n" + "data: " + chunk(Map.of(), finish) + "\n\n" + "data: [DONE]\n\n";
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    private static String chunk(Map<String, Object> delta, String finish) {
        Map<String, Object> choice = new java.util.LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finish);
        Map<String, Object> chunk = new java.util.LinkedHashMap<>();
        chunk.put("id", "chatcmpl-standin");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1);
        chunk.put("model", MODEL);
        chunk.put("choices", List.of(choice));
        if (finish != null) {
            chunk.put("usage", Map.of("prompt_tokens", 10, "completion_tokens", 5, "total_tokens", 15));
        }
        return json(chunk);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
