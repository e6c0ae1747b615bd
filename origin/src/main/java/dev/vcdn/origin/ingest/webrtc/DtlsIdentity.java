package dev.vcdn.origin.ingest.webrtc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

/**
 * The origin's DTLS certificate: self-signed ECDSA P-256, made at start. WebRTC does not trust a
 * certificate authority; each side pins the other's certificate by the fingerprint in the SDP.
 */
public final class DtlsIdentity {

    private final AsymmetricKeyParameter privateKey;
    private final byte[] certificate;
    private final byte[] fingerprint;

    private DtlsIdentity(AsymmetricKeyParameter privateKey, byte[] certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = sha256(certificate);
    }

    public static DtlsIdentity generate(SecureRandom random) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, ECNamedCurveTable.getByName("P-256")), random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=vcdn-origin");
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, new BigInteger(63, random),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pair.getPublic()));
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
            byte[] der = builder.build(new BcECContentSignerBuilder(signature, digest).build(pair.getPrivate())).getEncoded();
            return new DtlsIdentity(pair.getPrivate(), der);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("ECDSA with SHA-256 is part of Bouncy Castle", e);
        }
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    byte[] certificate() {
        return certificate.clone();
    }

    /** SHA-256 of the DER certificate, for a=fingerprint. */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
