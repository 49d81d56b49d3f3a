package dev.patient360.routes.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A real SMTP and IMAP server in process (GreenMail) for the demo and the channel tests: it accepts
 * every message sent to it and keeps the bounce and reply mailboxes the channel routes read. It can
 * also play the remote mail system: {@link #bounce} delivers an RFC 3464 delivery status notification
 * for a received message, {@link #reply} the patient's answer.
 */
public final class DemoMailServer implements AutoCloseable {

	public static final String BOUNCES = "bounces@patient360.local";
	public static final String REPLIES = "replies@patient360.local";
	public static final String PASSWORD = "demo-mail-password";

	private final GreenMail mail;

	private DemoMailServer(GreenMail mail) {
		this.mail = mail;
	}

	/** Starts SMTP and IMAP on loopback; port 0 = any free port. */
	public static DemoMailServer start(int smtpPort, int imapPort) {
		GreenMail mail = new GreenMail(new ServerSetup[] {
			port(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP), smtpPort),
			port(new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP), imapPort)});
		mail.setUser(BOUNCES, "bounces", PASSWORD);
		mail.setUser(REPLIES, "replies", PASSWORD);
		mail.start();
		return new DemoMailServer(mail);
	}

	private static ServerSetup port(ServerSetup setup, int port) {
		return port == 0 ? setup.dynamicPort() : setup;
	}

	public int smtpPort() {
		return mail.getSmtp().getPort();
	}

	public int imapPort() {
		return mail.getImap().getPort();
	}

	public GreenMail greenMail() {
		return mail;
	}

	/** Messages received for an address (e.g. a patient's), oldest first. */
	public MimeMessage[] receivedBy(String address) {
		return mail.findReceivedMessages(u -> u.getEmail().equalsIgnoreCase(address), m -> true).toArray(MimeMessage[]::new);
	}

	/** Delivers to {@link #BOUNCES} the DSN a remote MTA sends when {@code original} cannot be delivered. */
	public void bounce(MimeMessage original) throws MessagingException {
		Session session = session();
		MimeMessage dsn = new MimeMessage(session);
		dsn.setFrom(new InternetAddress("MAILER-DAEMON@patient360.local"));
		dsn.setRecipient(Message.RecipientType.TO, new InternetAddress(BOUNCES));
		dsn.setSubject("Undelivered Mail Returned to Sender");
		MimeMultipart report = new MimeMultipart("report; report-type=delivery-status");
		MimeBodyPart human = new MimeBodyPart();
		human.setText("Your message could not be delivered: the mailbox does not exist.", "UTF-8");
		report.addBodyPart(human);
		MimeBodyPart status = new MimeBodyPart();
		String recipient = original.getAllRecipients()[0].toString();
		status.setContent("Reporting-MTA: dns; mx.patient360.local\r\n\r\n"
				+ "Final-Recipient: rfc822; " + recipient + "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
				+ "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n", "message/delivery-status");
		report.addBodyPart(status);
		MimeBodyPart headers = new MimeBodyPart();
		StringBuilder h = new StringBuilder();
		for (String line : java.util.Collections.list(original.getAllHeaderLines())) {
			h.append(line).append("\r\n");
		}
		headers.setContent(h.toString(), "text/rfc822-headers; charset=" + StandardCharsets.US_ASCII.name());
		report.addBodyPart(headers);
		dsn.setContent(report);
		Transport.send(dsn);
	}

	/** Delivers to {@link #REPLIES} the patient's answer to {@code original}. */
	public void reply(MimeMessage original, String text) throws MessagingException {
		MimeMessage reply = (MimeMessage) original.reply(false);
		reply.setFrom(original.getAllRecipients()[0]);
		reply.setRecipient(Message.RecipientType.TO, new InternetAddress(REPLIES));
		reply.setText(text, "UTF-8");
		Transport.send(new MimeMessage(session(), toStream(reply)));
	}

	private static java.io.InputStream toStream(MimeMessage m) throws MessagingException {
		try {
			java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
			m.writeTo(out);
			return new java.io.ByteArrayInputStream(out.toByteArray());
		}
		catch (java.io.IOException e) {
			throw new MessagingException("reply", e);
		}
	}

	private Session session() {
		Properties p = new Properties();
		p.put("mail.smtp.host", "127.0.0.1");
		p.put("mail.smtp.port", String.valueOf(smtpPort()));
		return Session.getInstance(p);
	}

	@Override
	public void close() {
		mail.stop();
	}

	/**
	 * For {@code ./hub up}: SMTP on {@code DEMO_SMTP_PORT} (2525), IMAP on {@code DEMO_IMAP_PORT} (2143);
	 * mailboxes {@value #BOUNCES} and {@value #REPLIES} with password {@value #PASSWORD}.
	 */
	public static void main(String[] args) throws InterruptedException {
		int smtp = Integer.parseInt(System.getenv().getOrDefault("DEMO_SMTP_PORT", "2525"));
		int imap = Integer.parseInt(System.getenv().getOrDefault("DEMO_IMAP_PORT", "2143"));
		DemoMailServer server = start(smtp, imap);
		Runtime.getRuntime().addShutdownHook(new Thread(server::close));
		System.out.println("Demo mail server: SMTP 127.0.0.1:" + server.smtpPort() + ", IMAP 127.0.0.1:" + server.imapPort());
		new java.util.concurrent.CountDownLatch(1).await();
	}
}
