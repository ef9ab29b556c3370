package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.model.NotificationDelivery;
import io.flowplane.controlplane.model.NotificationTarget;
import io.flowplane.controlplane.store.NotificationDao;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Notifications: a notify action queues one delivery (its body built once, so every attempt
 * sends the same bytes), and deliveries are POSTed to their target until it answers 2xx, with
 * exponential backoff, each attempt in the delivery log. At least once: the body carries the
 * event id so a receiver can de-duplicate. Generic targets get an {@code X-Flowplane-Signature:
 * sha256=<hex HMAC-SHA256 of the body>} header keyed by the target's secret. Neither the secret
 * nor the URL (a Slack URL is a credential) is ever logged.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    public static final String SIGNATURE_HEADER = "X-Flowplane-Signature";
    static final String DEFAULT_TEMPLATE = "{{ automation.name }}: {{ firing.reason }}";

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final Duration retryDelay;
    private final int maxAttempts;
    private final Duration timeout;
    private final HttpClient http;

    Notifier(Store store, Clock clock, Json json, Duration retryDelay, int maxAttempts, Duration timeout) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.retryDelay = retryDelay;
        this.maxAttempts = maxAttempts;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Queues the delivery of a notify action (once per action, however often it is executed); returns its id. */
    UUID enqueue(UUID actionId, JsonNode action) {
        return store.inTransaction(unit -> {
            NotificationDao dao = unit.handle().attach(NotificationDao.class);
            String targetName = action.path("target").asText();
            NotificationTarget target = dao.targetByName(targetName)
                    .or(() -> asUuid(targetName).flatMap(dao::target))
                    .orElseThrow(() -> new NotFoundException("notification target", targetName));
            if (dao.countForAction(actionId) > 0) {
                return dao.deliveries(target.id(), 1000).stream().filter(d -> d.actionId().equals(actionId))
                        .findFirst().map(NotificationDelivery::id).orElse(null);
            }
            Map<String, String> context = new LinkedHashMap<>();
            action.path("context").fields().forEachRemaining(e -> context.put(e.getKey(), e.getValue().asText()));
            String template = action.path("message").isTextual() ? null
                    : target.template() == null ? DEFAULT_TEMPLATE : target.template();
            String message = template == null ? action.get("message").asText() : Templates.render(template, context);
            Long eventId = action.path("eventId").isNumber() ? action.get("eventId").asLong() : null;
            String body = NotificationTarget.SLACK.equals(target.kind()) ? slackBody(message, eventId, context)
                    : genericBody(message, eventId, context);
            Instant now = clock.instant();
            UUID id = RowIds.next();
            dao.insertDelivery(new NotificationDelivery(id, target.id(), actionId, eventId, body, "PENDING", 0, now,
                    null, null, now, now));
            return id;
        });
    }

    private String genericBody(String message, Long eventId, Map<String, String> c) {
        ObjectNode root = json.mapper().createObjectNode();
        if (eventId != null) {
            root.put("eventId", eventId);
        }
        root.put("message", message);
        ObjectNode automation = root.putObject("automation");
        automation.put("id", c.get("automation.id"));
        automation.put("name", c.get("automation.name"));
        root.put("firingId", c.get("firing.id"));
        root.put("reason", c.get("firing.reason"));
        if (eventId != null) {
            ObjectNode event = root.putObject("event");
            for (Map.Entry<String, String> e : c.entrySet()) {
                if (e.getKey().startsWith("event.") && !e.getKey().equals("event.id")) {
                    put(event, e.getKey().substring("event.".length()), e.getValue());
                }
            }
            event.put("id", eventId);
        }
        return json.write(root);
    }

    /** {"event": {"run": {"id": …}}} from "run.id". */
    private static void put(ObjectNode node, String path, String value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            node.put(path, value);
        } else {
            ObjectNode child = node.has(path.substring(0, dot)) && node.get(path.substring(0, dot)).isObject()
                    ? (ObjectNode) node.get(path.substring(0, dot)) : node.putObject(path.substring(0, dot));
            put(child, path.substring(dot + 1), value);
        }
    }

    private String slackBody(String message, Long eventId, Map<String, String> c) {
        ObjectNode root = json.mapper().createObjectNode();
        root.put("text", message);
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        ObjectNode text = section.putObject("text");
        text.put("type", "mrkdwn");
        text.put("text", message);
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        ObjectNode element = context.putArray("elements").addObject();
        element.put("type", "mrkdwn");
        element.put("text", "Flowplane automation " + c.get("automation.name")
                + (eventId == null ? "" : " · event " + eventId) + " · firing " + c.get("firing.id"));
        return json.write(root);
    }

    /** POSTs every delivery due now once; returns how many attempts it made. */
    public synchronized int deliverDue() {
        List<NotificationDelivery> due = store.withDao(NotificationDao.class, d -> d.due(clock.instant()));
        for (NotificationDelivery d : due) {
            attempt(d);
        }
        return due.size();
    }

    Optional<Instant> nextDue() {
        return store.withDao(NotificationDao.class, NotificationDao::nextDue);
    }

    private void attempt(NotificationDelivery d) {
        NotificationTarget target = store.withDao(NotificationDao.class, dao -> dao.target(d.targetId()))
                .orElse(null);
        if (target == null) {
            return; // deleted with its deliveries
        }
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Integer status = null;
        String error = null;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url())).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "flowplane-notifier")
                    .header("X-Flowplane-Delivery", d.id().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8));
            if (d.eventId() != null) {
                request.header("X-Flowplane-Event-Id", d.eventId().toString());
            }
            if (target.secret() != null && !NotificationTarget.SLACK.equals(target.kind())) {
                request.header(SIGNATURE_HEADER, signature(target.secret(), d.body()));
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            if (status < 200 || status >= 300) {
                error = "the receiver answered " + status;
            }
        } catch (java.io.IOException e) {
            error = failure(e, URI.create(target.url()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Instant now = clock.instant();
        int attempts = d.attempts() + 1;
        boolean ok = error == null;
        boolean giveUp = !ok && attempts >= maxAttempts;
        Instant next = ok || giveUp ? now : now.plus(retryDelay.multipliedBy(1L << Math.min(attempts - 1, 20)));
        String shortError = error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error;
        NotificationDelivery updated = new NotificationDelivery(d.id(), d.targetId(), d.actionId(), d.eventId(), d.body(),
                ok ? "DONE" : giveUp ? "FAILED" : "PENDING", attempts, next, status, shortError, d.createdAt(), now);
        Integer code = status;
        String err = shortError;
        store.useTransaction(unit -> {
            NotificationDao dao = unit.handle().attach(NotificationDao.class);
            dao.insertAttempt(d.id(), started, code, err, ms);
            dao.update(updated);
        });
        if (!ok) {
            LOG.info("notification {} to target '{}' failed (attempt {} of {}): {}", d.id(), target.name(), attempts,
                    maxAttempts, code != null ? "HTTP " + code : "no answer");
        }
    }

    /** "sha256=" and the lower-case hex HMAC-SHA256 of {@code body} under {@code secret}. */
    public static String signature(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static Optional<UUID> asUuid(String ref) {
        try {
            return Optional.of(UUID.fromString(ref));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }


    /**
     * A failed delivery in the words of the delivery log (shown to users), not Java's: the
     * exception's class says what happened, its message (often none) the detail.
     */
    static String failure(java.io.IOException e, URI url) {
        String where = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage() + ")";
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "could not connect to " + where + " in time" + detail;
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "the receiver did not answer in time" + detail;
        }
        if (e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException) {
            return "could not connect to " + where + detail;
        }
        if (e instanceof java.net.UnknownHostException || e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host " + url.getHost();
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS with " + where + " failed" + detail;
        }
        return "the delivery to " + where + " failed" + detail;
    }
}
