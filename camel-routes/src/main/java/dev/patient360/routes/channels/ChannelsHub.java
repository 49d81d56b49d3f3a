package dev.patient360.routes.channels;

import dev.patient360.routes.common.HubClient;

/**
 * The hub as the channel routes reach it: with their own {@code outreach} client when one is
 * configured, else with the app's client. Not a {@link HubClient} bean, so the connectors keep theirs.
 */
record ChannelsHub(HubClient client) {
}
