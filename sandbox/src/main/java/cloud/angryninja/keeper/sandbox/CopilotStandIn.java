package cloud.angryninja.keeper.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.function.Predicate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

/**
 * The Copilot API on a loopback WireMock, for the tokens {@code accepts} says: {@code GET /models} answers a model list
 * (the credential check of the keeper and of OpenCode), and a prompt ({@code POST /responses}, {@code POST
 * /chat/completions}) 501, for no model runs here; a token it does not accept gets 401 everywhere, as GitHub answers a
 * revoked one (OpenCode then reports the refused prompt on its event stream).
 */
public final class CopilotStandIn implements AutoCloseable {

    static final String MODELS = """
            {"object":"list","data":[%s,%s,%s]}""".formatted(model("gpt-5-mini", true), model("claude-sonnet-4.6", true),
            model("gpt-4o-mini", false));

    private final WireMockServer server;

    private CopilotStandIn(WireMockServer server) {
        this.server = server;
    }

    /** On this loopback port (0: a free one), accepting the bearer tokens {@code accepts} says at each request. */
    public static CopilotStandIn start(int port, Predicate<String> accepts) {
        Answers models = new Answers("copilot-models", r -> accepts.test(Answers.token(r, "Bearer")) ? okJson(MODELS).build()
                : refused());
        Answers prompt = new Answers("copilot-prompt", r -> accepts.test(Answers.token(r, "Bearer"))
                ? aResponse().withStatus(501).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"the sandbox runs no model\"}").build()
                : refused());
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").port(port).extensions(models, prompt));
        server.start();
        server.stubFor(get(urlPathEqualTo("/models")).willReturn(aResponse().withTransformers(models.getName())));
        for (String call : new String[] {"/responses", "/chat/completions"}) {
            server.stubFor(post(urlPathEqualTo(call)).willReturn(aResponse().withTransformers(prompt.getName())));
        }
        return new CopilotStandIn(server);
    }

    /** {@code http://127.0.0.1:<port>}: the Copilot API base URL (OpenCode's provider {@code baseURL}). */
    public String url() {
        return server.baseUrl();
    }

    @Override
    public void close() {
        server.stop();
    }

    static ResponseDefinition refused() {
        return aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody("{\"message\":\"Bad credentials\"}")
                .build();
    }

    private static String model(String id, boolean picker) {
        return """
                {"id":"%1$s","name":"%1$s","object":"model","vendor":"sandbox","version":"%1$s","model_picker_enabled":%2$s,\
                "preview":false,"capabilities":{"family":"%1$s","type":"chat","object":"model_capabilities",\
                "limits":{"max_context_window_tokens":128000,"max_output_tokens":16000,"max_prompt_tokens":112000},\
                "supports":{"streaming":true,"tool_calls":true}}}""".formatted(id, picker);
    }
}
