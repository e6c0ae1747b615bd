package dev.vcdn.origin.recording;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Recordings in an S3-compatible object store (AWS S3, MinIO, Ceph, R2, s3proxy), so that every
 * origin of a cluster writes and serves the same recordings. Requests are signed with
 * {@link SigV4} and sent with the Vert.x HTTP client, path-style ({@code endpoint/bucket/key}).
 * Answers are bounded in size; listings are parsed on a worker with DTDs refused.
 */
public final class S3RecordingStore implements RecordingStore {

    /**
     * Where and how to reach the bucket.
     *
     * @param endpoint {@code https://s3.eu-west-1.amazonaws.com}, {@code http://minio:9000}
     */
    public record Settings(URI endpoint, String bucket, String region, String accessKey, String secretKey) {

        /** Never the secret: a config printed in a log or an exception keeps it. */
        @Override
        public String toString() {
            return "S3 " + endpoint + "/" + bucket + " (" + region + ", key " + accessKey + ")";
        }
    }

    /** Largest object read back: a segment of the highest rung is a few MB. */
    static final int MAX_OBJECT_BYTES = 64 * 1024 * 1024;
    /** Largest listing page (1,000 keys are about 300 KB). */
    static final int MAX_LISTING_BYTES = 8 * 1024 * 1024;
    /**
     * Pages of 1,000 names one folder listing may take: a rendition's folder holds 43,200 segments a
     * day, so a recording of up to about 11 days.
     */
    static final int MAX_LISTING_PAGES = 500;
    private static final int DELETES_AT_ONCE = 16;
    private static final long TIMEOUT_MILLIS = 30_000;
    /** A write that failed for want of the server (5xx, a connection lost) is tried again after these pauses. */
    private static final long[] RETRY_AFTER_MILLIS = {1_000, 3_000};

    private final Vertx vertx;
    private final WorkerExecutor workers;
    /** Where requests are made and answered: the creator's event loop (the origin's), or one of its own. */
    private final Context context;
    private final HttpClient client;
    private final Settings settings;
    private final SigV4 signer;
    private final Clock clock;
    private final String hostHeader;

    /**
     * @param workers the recordings' own blocking threads: payload hashes and listings are made there,
     *                not on the event loop that calls
     */
    public S3RecordingStore(Vertx vertx, WorkerExecutor workers, HttpClient client, Settings settings, Clock clock) {
        this.vertx = vertx;
        this.workers = workers;
        this.context = vertx.getOrCreateContext();
        this.client = client;
        this.settings = settings;
        this.signer = new SigV4(settings.accessKey(), settings.secretKey(), settings.region());
        this.clock = clock;
        URI endpoint = settings.endpoint();
        boolean defaultPort = endpoint.getPort() < 0
                || (endpoint.getPort() == 443 && "https".equals(endpoint.getScheme()))
                || (endpoint.getPort() == 80 && "http".equals(endpoint.getScheme()));
        this.hostHeader = endpoint.getHost() + (defaultPort ? "" : ":" + endpoint.getPort());
    }

    private record Answer(int status, Buffer body) {
    }

    /** Creates the bucket (tests, and operators trying it out); one that exists already is fine. */
    public Future<Void> createBucket() {
        return send(HttpMethod.PUT, "/" + settings.bucket(), Map.of(), Buffer.buffer(), null, MAX_LISTING_BYTES)
                .compose(answer -> answer.status() == 200 || answer.status() == 409 ? Future.succeededFuture()
                        : failed("create bucket", answer));
    }

    @Override
    public Future<Void> put(String key, Buffer bytes, String contentType) {
        return put(key, bytes, contentType, 0);
    }

    private Future<Void> put(String key, Buffer bytes, String contentType, int retry) {
        return send(HttpMethod.PUT, objectPath(key), Map.of(), bytes, contentType, MAX_LISTING_BYTES)
                .transform(done -> {
                    if (done.succeeded() && done.result().status() == 200) {
                        return Future.<Void>succeededFuture();
                    }
                    boolean worthRetrying = done.failed() || done.result().status() >= 500;
                    if (worthRetrying && retry < RETRY_AFTER_MILLIS.length) {
                        return vertx.timer(RETRY_AFTER_MILLIS[retry]).compose(ignored -> put(key, bytes, contentType, retry + 1));
                    }
                    return done.failed() ? Future.failedFuture(done.cause()) : failed("put " + key, done.result());
                });
    }

