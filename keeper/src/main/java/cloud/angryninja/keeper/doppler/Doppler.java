package cloud.angryninja.keeper.doppler;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;

import cloud.angryninja.keeper.callout.FixedHeaders;
import cloud.angryninja.keeper.callout.RestClients;

/**
 * Reads and writes the workspaces' secrets in one Doppler config.
 * <p>
 * 429 waits for {@code Retry-After}; 5xx, timeouts and connection errors retry with exponential backoff;
 * both bounded by {@code keeper.doppler.max-retries} and {@code keeper.doppler.retry-max-duration}
 * (SmallRye Fault Tolerance {@link Guard}). A final failure is a {@link DopplerException} whose message
 * never holds the token or a secret value.
 */
@ApplicationScoped
public class Doppler {

    private static final Logger LOG = Logger.getLogger(Doppler.class);
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final DopplerConfig config;
    private final Guard guard;
    private volatile DopplerClient client;

    public Doppler(DopplerConfig config) {
        this.config = config;
        this.guard = Guard.create()
                .withDescription("doppler")
                .withRetry()
                .maxRetries(config.maxRetries())
                .delay(config.retryDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .maxDuration(config.retryMaxDuration().toMillis(), ChronoUnit.MILLIS)
                .retryOn(DopplerTransientException.class)
                .withCustomBackoff()
                .strategy(() -> new RetryAfterBackoff(config.maxRetryDelay().toMillis()))
                .done()
                .done()
                .build();
    }

    /**
     * Current raw value of each named secret, in the given order; empty when Doppler has no such secret.
     * One GET per name.
     */
    public Map<String, Optional<String>> read(Collection<String> names) {
        Target target = target("read", names);
        requireNames("read", names);
        Map<String, Optional<String>> values = new LinkedHashMap<>();
        for (String name : names) {
            String operation = "read of secret " + name + " from " + target;
            values.put(name, call(operation, List.of(), attempt -> readOne(target, name, operation)));
        }
        return values;
    }

    /** Sets every given secret in one {@code POST /v3/configs/config/secrets}, atomically in Doppler. */
    public void write(Map<String, String> secrets) {
        Target target = target("write", secrets == null ? List.of() : secrets.keySet());
        if (secrets == null || secrets.isEmpty()) {
            throw new DopplerException(DopplerException.Reason.NOT_CONFIGURED, "Doppler write: no secrets given", 0);
        }
        requireNames("write", secrets.keySet());
        secrets.forEach((name, value) -> {
            if (value == null) {
                throw new DopplerException(DopplerException.Reason.NOT_CONFIGURED,
                        "Doppler write: secret " + name + " has no value", 0);
            }
        });
        String operation = "write of " + secrets.size() + " secret(s) " + secrets.keySet() + " to " + target;
        DopplerModels.WriteRequest body = new DopplerModels.WriteRequest(target.project(), target.config(), Map.copyOf(secrets));
        call(operation, secrets.values(), attempt -> {
            try (Response response = client(target).writeSecrets(body)) {
                if (response.getStatus() / 100 == 2) {
                    return Boolean.TRUE;
                }
                throw failure(operation, response, secrets.values(), target);
            }
        });
        LOG.infof("Doppler %s: done", operation);
    }

    private Optional<String> readOne(Target target, String name, String operation) {
        try (Response response = client(target).readSecret(target.project(), target.config(), name)) {
            if (response.getStatus() == 404) {
                return Optional.empty();
            }
            if (response.getStatus() / 100 == 2) {
                DopplerModels.SecretReply reply = response.readEntity(DopplerModels.SecretReply.class);
                return Optional.ofNullable(reply.value()).map(DopplerModels.SecretValue::raw);
            }
            throw failure(operation, response, List.of(), target);
        }
    }

    /** Runs one Doppler call under the retry guard and turns its last failure into a {@link DopplerException}. */
    private <T> T call(String operation, Collection<String> secretValues, Attempt<T> attempt) {
        AtomicInteger attempts = new AtomicInteger();
        Callable<T> once = () -> {
            int n = attempts.incrementAndGet();
            DopplerTransientException retryable;
            try {
                return attempt.run(n);
            } catch (ProcessingException e) {
                retryable = new DopplerTransientException("Doppler unreachable (" + describe(e) + ")", Optional.empty());
            } catch (DopplerTransientException e) {
                retryable = e;
            }
            LOG.warnf("Doppler %s: attempt %d failed: %s", operation, n, retryable.getMessage());
            throw retryable;
        };
        try {
            @SuppressWarnings("unchecked")
            Class<T> type = (Class<T>) Object.class;
            return guard.call(once, type);
        } catch (DopplerException e) {
            throw new DopplerException(e.reason(), e.getMessage(), attempts.get());
        } catch (DopplerTransientException e) {
            throw new DopplerException(DopplerException.Reason.UNAVAILABLE,
                    "Doppler " + operation + " failed after " + attempts.get() + " attempt(s): " + e.getMessage(), attempts.get());
        } catch (Exception e) {
            throw new DopplerException(DopplerException.Reason.UNAVAILABLE,
                    "Doppler " + operation + " failed after " + attempts.get() + " attempt(s): " + describe(e), attempts.get());
        }
    }

    /** Classifies a non-2xx answer: retryable (429, 5xx) or final. */
    private RuntimeException failure(String operation, Response response, Collection<String> secretValues, Target target) {
        int status = response.getStatus();
        String said = dopplerMessages(response, secretValues, target.token());
        if (status == 429) {
            Optional<Duration> retryAfter = retryAfter(response.getHeaderString("Retry-After"));
            if (retryAfter.isPresent() && retryAfter.get().compareTo(config.maxRetryAfter()) > 0) {
                return new DopplerException(DopplerException.Reason.UNAVAILABLE, "Doppler " + operation
                        + " rate-limited: Retry-After " + retryAfter.get().toSeconds() + " s exceeds keeper.doppler.max-retry-after ("
                        + config.maxRetryAfter().toSeconds() + " s)" + said, 0);
            }
            return new DopplerTransientException("HTTP 429 rate-limited"
                    + retryAfter.map(d -> ", Retry-After " + d.toSeconds() + " s").orElse("") + said, retryAfter);
        }
        if (status >= 500) {
            return new DopplerTransientException("HTTP " + status + said, Optional.empty());
        }
        if (status == 401 || status == 403) {
            return new DopplerException(DopplerException.Reason.UNAUTHORIZED, "Doppler " + operation + " refused: HTTP " + status
                    + " (check keeper.doppler.token and its access to the project/config)" + said, 0);
        }
        return new DopplerException(DopplerException.Reason.REJECTED, "Doppler " + operation + " refused: HTTP " + status + said, 0);
    }

    /** Doppler's own error messages, unless one of them echoes the token or a secret value. */
    private static String dopplerMessages(Response response, Collection<String> secretValues, String token) {
        List<String> messages;
        try {
            DopplerModels.ErrorReply reply = response.readEntity(DopplerModels.ErrorReply.class);
            messages = reply == null || reply.messages() == null ? List.of() : reply.messages();
        } catch (RuntimeException e) {
            return "";
        }
        if (messages.isEmpty()) {
            return "";
        }
        for (String message : messages) {
            if (message == null || message.contains(token)
                    || secretValues.stream().anyMatch(v -> !v.isEmpty() && message.contains(v))) {
                return "; Doppler says: (message withheld: it echoes a secret)";
            }
        }
        return "; Doppler says: " + String.join("; ", messages);
    }

    static Optional<Duration> retryAfter(String header) {
        return retryAfter(header, Instant.now());
    }

    /**
     * Pure: {@code Retry-After} as delay-seconds or as an HTTP date (RFC 9110: IMF-fixdate, and the obsolete asctime
     * form); a date in the past is no wait; anything else is absent.
     */
    static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // more digits than a long: no usable value
            }
        }
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                Instant at = ZonedDateTime.parse(value, format).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait.truncatedTo(ChronoUnit.SECONDS));
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        return Optional.empty();
    }

    /** IMF-fixdate and asctime, HTTP-date forms of RFC 9110 section 5.6.7, in GMT. */
    private static final List<DateTimeFormatter> HTTP_DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName();
        return name.toLowerCase().contains("timeout") ? "timed out: " + name : name;
    }

    private Target target(String operation, Collection<String> names) {
        String missing = config.token().filter(t -> !t.isBlank()).isEmpty() ? "keeper.doppler.token"
                : config.project().filter(p -> !p.isBlank()).isEmpty() ? "keeper.doppler.project"
                : config.config().filter(c -> !c.isBlank()).isEmpty() ? "keeper.doppler.config"
                : null;
        if (missing != null) {
            throw new DopplerException(DopplerException.Reason.NOT_CONFIGURED,
                    "Doppler " + operation + " of " + names + " impossible: " + missing + " is not set", 0);
        }
        return new Target(config.token().orElseThrow(), config.project().orElseThrow(), config.config().orElseThrow());
    }

    private static void requireNames(String operation, Collection<String> names) {
        if (names == null || names.isEmpty()) {
            throw new DopplerException(DopplerException.Reason.NOT_CONFIGURED, "Doppler " + operation + ": no secret names given", 0);
        }
        for (String name : names) {
            if (name == null || !SECRET_NAME.matcher(name).matches()) {
                throw new DopplerException(DopplerException.Reason.NOT_CONFIGURED,
                        "Doppler " + operation + ": invalid secret name '" + name + "' (letters, digits and _ only)", 0);
            }
        }
    }

    /** The client, built at the first call: the config's API URL, timeouts and token. */
    private DopplerClient client(Target target) {
        DopplerClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = RestClients.builder(URI.create(config.apiUrl()), config.connectTimeout(), config.requestTimeout(), null)
                            .register(new FixedHeaders(Map.of("Authorization", target.authorization())))
                            .build(DopplerClient.class);
                }
                c = client;
            }
        }
        return c;
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run(int attempt);
    }

    /** The Doppler config a call goes to; {@code toString} shows project/config only. */
    private record Target(String token, String project, String config) {
        String authorization() {
            return "Bearer " + token;
        }

        @Override
        public String toString() {
            return project + "/" + config;
        }
    }

    /** Waits {@code Retry-After} after a 429, otherwise doubles the delay up to a bound. */
    static final class RetryAfterBackoff implements CustomBackoffStrategy {
        private final long maxDelayMillis;
        private long nextMillis;

        RetryAfterBackoff(long maxDelayMillis) {
            this.maxDelayMillis = maxDelayMillis;
        }

        @Override
        public void init(long initialDelayInMillis) {
            nextMillis = initialDelayInMillis;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            if (cause instanceof DopplerTransientException t && t.retryAfter().isPresent()) {
                return t.retryAfter().get().toMillis();
            }
            long delay = Math.min(nextMillis, maxDelayMillis);
            nextMillis = Math.min(nextMillis * 2, maxDelayMillis);
            return delay;
        }
    }
}
