// One error shape for every 4xx/5xx (shared/api.ts ApiError), and zod validation that produces it.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type * as z from "zod/mini";
import type { ApiError } from "../../shared/api.ts";

export class ApiFailure extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ApiError["issues"],
  ) {
    super(status, { message });
  }
}

export function issuesOf(error: z.core.$ZodError): NonNullable<ApiError["issues"]> {
  return error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** Parses or throws a 400 naming every bad field; `where` says which part of the request was wrong. */
export function parseOr400<S extends z.ZodMiniType>(schema: S, data: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issues = issuesOf(r.error);
  const first = issues[0];
  throw new ApiFailure(
    400,
    `invalid_${where}`,
    first ? `${where}: ${first.path || "value"}: ${first.message}` : `invalid ${where}`,
    issues,
  );
}

/**
 * The body as JSON, only when the media type is exactly application/json (a charset may follow).
 * "text/plain; application/json" and friends are what a cross-site form or a no-cors fetch can send
 * without a CORS preflight; application/json cannot be sent cross-site without one.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json")
    throw new ApiFailure(415, "unsupported_media_type", "send JSON with content-type: application/json");
  try {
    return await c.req.json();
  } catch {
    throw new ApiFailure(400, "invalid_json", "body is not valid JSON");
  }
}

export function errorResponse(err: Error, c: Context): Response {
  if (err instanceof ApiFailure) {
    const body: ApiError = { error: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
    return c.json(body, err.status);
  }
  if (err instanceof HTTPException) return c.json({ error: `http_${err.status}`, message: err.message }, err.status);
  // The request id ties this line to the request's own (worker/ops/request.ts); the client gets it too.
  console.error(
    JSON.stringify({ level: "error", msg: "unhandled", rid: c.get("rid"), error: String(err), stack: err.stack }),
  );
  return c.json({ error: "internal", message: "internal error" }, 500);
}
