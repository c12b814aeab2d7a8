// The check behind wire.ts: a shape is plain data generated from a shared zod schema
// (scripts/lib/wire-shapes.ts), and `valid` says of a value what zod's safeParse of that schema says
// (wire.test.ts holds the two equal). About 0.3 KB where zod would cost the widget about 5 KB gzip.
/**
 * A shape: "s" string, "n" number, "b" boolean, "u" anything; ["s", min, max, pattern?, flags?] a string
 * with checks; ["l", ...values] one of these literals (zod literal and enum); ["?", x] x or absent;
 * ["0", x] x or null; ["a", x] array of x; ["r", x] record of x; ["o", {key: x}] object (more keys
 * allowed); ["|", ...x] any of x; ["d", key, {value: x}] x chosen by the discriminator `key`.
 */
export type Shape =
  | "s"
  | "n"
  | "b"
  | "u"
  | ["s", number | null, number | null, string?, string?]
  | ["l", ...(string | number | boolean | null)[]]
  | ["?" | "0" | "a" | "r", Shape]
  | ["o", { [key: string]: Shape }]
  | ["|", ...Shape[]]
  | ["d", string, { [value: string]: Shape }];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const own = (o: object, k: unknown): boolean => typeof k === "string" && Object.hasOwn(o, k);

/** Whether `v` matches `s` as zod's safeParse of the schema it came from would say. */
export function valid(s: Shape, v: unknown): boolean {
  if (typeof s === "string") return s === "u" || typeof v === { s: "string", n: "number", b: "boolean" }[s];
  switch (s[0]) {
    case "s": {
      const [, min, max, pattern, flags] = s;
      return (
        typeof v === "string" &&
        (min === null || v.length >= min) &&
        (max === null || v.length <= max) &&
        (pattern === undefined || new RegExp(pattern, flags).test(v))
      );
    }
    case "l":
      return s.indexOf(v as string, 1) > 0;
    case "?":
      return v === undefined || valid(s[1], v);
    case "0":
      return v === null || valid(s[1], v);
    case "a":
      return Array.isArray(v) && v.every((x) => valid(s[1], x));
    case "r":
      return isObject(v) && Object.values(v).every((x) => valid(s[1], x));
    case "o": {
      const shape = s[1];
      return isObject(v) && Object.keys(shape).every((k) => valid(shape[k] as Shape, v[k]));
    }
    case "|":
      return s.slice(1).some((x) => valid(x as Shape, v));
    case "d": {
      const [, key, options] = s;
      return isObject(v) && own(options, v[key]) && valid(options[v[key] as string] as Shape, v);
    }
  }
}