    @Override
    public Future<Optional<Buffer>> get(String key) {
        return send(HttpMethod.GET, objectPath(key), Map.of(), Buffer.buffer(), null, MAX_OBJECT_BYTES).compose(answer -> {
            if (answer.status() == 404) {
                return Future.succeededFuture(Optional.empty());
            }
            return answer.status() == 200 ? Future.succeededFuture(Optional.of(answer.body())) : failed("get " + key, answer);
        });
    }

    @Override
    public Future<List<String>> children(String prefix) {
        return list(RecordingStore.checkedPrefix(prefix), true, null, new Listing(), 0).map(listing -> {
            // Only names under the prefix asked for: a server that answers others is not believed.
            List<String> names = new ArrayList<>();
            listing.folders.stream().filter(folder -> folder.startsWith(prefix) && folder.endsWith("/")
                    && folder.length() > prefix.length() + 1)
                    .forEach(folder -> names.add(folder.substring(prefix.length(), folder.length() - 1)));
            listing.objects.stream().filter(object -> object.key().startsWith(prefix) && object.key().length() > prefix.length())
                    .forEach(object -> names.add(object.key().substring(prefix.length())));
            return names;
        });
    }

    @Override
    public Future<Long> size(String prefix) {
        return sizeFrom(RecordingStore.checkedPrefix(prefix), null, 0L);
    }

    /** Page by page: a recording of many days is summed without holding its names. */
    private Future<Long> sizeFrom(String prefix, String continuation, long sum) {
        return page(prefix, false, continuation).compose(page -> {
            long total = sum + page.objects().stream().mapToLong(StoredObject::bytes).sum();
            return page.next().isPresent() ? sizeFrom(prefix, page.next().get(), total) : Future.succeededFuture(total);
        });
    }

    /** Page by page, each page's objects deleted before the next is asked for: any size, in bounded memory. */
    @Override
    public Future<Void> deleteAll(String prefix) {
        String checked = RecordingStore.checkedPrefix(prefix);
        return page(checked, false, null).compose(page -> deleteFrom(page.objects(), 0)
                .compose(ignored -> page.next().isPresent() ? deleteAll(prefix) : Future.succeededFuture()));
    }

    private Future<Void> deleteFrom(List<StoredObject> objects, int from) {
        if (from >= objects.size()) {
            return Future.succeededFuture();
        }
        List<Future<Void>> batch = objects.subList(from, Math.min(objects.size(), from + DELETES_AT_ONCE)).stream()
                .map(object -> send(HttpMethod.DELETE, objectPath(object.key()), Map.of(), Buffer.buffer(), null,
                        MAX_LISTING_BYTES).compose(answer -> answer.status() == 204 || answer.status() == 200
                                || answer.status() == 404 ? Future.<Void>succeededFuture() : failed("delete " + object.key(), answer)))
                .toList();
        return Future.all(batch).compose(ignored -> deleteFrom(objects, from + DELETES_AT_ONCE));
    }

    @Override
    public String describe() {
        return "s3 " + settings.endpoint() + "/" + settings.bucket();
    }

    private static final class Listing {
        final List<StoredObject> objects = new ArrayList<>();
        final List<String> folders = new ArrayList<>();
    }

    /** An object and its size, as a listing gives them. */
    record StoredObject(String key, long bytes) {
    }

    record Page(List<StoredObject> objects, List<String> folders, Optional<String> next) {
    }

    private Future<Listing> list(String prefix, boolean oneLevel, String continuation, Listing listing, int pages) {
        if (pages >= MAX_LISTING_PAGES) {
            return Future.failedFuture("listing of " + prefix + " has more than " + MAX_LISTING_PAGES + " pages");
        }
        return page(prefix, oneLevel, continuation).compose(page -> {
            listing.objects.addAll(page.objects());
            listing.folders.addAll(page.folders());
            return page.next().isPresent() ? list(prefix, oneLevel, page.next().get(), listing, pages + 1)
                    : Future.succeededFuture(listing);
        });
    }

