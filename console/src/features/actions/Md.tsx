import { renderMarkdown } from "../../../../shared/markdown.ts";

/**
 * An action's answer or confirmation as the customer reads it. The one sanitising renderer escapes all
 * input before it writes a tag (shared/markdown.test.ts), and the worker escaped every value from the
 * company's API (shared/action-template.ts).
 */
export function Md({ text, class: cls = "md", testId }: { text: string; class?: string; testId?: string }) {
  return (
    <div
      class={cls}
      data-testid={testId}
      dangerouslySetInnerHTML={{ __html: renderMarkdown(text, { newTab: true }) }}
    />
  );
}
