package dev.patient360.routes.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Key pairs for SMART backend-services tests: a fresh RSA pair written as PKCS#8 PEM, and public keys from PEM. */
public final class Keys {

	private Keys() {
	}

	/** A fresh 2048-bit RSA pair. */
	public static KeyPair generate() {
		try {
			KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
			gen.initialize(2048);
			return gen.generateKeyPair();
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Writes the private key as a PKCS#8 PEM file under {@code dir} (what the connector reads). */
	public static Path writePrivateKey(KeyPair keys, Path dir) throws IOException {
		Path pem = Files.createDirectories(dir).resolve("source-key-" + System.nanoTime() + ".pem");
		Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n");
		return pem;
	}

	/** The public key in a PEM file: a {@code PUBLIC KEY}, or the public half of a PKCS#8 RSA {@code PRIVATE KEY}. */
	public static RSAPublicKey publicKey(Path pem) throws IOException {
		String text = Files.readString(pem, StandardCharsets.US_ASCII);
		byte[] der = Base64.getDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
		try {
			KeyFactory rsa = KeyFactory.getInstance("RSA");
			if (text.contains("PRIVATE KEY")) {
				RSAPrivateCrtKey k = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
				return (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
			}
			return (RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der));
		}
		catch (GeneralSecurityException e) {
			throw new IOException("not an RSA key: " + pem, e);
		}
	}
}
