package io.flowplane.controlplane.automations;

import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.model.NotificationAttempt;
import io.flowplane.controlplane.model.NotificationDelivery;
import io.flowplane.controlplane.model.NotificationTarget;
import io.flowplane.controlplane.store.NotificationDao;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.store.Store;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Notification targets and their delivery log. */
public final class NotificationService {
    private final Store store;
    private final Clock clock;

    NotificationService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A target as created: {@code secret} signs generic webhook bodies (kept server-side, never returned). */
    public record NewTarget(String name, String kind, String url, String secret, String template) {
    }

    /** A delivery with its attempts. */
    public record Delivery(NotificationDelivery delivery, List<NotificationAttempt> attempts) {
    }

    public NotificationTarget create(NewTarget t) {
        String kind = t.kind() == null ? NotificationTarget.WEBHOOK : t.kind();
        Validator v = new Validator().name(t.name(), "name")
                .check(Set.of(NotificationTarget.WEBHOOK, NotificationTarget.SLACK).contains(kind), "kind",
                        "must be 'webhook' (JSON signed with X-Flowplane-Signature) or 'slack'")
                .check(httpUrl(t.url()), "url", "must be an absolute http:// or https:// URL")
                .check(t.secret() == null || (t.secret().length() >= 16 && t.secret().length() <= 200), "secret",
                        "must be 16-200 characters")
                .check(!NotificationTarget.WEBHOOK.equals(kind) || t.secret() != null, "secret",
                        "a webhook target signs its bodies: give a secret of 16-200 characters")
                .check(t.template() == null || t.template().length() <= 4000, "template", "must be at most 4000 characters");
        if (t.template() != null) {
            AutomationSpec.checkTemplate(v, t.template(), "template");
        }
        v.throwIfInvalid();
        Instant now = clock.instant();
        NotificationTarget target = new NotificationTarget(RowIds.next(), t.name(), kind, t.url(), t.secret(),
                t.template(), now, now);
        store.useTransaction(unit -> {
            NotificationDao dao = unit.handle().attach(NotificationDao.class);
            if (dao.targetByName(t.name()).isPresent()) {
                throw new ConflictException("a notification target named '" + t.name() + "' exists");
            }
            dao.insertTarget(target);
        });
        return target;
    }

    public NotificationTarget get(String ref) {
        return store.withDao(NotificationDao.class,
                        dao -> dao.targetByName(ref).or(() -> Notifier.asUuid(ref).flatMap(dao::target)))
                .orElseThrow(() -> new NotFoundException("notification target", ref));
    }

    public List<NotificationTarget> list() {
        return store.withDao(NotificationDao.class, NotificationDao::targets);
    }

    public void delete(String ref) {
        NotificationTarget t = get(ref);
        store.useTransaction(unit -> unit.handle().attach(NotificationDao.class).deleteTarget(t.id()));
    }

    /** The newest deliveries of a target, each with every attempt. */
    public List<Delivery> deliveries(String ref, int limit) {
        NotificationTarget t = get(ref);
        return store.withDao(NotificationDao.class, d -> d.deliveries(t.id(), limit).stream()
                .map(x -> new Delivery(x, d.attempts(x.id()))).toList());
    }

    static boolean httpUrl(String url) {
        if (url == null || url.length() > 2000) {
            return false;
        }
        try {
            URI u = URI.create(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
