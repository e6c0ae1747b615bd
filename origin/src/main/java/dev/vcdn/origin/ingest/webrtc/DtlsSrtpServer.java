package dev.vcdn.origin.ingest.webrtc;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 server side of DTLS-SRTP (RFC 5763, RFC 5764): our certificate, the client's
 * certificate required and pinned to the fingerprint its SDP offer gave, the use_srtp extension
 * with SRTP_AES128_CM_HMAC_SHA1_80, and the SRTP keys exported once the handshake is done.
 */
final class DtlsSrtpServer extends DefaultTlsServer {

    private static final int[] SRTP_PROFILES = {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80};

    private final BcTlsCrypto crypto;
    private final DtlsIdentity identity;
    private final byte[] expectedClientFingerprint;
    private volatile SrtpKeys keys;

    DtlsSrtpServer(BcTlsCrypto crypto, DtlsIdentity identity, byte[] expectedClientFingerprint) {
        super(crypto);
        this.crypto = crypto;
        this.identity = identity;
        this.expectedClientFingerprint = expectedClientFingerprint.clone();
    }

    /** The SRTP keys, once the handshake completed (null before). */
    SrtpKeys keys() {
        return keys;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256};
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        TlsCertificate certificate = crypto.createCertificate(identity.certificate());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, identity.privateKey(),
                new Certificate(new TlsCertificate[] {certificate}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** WebRTC peers always present a certificate: the one their SDP's fingerprint names. */
    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "no client certificate");
        }
        byte[] fingerprint = DtlsIdentity.sha256(clientCertificate.getCertificateAt(0).getEncoded());
        if (!MessageDigest.isEqual(fingerprint, expectedClientFingerprint)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate does not match the offer's fingerprint");
        }
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null || Arrays.stream(offered.getProtectionProfiles()).noneMatch(p -> p == SRTP_PROFILES[0])) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client offers no SRTP_AES128_CM_HMAC_SHA1_80");
        }
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(SRTP_PROFILES, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = SrtpKeys.fromExported(context.exportKeyingMaterial(SrtpKeys.EXPORTER_LABEL, null, SrtpKeys.EXPORTED_LENGTH));
    }
}
