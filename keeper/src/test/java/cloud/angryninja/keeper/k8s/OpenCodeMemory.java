package cloud.angryninja.keeper.k8s;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import cloud.angryninja.keeper.opencode.OpenCodeClient;
import cloud.angryninja.keeper.sandbox.OpenCodeProcess;

/**
 * Measures the memory of the real OpenCode server (npm opencode-ai, the pinned version) through the
 * life of a workspace: started, a session created, a prompt answered by a Copilot stand-in on
 * loopback. Reads VmRSS / RssAnon / RssFile of the server and its child processes from
 * /proc/&lt;pid&gt;/status every 100 ms and keeps the peaks.
 *
 * <p>Reproduce: {@code ./mvnw -q test -Dtest=OpenCodeMemoryTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (prints the figures and writes them to target/opencode-memory.txt).
 */
final class OpenCodeMemory {

    /** Kilobytes of the process tree at one moment. */
    record Sample(long rssKb, long anonKb, long fileKb) {
        static final Sample ZERO = new Sample(0, 0, 0);

        Sample plus(Sample o) {
            return new Sample(rssKb + o.rssKb, anonKb + o.anonKb, fileKb + o.fileKb);
        }

        @Override
        public String toString() {
            return String.format("RSS %d MiB (anon %d MiB, file %d MiB)", rssKb / 1024, anonKb / 1024, fileKb / 1024);
        }
    }

    /** The figures of one run. */
    record Result(Sample started, Sample sessionCreated, Sample afterPrompt, long peakRssKb, long peakAnonKb,
            int promptStatus, boolean promptAnswered) {
        String report() {
            return "opencode " + cloud.angryninja.keeper.sandbox.OpenCodeInstall.VERSION + " memory (server + children):\n"
                    + "  started (idle):        " + started + "\n"
                    + "  session created:       " + sessionCreated + "\n"
                    + "  prompt answered:       " + afterPrompt + " (HTTP " + promptStatus + ", answered: " + promptAnswered + ")\n"
                    + "  peak over the run:     RSS " + peakRssKb / 1024 + " MiB, anon " + peakAnonKb / 1024 + " MiB\n";
        }
    }

    private OpenCodeMemory() {
    }

    static Sample sample(ProcessHandle root) {
        Sample total = read(root.pid());
        for (ProcessHandle child : root.descendants().toList()) {
            total = total.plus(read(child.pid()));
        }
        return total;
    }

    private static Sample read(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            long rss = 0, anon = 0, file = 0;
            for (String line : lines.toList()) {
                String[] parts = line.split("\\s+");
                switch (parts[0]) {
                    case "VmRSS:" -> rss = Long.parseLong(parts[1]);
                    case "RssAnon:" -> anon = Long.parseLong(parts[1]);
                    case "RssFile:" -> file = Long.parseLong(parts[1]);
                    default -> {
                    }
                }
            }
            return new Sample(rss, anon, file);
        } catch (IOException | RuntimeException e) {
            return Sample.ZERO; // the process ended meanwhile
        }
    }

    static Result measure(Path root) throws Exception {
        WireMockServer copilot = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        copilot.start();
        copilot.stubFor(WireMock.get(WireMock.urlPathEqualTo("/models")).willReturn(WireMock.aResponse().withStatus(401)));
        copilot.stubFor(WireMock.post(WireMock.urlPathEqualTo("/chat/completions")).willReturn(WireMock.aResponse()
                .withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(chatCompletionStream())));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        String authJson = "{\"github-copilot\":{\"type\":\"oauth\",\"refresh\":\"gho_memory\",\"access\":\"gho_memory\",\"expires\":0}}";
        try (OpenCodeProcess server = OpenCodeProcess.start(OpenCodeProcess.Options.of(root, "memory-pw")
                .withCopilotBaseUrl("http://127.0.0.1:" + copilot.port()).withAuthJson(authJson)
                // the JIT as in the image (OpenCodeProcess.LEAN_JIT is for short-lived servers): memory as the pod has it
                .withEnv(Map.of("BUN_JSC_useFTLJIT", "1")), Duration.ofSeconds(90))) {
            ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
            AtomicLong peakRss = new AtomicLong();
            AtomicLong peakAnon = new AtomicLong();
            sampler.scheduleAtFixedRate(() -> {
                Sample s = sample(handle);
                peakRss.accumulateAndGet(s.rssKb(), Math::max);
                peakAnon.accumulateAndGet(s.anonKb(), Math::max);
            }, 0, 100, TimeUnit.MILLISECONDS);

            Sample started = sample(handle);
            HttpResponse<String> session = post(server, "/session", "{}");
            if (session.statusCode() != 200) {
                throw new IllegalStateException("POST /session answered " + session.statusCode());
            }
            String id = new ObjectMapper().readTree(session.body()).path("id").asText();
            Sample sessionCreated = sample(handle);
            HttpResponse<String> prompt = post(server, "/session/" + id + "/message",
                    "{\"model\":{\"providerID\":\"github-copilot\",\"modelID\":\"gpt-5-mini\"},\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}");
            boolean answered = prompt.statusCode() == 200 && prompt.body().contains("stand-in answer");
            if (!answered) {
                System.err.println("prompt answer: HTTP " + prompt.statusCode() + " " + prompt.body().substring(0, Math.min(600, prompt.body().length()))
                        + "\nstand-in saw: " + copilot.getAllServeEvents().stream().map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()).toList());
            }
            Sample afterPrompt = sample(handle);
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            for (Sample s : new Sample[] {started, sessionCreated, afterPrompt}) {
                peakRss.accumulateAndGet(s.rssKb(), Math::max);
                peakAnon.accumulateAndGet(s.anonKb(), Math::max);
            }
            return new Result(started, sessionCreated, afterPrompt, peakRss.get(), peakAnon.get(), prompt.statusCode(), answered);
        } finally {
            sampler.shutdownNow();
            copilot.stop();
        }
    }

    private static HttpResponse<String> post(OpenCodeProcess server, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .header("Authorization", OpenCodeClient.basicAuth(OpenCodeProcess.USERNAME, server.password()))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String chatCompletionStream() {
        String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,";
        return "data: " + chunk + "\"delta\":{\"role\":\"assistant\",\"content\":\"stand-in answer\"},\"finish_reason\":null}]}\n\n"
                + "data: " + chunk + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n"
                + "data: [DONE]\n\n";
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory("opencode-memory");
        System.out.print(measure(root).report());
    }
}
