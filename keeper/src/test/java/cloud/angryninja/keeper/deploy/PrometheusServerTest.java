package cloud.angryninja.keeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import cloud.angryninja.keeper.testing.Tier;

/**
 * The Prometheus test server works: it scrapes a target (itself) and answers queries; and a real
 * Prometheus accepts every expression of the dashboard and the alerts.
 */
@Tier.Integration
class PrometheusServerTest {

    @TempDir
    static Path dir;

    static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        prometheus = PrometheusServer.start(dir, Duration.ofSeconds(1),
                port -> List.of(new PrometheusServer.Target("prometheus-self", "127.0.0.1:" + port, "/metrics")));
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void itScrapesItsTargetAndAnswersQueries() {
        await("first scrape of 127.0.0.1:" + prometheus.port()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> prometheus.query("up{job=\"prometheus-self\"} == 1").size() == 1);
        JsonNode buildInfo = prometheus.query("prometheus_build_info{job=\"prometheus-self\"}");
        assertThat(buildInfo).hasSize(1);
        assertThat(buildInfo.get(0).path("metric").path("instance").asText()).isEqualTo("127.0.0.1:" + prometheus.port());
        assertThat(buildInfo.get(0).path("metric").path("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void aRealPrometheusAcceptsEveryDashboardAndAlertExpression() {
        Map<String, String> expressions = Dashboard.allExpressions();
        assertThat(expressions).hasSizeGreaterThan(15);
        expressions.forEach((where, expr) -> assertThat(prometheus.query(expr)).as(where).isNotNull());
    }

    @Test
    void aMalformedExpressionIsRejected() {
        assertThatThrownBy(() -> prometheus.query("sum by (pod (up)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad_data");
    }
}
