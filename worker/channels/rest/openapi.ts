// OpenAPI 3.1 from the operations' zod schemas. zod 4's toJSONSchema works on zod/mini schemas and
// emits JSON Schema 2020-12, which is OpenAPI 3.1's schema dialect, so no conversion is needed:
// request schemas are rendered as inputs (defaults make fields optional), responses as outputs.
import * as z from "zod/mini";
import { apiErrorSchema } from "../../../shared/rest.ts";

type Schema = z.ZodMiniType;

/** What the document says of an operation; routes.ts adds the handler (so this file never imports routes.ts). */
export type OperationDoc = {
  method: "get" | "post";
  /** OpenAPI style: `/conversations/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  /** Status → description and schema; `sse` documents a `text/event-stream` alternative. */
  responses: Record<string, { description: string; schema?: Schema; sse?: string }>;
};

/** Errors every authenticated operation can answer with. */
const commonErrors = {
  "400": {
    description:
      "Invalid request: `error` is `invalid_body`, `invalid_query`, `invalid_path` or `invalid_json`; `issues` names each bad field.",
    schema: apiErrorSchema,
  },
  "401": { description: "Missing, malformed, unknown or revoked API key (`unauthenticated`).", schema: apiErrorSchema },
  "429": {
    description: "Rate limited (`rate_limited`); `Retry-After` says when to try again.",
    schema: apiErrorSchema,
  },
};

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType, io: "input" | "output"): Json {
  // Refinements (`z.refine`) have no JSON Schema form; the server still enforces them.
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
}

/** Path and query parameters from an object schema's properties. */
function parameters(schema: z.ZodMiniType | undefined, where: "path" | "query"): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

export function openApiDocument(ops: OperationDoc[], serverUrl: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of ops) {
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries({ ...op.responses, ...commonErrors })) {
      const content: Json = {};
      if (r.schema) content["application/json"] = { schema: jsonSchema(r.schema, "output") };
      if ("sse" in r && r.sse) content["text/event-stream"] = { schema: { type: "string", description: r.sse } };
      responses[status] = { description: r.description, ...(Object.keys(content).length ? { content } : {}) };
    }
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      parameters: [...parameters(op.params, "path"), ...parameters(op.query, "query")],
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "EdgeDesk REST API",
      version: "1.0.0",
      // The project carries no open-source licence (package.json is private): the API is offered under
      // the deployment operator's own terms. Replace with an SPDX identifier if the code is ever licensed.
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      description:
        "Conversations from other surfaces (a mobile app, a form, your backend) into the same desk as the widget: the bot answers, and hands off to a person with the whole conversation. Authenticate with a workspace API key: `Authorization: Bearer ek_…`. Errors share one shape: `{ error, message, issues? }`. See docs/rest-api.md.",
    },
    servers: [
      { url: serverUrl, description: "This deployment (PUBLIC_URL, or the origin the document was fetched from)" },
    ],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "A workspace API key (ek_…), created by an owner." },
      },
    },
    paths,
  };
}
