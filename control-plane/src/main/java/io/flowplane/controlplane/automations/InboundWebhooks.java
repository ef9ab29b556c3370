package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.eventlog.EventDraft;
import io.flowplane.controlplane.eventlog.EventSink;
import io.flowplane.controlplane.eventlog.EventTypes;
import io.flowplane.controlplane.model.InboundWebhook;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.WebhookDao;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inbound webhooks: an external system POSTs JSON with the webhook's secret, and the body becomes
 * a {@code webhook.received} event (its fields are {@code event.payload.*} in templates), which
 * automations trigger on. The secret is shown once at creation; only its SHA-256 is stored.
 */
public final class InboundWebhooks {
    /** Bodies are metadata, not data: the event log is no place for a large document. */
    static final int MAX_BODY_CHARS = 16 * 1024;

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final EventSink events;
    private final SecureRandom random = new SecureRandom();

    InboundWebhooks(Store store, Clock clock, Json json, EventSink events) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.events = events;
    }

    /** The webhook and its secret (shown this once). */
    public record Created(InboundWebhook webhook, String secret) {
    }

    public Created create(String name) {
        new Validator().name(name, "name").throwIfInvalid();
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        String secret = "whs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        InboundWebhook w = new InboundWebhook(RowIds.next(), name, Json.sha256(secret), clock.instant());
        store.useTransaction(unit -> {
            WebhookDao dao = unit.handle().attach(WebhookDao.class);
            if (dao.findByName(name).isPresent()) {
                throw new ConflictException("an inbound webhook named '" + name + "' exists");
            }
            dao.insert(w);
        });
        return new Created(w, secret);
    }

    public List<InboundWebhook> list() {
        return store.withDao(WebhookDao.class, WebhookDao::list);
    }

    public InboundWebhook get(String ref) {
        return store.withDao(WebhookDao.class,
                        dao -> Notifier.asUuid(ref).flatMap(dao::find).or(() -> dao.findByName(ref)))
                .orElseThrow(() -> new NotFoundException("inbound webhook", ref));
    }

    public void delete(String ref) {
        InboundWebhook w = get(ref);
        store.useTransaction(unit -> unit.handle().attach(WebhookDao.class).delete(w.id()));
    }

    /**
     * Records the body as an event if {@code secret} is the webhook's; empty (and nothing
     * recorded) for an unknown webhook or a wrong or missing secret, which the caller answers
     * alike with 401, so the answer tells nothing about which webhooks exist.
     */
    public Optional<Long> receive(String id, String secret, JsonNode body) {
        Optional<InboundWebhook> found = Notifier.asUuid(id)
                .flatMap(uuid -> store.withDao(WebhookDao.class, d -> d.find(uuid)));
        byte[] expected = found.map(w -> w.secretHash().getBytes(StandardCharsets.UTF_8)).orElse(new byte[64]);
        byte[] given = Json.sha256(secret == null ? "" : secret).getBytes(StandardCharsets.UTF_8);
        if (found.isEmpty() || secret == null || !MessageDigest.isEqual(expected, given)) {
            return Optional.empty();
        }
        if (body == null || !body.isObject()) {
            throw new ValidationException("body", "must be a JSON object");
        }
        String text = json.write(body);
        if (text.length() > MAX_BODY_CHARS) {
            throw new ValidationException("body", "must be at most " + MAX_BODY_CHARS + " characters of JSON");
        }
        InboundWebhook w = found.get();
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = json.mapper().convertValue(body, Map.class);
        store.useTransaction(unit -> events.record(unit, EventDraft.of(EventTypes.WEBHOOK_RECEIVED, "webhook",
                w.id().toString(), w.name(), payload)));
        return Optional.of(0L);
    }

}