    /** One ListObjectsV2 page (up to 1,000 names), parsed on a worker. */
    private Future<Page> page(String prefix, boolean oneLevel, String continuation) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("list-type", "2");
        query.put("prefix", prefix);
        if (oneLevel) {
            query.put("delimiter", "/");
        }
        if (continuation != null) {
            query.put("continuation-token", continuation);
        }
        return send(HttpMethod.GET, "/" + settings.bucket(), query, Buffer.buffer(), null, MAX_LISTING_BYTES)
                .compose(answer -> answer.status() == 200
                        ? workers.executeBlocking(() -> page(answer.body().getBytes()), false)
                        : failed("list " + prefix, answer));
    }

    /** Most names one listing page may carry: S3 sends at most 1,000. */
    static final int MAX_PAGE_NAMES = 1_000;

    /**
     * One ListObjectsV2 answer, refused whole ({@link IllegalArgumentException}) when it is not
     * one: not XML, a DTD, more names than a page holds, a size that is not a count of bytes. What
     * a store answers is input like any other.
     */
    static Page page(byte[] xml) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null); // a malformed answer is refused below, not printed on stderr
            document = builder.parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalArgumentException("S3 listing is not readable XML: " + e.getMessage(), e);
        }
        Element root = document.getDocumentElement();
        List<Element> contents = children(root, "Contents");
        List<Element> common = children(root, "CommonPrefixes");
        if (contents.size() + common.size() > MAX_PAGE_NAMES) {
            throw new IllegalArgumentException("S3 listing page with " + (contents.size() + common.size()) + " names");
        }
        List<StoredObject> objects = new ArrayList<>();
        for (Element content : contents) {
            objects.add(new StoredObject(text(content, "Key"), bytes(text(content, "Size"))));
        }
        List<String> folders = new ArrayList<>();
        for (Element prefix : common) {
            folders.add(text(prefix, "Prefix"));
        }
        boolean truncated = "true".equals(text(root, "IsTruncated"));
        String next = text(root, "NextContinuationToken");
        return new Page(objects, folders, truncated && !next.isEmpty() ? Optional.of(next) : Optional.empty());
    }

    private static long bytes(String size) {
        if (size.isEmpty() || size.length() > 18 || !size.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("S3 listing with an object size of '" + (size.length() > 40
                    ? size.substring(0, 40) + "..." : size) + "'");
        }
        return Long.parseLong(size);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element element && element.getNodeName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent();
    }

    private String objectPath(String key) {
        String encoded = Arrays.stream(RecordingStore.checkedKey(key).split("/")).map(SigV4::encode)
                .collect(Collectors.joining("/"));
        return "/" + settings.bucket() + "/" + encoded;
    }

    private Future<Answer> send(HttpMethod method, String path, Map<String, String> query, Buffer body, String contentType,
                                int maxAnswerBytes) {
        if (Vertx.currentContext() != context) {
            // The answer's handlers must be set on the context the request was made from, before its body flows.
            Promise<Answer> answer = Promise.promise();
            context.runOnContext(ignored -> send(method, path, query, body, contentType, maxAnswerBytes).onComplete(answer));
            return answer.future();
        }
        // A segment is hashed on a worker: megabytes a second per channel are not for the event loop.
        Future<String> hashed = body.length() == 0 ? Future.succeededFuture(SigV4.EMPTY_PAYLOAD_HASH)
                : workers.executeBlocking(() -> SigV4.sha256Hex(body.getBytes()), false);
        return hashed.compose(payloadHash -> send(method, path, query, body, contentType, maxAnswerBytes, payloadHash));
    }

    private Future<Answer> send(HttpMethod method, String path, Map<String, String> query, Buffer body, String contentType,
                                int maxAnswerBytes, String payloadHash) {
        Instant now = clock.instant();
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("host", hostHeader);
        signed.put("x-amz-content-sha256", payloadHash);
        signed.put("x-amz-date", SigV4.amzDate(now));
        String target = query.isEmpty() ? path : path + "?" + SigV4.canonicalQuery(query);
        RequestOptions options = new RequestOptions().setMethod(method)
                .setAbsoluteURI(settings.endpoint().resolve(target).toString())
                .setTimeout(TIMEOUT_MILLIS)
                .putHeader("x-amz-content-sha256", payloadHash)
                .putHeader("x-amz-date", signed.get("x-amz-date"))
                .putHeader(HttpHeaders.AUTHORIZATION, signer.authorization(method.name(), path, query, signed, payloadHash, now));
        if (contentType != null) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
        }
        return client.request(options).compose(request -> request.send(body)).compose(response -> read(response, maxAnswerBytes));
    }

    private static Future<Answer> read(HttpClientResponse response, int maxBytes) {
        Promise<Answer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                response.request().reset();
                done.tryFail("S3 answer over " + maxBytes + " bytes");
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(ignored -> done.tryComplete(new Answer(response.statusCode(), body)));
        return done.future();
    }

    private static <T> Future<T> failed(String what, Answer answer) {
        String text = answer.body().toString();
        return Future.failedFuture("S3 " + what + ": status " + answer.status() + " "
                + (text.length() > 300 ? text.substring(0, 300) : text));
    }
}
