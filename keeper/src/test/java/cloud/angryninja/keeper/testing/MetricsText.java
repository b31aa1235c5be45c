package cloud.angryninja.keeper.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of the keeper's {@code /q/metrics} text (Prometheus exposition format). */
public final class MetricsText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private MetricsText() {
    }

    /** The keeper's metrics now. */
    public static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the sample with exactly these labels, if the text has it. */
    public static Optional<Double> value(String text, String name, Map<String, String> labels) {
        Map<String, String> wanted = new TreeMap<>(labels);
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    found.put(l.group(1), l.group(2));
                }
            }
            if (found.equals(wanted)) {
                return Optional.of(Double.parseDouble(m.group(4)));
            }
        }
        return Optional.empty();
    }

    /** The value of the workspace's sample of {@code name} (only label: workspace), scraped now. */
    public static Optional<Double> workspace(String name, String workspace) {
        return value(scrape(), name, Map.of("workspace", workspace));
    }
}
