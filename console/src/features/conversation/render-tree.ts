// For the conversation panels' tests: a component's output as test ids, `data-*` values and text, with
// function components expanded. No DOM needed (the panels are plain functions of their props).
import type { ComponentChild, VNode } from "preact";

export type RenderedNode = { testid?: string; data: Record<string, string>; text: string; children: RenderedNode[] };

export function renderTree(c: ComponentChild): RenderedNode[] {
  if (c === null || c === undefined || typeof c === "boolean") return [];
  if (typeof c === "string" || typeof c === "number") return [{ data: {}, text: String(c), children: [] }];
  if (Array.isArray(c)) return c.flatMap(renderTree);
  const v = c as VNode<Record<string, unknown>>;
  if (typeof v.type === "function") return renderTree((v.type as (p: unknown) => ComponentChild)(v.props));
  const children = renderTree(v.props.children as ComponentChild);
  const data: Record<string, string> = {};
  for (const [k, x] of Object.entries(v.props))
    if (k.startsWith("data-") && k !== "data-testid" && typeof x === "string") data[k.slice(5)] = x;
  return [
    {
      ...(typeof v.props["data-testid"] === "string" ? { testid: v.props["data-testid"] } : {}),
      data,
      text: children.map((n) => n.text).join(""),
      children,
    },
  ];
}

/** Every node, depth first. */
export const allNodes = (nodes: RenderedNode[]): RenderedNode[] => nodes.flatMap((n) => [n, ...allNodes(n.children)]);
