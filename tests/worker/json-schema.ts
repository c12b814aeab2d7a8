// A small JSON Schema (2020-12) checker for the subset the OpenAPI document uses: type, const, enum,
// properties/required/additionalProperties, items, anyOf/oneOf, string and number bounds, pattern,
// local $ref. Returns the problems found, each with its JSON path; [] means valid.
type Schema = Record<string, unknown>;

export function validate(schema: Schema, value: unknown, root: Schema = schema, path = "$"): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], root);
    return validate(target as Schema, value, root, path);
  }
  const out: string[] = [];
  const type = schema.type as string | string[] | undefined;
  if (type) {
    const types = Array.isArray(type) ? type : [type];
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    const ok = types.some(
      (t) =>
        t === actual ||
        (t === "integer" && typeof value === "number" && Number.isInteger(value)) ||
        (t === "number" && typeof value === "number"),
    );
    if (!ok) return [`${path}: expected ${types.join("|")}, got ${actual}`];
  }
  if ("const" in schema && value !== schema.const) out.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    out.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      out.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      out.push(`${path}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      out.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
      out.push(`${path}: not above ${schema.exclusiveMinimum}`);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push(`${path}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const p = props[k];
      if (p) out.push(...validate(p, v, root, `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}.${k}: not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object")
        out.push(...validate(schema.additionalProperties as Schema, v, root, `${path}.${k}`));
    }
  }
  if (Array.isArray(value) && schema.items)
    for (const [i, v] of value.entries()) out.push(...validate(schema.items as Schema, v, root, `${path}[${i}]`));
  for (const key of ["anyOf", "oneOf"] as const) {
    const alts = schema[key] as Schema[] | undefined;
    if (!alts) continue;
    const passing = alts.filter((s) => validate(s, value, root, path).length === 0).length;
    if (key === "anyOf" ? passing === 0 : passing !== 1)
      out.push(`${path}: matches ${passing} of the ${key} alternatives`);
  }
  return out;
}
