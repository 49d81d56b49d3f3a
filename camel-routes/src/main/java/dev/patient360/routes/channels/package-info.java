/**
 * Delivery of engagement communications through channels: due CommunicationRequests from the hub are
 * sent by e-mail (SMTP) or SMS (HTTP gateway) and recorded as Communications; delivery receipts,
 * bounces and replies update them. See docs/connectors/channels.md.
 */
package dev.patient360.routes.channels;
