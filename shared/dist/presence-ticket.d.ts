/**
 * Presence tickets: a viewer's index on a stage for one epoch (slot-bitmaps.ts), signed by the
 * edge and handed back with the heartbeat answer, so the next heartbeats need no index lookup
 * in Redis. Text: `<epoch>.<index>.<generation>.<mac>`, the MAC being the first 16 bytes of
 * HMAC-SHA256 over the stage, the viewer and those three, in base64url (about 45 characters).
 * Late in an hour a ticket also carries the viewer's index for the next epoch, handed out early
 * so that the top of the hour needs no lookups: `<epoch>.<index>-<next index>.<generation>.<mac>`,
 * its MAC over a message that starts `pt2` and ends with the next index.
 *
 * A ticket is not a credential: it only says which bit the viewer (already proven by the viewer
 * token) may set, and the MAC stops a viewer from setting another viewer's bit. It is keyed with
 * the viewer-token secret; the message starts with `pt1\n`, which no JWT signing input holds
 * (those are two base64url parts and a dot), so neither signature can stand for the other.
 */
export interface PresenceTicket {
    epoch: number;
    index: number;
    /** The data generation (`g`) the index was handed out under; "0" before any loss. */
    generation: string;
    /** The viewer's index in epoch `epoch + 1`, when it was handed out early (same generation). */
    nextIndex?: number;
}
/** What a generation may look like (it travels in the ticket and in the MAC). */
export declare const GENERATION_PATTERN: RegExp;
/** A ticket as text, as the contract accepts it. */
export declare const TICKET_PATTERN: RegExp;
/**
 * Signs and checks tickets with one key (imported on first use, and kept: the key, never the
 * promise of it, which a Worker request other than the one that started it must not await).
 */
export declare function createTicketSigner(secret: string): {
    sign(stageId: string, viewerId: string, ticket: PresenceTicket): Promise<string>;
    /** The ticket, when `text` is one this signer made for this stage and viewer. */
    verify(text: string, stageId: string, viewerId: string): Promise<PresenceTicket | undefined>;
};
export type TicketSigner = ReturnType<typeof createTicketSigner>;
/** A new data generation `g`, set when the registry is rebuilt after a loss: 12 letters or digits. */
export declare function newGeneration(): string;
