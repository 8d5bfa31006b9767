import { z } from "@hono/zod-openapi";
import {
  RECORDED_VIEWER_ID_PATTERN,
  STAGE_ID_PATTERN,
  VIEWER_ID_PATTERN,
} from "@viewer-presence/tokens";

export const StageIdSchema = z.string().regex(STAGE_ID_PATTERN).openapi({
  description: "Stage id: 1-64 letters, digits, `_` or `-`.",
  example: "concert-42",
});

export const ViewerIdSchema = z.string().regex(VIEWER_ID_PATTERN).openapi({
  description: "Viewer id: 1-128 letters, digits or `_ . : @ -` (your own user id, usually).",
  example: "user-1234",
});

/**
 * Free text from operators (titles, ARNs): no control characters (NUL, ESC, DEL, C1) and no lone
 * surrogates (half of an emoji), which are not valid Unicode: JSON decoders such as Redis' cjson
 * refuse them, and so would many of the systems this text is exported to. Written with code
 * units (a surrogate pair is allowed, half of one is not) rather than `\p{…}` classes, so the
 * pattern means the same with or without the `u` flag, in any tool that reads openapi.json.
 */
export const PLAIN_TEXT_PATTERN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /^(?:[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

export function plainText(min: number, max: number) {
  return z.string().trim().min(min).max(max).regex(PLAIN_TEXT_PATTERN, {
    message: "Control characters and lone surrogates are not allowed",
  });
}

/** A viewer id as recorded: an operator's, or an anonymous session's (`~` and 22 characters). */
export const RecordedViewerIdSchema = z.string().regex(RECORDED_VIEWER_ID_PATTERN).openapi({
  description:
    "Viewer id: your own (1-128 letters, digits or `_ . : @ -`), or for an anonymous session `~` and 22 letters, digits, `_` or `-`.",
  example: "user-1234",
});

export const StageParamsSchema = z.object({
  stageId: StageIdSchema.openapi({ param: { name: "stageId", in: "path" } }),
});

export const TimestampSchema = z.iso.datetime().openapi({
  description: "A moment, ISO 8601 in UTC.",
  example: "2026-11-27T21:30:00.000Z",
});

/** The `cursor` query parameter of every paged listing. */
export const CursorQuerySchema = z
  .string()
  .min(1)
  .max(512)
  .optional()
  .openapi({
    param: { name: "cursor", in: "query" },
    description: "The `nextCursor` of the previous page (opaque).",
    example: "eyJpZCI6ImNvbmNlcnQtNDIifQ",
  });
