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
/** What a generation may look like (it travels in the ticket and in the MAC). */
export const GENERATION_PATTERN = /^[A-Za-z0-9]{1,16}$/;
/** A ticket as text, as the contract accepts it. */
export const TICKET_PATTERN = /^[0-9]{1,9}\.[0-9]{1,9}(-[0-9]{1,9})?\.[A-Za-z0-9]{1,16}\.[A-Za-z0-9_-]{22}$/;
const encoder = new TextEncoder();
const MAC_BYTES = 16;
function base64Url(bytes) {
    let binary = "";
    for (const byte of bytes)
        binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
/**
 * Signs and checks tickets with one key (imported on first use, and kept: the key, never the
 * promise of it, which a Worker request other than the one that started it must not await).
 */
export function createTicketSigner(secret) {
    let key;
    const mac = async (stageId, viewerId, ticket) => {
        key ??= await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
        // `pt2` for a ticket with a next index: no message of one kind can stand for the other's.
        const message = ticket.nextIndex === undefined
            ? `pt1\n${stageId}\n${viewerId}\n${ticket.epoch}\n${ticket.index}\n${ticket.generation}`
            : `pt2\n${stageId}\n${viewerId}\n${ticket.epoch}\n${ticket.index}\n${ticket.generation}\n${ticket.nextIndex}`;
        const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(message));
        return base64Url(new Uint8Array(signature, 0, MAC_BYTES));
    };
    return {
        async sign(stageId, viewerId, ticket) {
            const indexes = ticket.nextIndex === undefined ? `${ticket.index}` : `${ticket.index}-${ticket.nextIndex}`;
            const text = `${ticket.epoch}.${indexes}.${ticket.generation}`;
            return `${text}.${await mac(stageId, viewerId, ticket)}`;
        },
        /** The ticket, when `text` is one this signer made for this stage and viewer. */
        async verify(text, stageId, viewerId) {
            if (!TICKET_PATTERN.test(text))
                return undefined;
            const [epoch, indexes, generation, given] = text.split(".");
            const [index, nextIndex] = indexes.split("-");
            const ticket = {
                epoch: Number(epoch),
                index: Number(index),
                generation,
                ...(nextIndex === undefined ? {} : { nextIndex: Number(nextIndex) }),
            };
            return timingSafeEqual(given, await mac(stageId, viewerId, ticket)) ? ticket : undefined;
        },
    };
}
/** Compares two strings of the same public length without an early exit. */
function timingSafeEqual(a, b) {
    if (a.length !== b.length)
        return false;
    let difference = 0;
    for (let i = 0; i < a.length; i++)
        difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return difference === 0;
}
/** A new data generation `g`, set when the registry is rebuilt after a loss: 12 letters or digits. */
export function newGeneration() {
    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join("");
}
