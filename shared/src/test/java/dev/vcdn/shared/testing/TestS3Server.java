package dev.vcdn.shared.testing;

import java.net.URI;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for tests: s3proxy (the S3 REST API, SigV4 checked) over an in-memory blob
 * store, on an ephemeral loopback port. What the recording store is tested against: the same
 * protocol as AWS S3 or MinIO, with no mock of ours in between.
 */
public final class TestS3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-0123456789";

    private final S3Proxy proxy;
    private final BlobStoreContext blobs;

    private TestS3Server(S3Proxy proxy, BlobStoreContext blobs) {
        this.proxy = proxy;
        this.blobs = blobs;
    }

    public static TestS3Server start() throws Exception {
        BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new TestS3Server(proxy, blobs);
    }

    /** Makes a bucket, as an operator does before pointing the origins at it. */
    public void createBucket(String name) {
        blobs.getBlobStore().createContainerInLocation(null, name);
    }

    /** What the bucket holds under {@code key}, read beside the S3 API. */
    public byte[] object(String bucket, String key) throws Exception {
        org.jclouds.blobstore.domain.Blob blob = blobs.getBlobStore().getBlob(bucket, key);
        if (blob == null) {
            return null;
        }
        try (java.io.InputStream in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobs.close();
    }
}
