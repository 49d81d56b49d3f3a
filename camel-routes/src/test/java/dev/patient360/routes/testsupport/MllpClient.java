package dev.patient360.routes.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain MLLP sender over a real socket: start block 0x0B, message, end block 0x1C 0x0D. */
public final class MllpClient implements AutoCloseable {

	private final Socket socket;

	public MllpClient(int port) throws IOException {
		this(new Socket("127.0.0.1", port));
	}

	/** Over a socket made elsewhere, e.g. a TLS socket. */
	public MllpClient(Socket socket) throws IOException {
		this.socket = socket;
		socket.setSoTimeout(30_000);
	}

	public String send(byte[] message) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(0x0B);
		out.write(message);
		out.write(new byte[] {0x1C, 0x0D});
		out.flush();
		return read();
	}

	public String send(String message) throws IOException {
		return send(message.getBytes(StandardCharsets.UTF_8));
	}

	/** Writes raw bytes as they are (garbage frames). */
	public void writeRaw(byte[] bytes) throws IOException {
		socket.getOutputStream().write(bytes);
		socket.getOutputStream().flush();
	}

	private String read() throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != 0x0B) {
			if (b < 0) {
				throw new IOException("connection closed before an ACK");
			}
		}
		int prev = -1;
		while ((b = in.read()) >= 0) {
			if (prev == 0x1C && b == 0x0D) {
				byte[] all = buf.toByteArray();
				return new String(all, 0, all.length - 1, StandardCharsets.UTF_8);
			}
			buf.write(b);
			prev = b;
		}
		throw new IOException("connection closed inside an ACK");
	}

	/** MSA-1 and MSA-2 of an ACK. */
	public static String[] msa(String ack) {
		for (String seg : ack.split("\r")) {
			if (seg.startsWith("MSA|")) {
				String[] f = seg.split("\\|", -1);
				return new String[] {f[1], f.length > 2 ? f[2] : ""};
			}
		}
		throw new AssertionError("no MSA segment in ACK");
	}

	@Override
	public void close() throws IOException {
		socket.close();
	}
}
