package dev.vcdn.shared.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority and the server certificates it signs: what the one-command world
 * and the tests use where an operator would use ACME or cert-manager. ECDSA P-256 throughout. Needs
 * Bouncy Castle's {@code bcpkix} on the class path (an optional dependency of this module: the
 * processes themselves never issue certificates).
 */
public final class LocalCertificateAuthority {

    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TlsMaterial ca;

    private LocalCertificateAuthority(TlsMaterial ca) {
        this.ca = ca;
    }

    /** A new authority named {@code name}, valid ten years, for any name (tests). */
    public static LocalCertificateAuthority create(String name) {
        return create(name, false);
    }

    /**
     * A new authority named {@code name}, valid ten years; with {@code loopbackOnly} it can vouch for
     * 127.0.0.0/8 and {@code localhost} only (name constraints, critical): a user told to trust it in a
     * browser trusts nothing else with it, whoever gets its key.
     */
    public static LocalCertificateAuthority create(String name, boolean loopbackOnly) {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            if (loopbackOnly) {
                GeneralSubtree[] loopback = {
                        new GeneralSubtree(new GeneralName(GeneralName.iPAddress,
                                new DEROctetString(new byte[] {127, 0, 0, 0, (byte) 255, 0, 0, 0}))),
                        new GeneralSubtree(new GeneralName(GeneralName.dNSName, "localhost"))};
                builder.addExtension(Extension.nameConstraints, true, new NameConstraints(loopback, null));
            }
            return new LocalCertificateAuthority(new TlsMaterial(List.of(sign(builder, pair.getPrivate())), pair.getPrivate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a certificate authority", e);
        }
    }

    /** The authority written earlier by {@link #write}. */
    public static LocalCertificateAuthority load(Path certificate, Path key) throws TlsFileException {
        return new LocalCertificateAuthority(TlsMaterial.load(certificate, key));
    }

    public X509Certificate certificate() {
        return ca.leaf();
    }

    /** A client's TLS context trusting this authority alone (the world's own client, tests). */
    public SSLContext trustingContext() {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("local-ca", ca.leaf());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the local certificate authority", e);
        }
    }

    /**
     * Chromium's {@code --ignore-certificate-errors-spki-list} value that trusts this authority's
     * certificates: the base64 SHA-256 of its public key.
     */
    public String chromiumSpki() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.leaf().getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** The authority's certificate as PEM: what a client trusts. */
    public String certificatePem() {
        return new TlsMaterial(List.of(ca.leaf()), ca.key()).certificatePem();
    }

    /**
     * A server certificate for {@code names} (host names and IP addresses, the first also its common
     * name), valid for {@code validity}; its chain holds this authority's certificate after it.
     */
    public TlsMaterial issue(List<String> names, Duration validity) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs a name");
        }
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.leaf(), serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), new X500Name("CN=" + names.get(0)),
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames(names))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca.leaf()));
            return new TlsMaterial(List.of(sign(builder, ca.key()), ca.leaf()), pair.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + names, e);
        }
    }

    /** The authority's own certificate and key as PEM files (the key readable by its owner only). */
    public void write(Path certificate, Path key) throws IOException {
        write(ca, certificate, key);
    }

    /**
     * Writes {@code material} as a server reads it: the chain to {@code certificate}, the key (PKCS#8) to
     * {@code key}, each replaced whole (written beside it, then moved over it) as certbot replaces them.
     */
    public static void write(TlsMaterial material, Path certificate, Path key) throws IOException {
        replace(key, material.keyPem());
        replace(certificate, material.certificatePem());
    }

    private static void replace(Path file, String pem) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path fresh = Files.createTempFile(parent, file.getFileName().toString(), ".new");
        try {
            Files.writeString(fresh, pem);
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    private static GeneralNames alternativeNames(List<String> names) {
        List<GeneralName> general = new ArrayList<>();
        for (String name : names) {
            general.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name));
        }
        return new GeneralNames(general.toArray(GeneralName[]::new));
    }

    private static boolean isAddress(String name) {
        if (!name.matches("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(name); // a literal: no lookup
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 in this JVM", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM);
    }
}
