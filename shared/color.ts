// Checks and a contrast rule for the owner's colour and image, without zod: the widget's loader uses
// them (widget/look.ts), so this module must stay tiny and free of imports.

/**
 * Six-digit hex only. A colour reaches a stylesheet, so the one accepted form is one that cannot
 * carry anything else (`red;background:url(…)`, `expression(…)`, `var(…)`).
 */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** An image on https with no characters that could end a URL, an attribute or a CSS `url()`. */
export const IMAGE_URL_PATTERN = /^https:\/\/[^\s"'<>()\\`]{3,490}$/;

/** Black or white text, whichever has more contrast on the colour `hex` (#rrggbb; WCAG luminance). */
export function inkOn(hex: string): "#fff" | "#111" {
  const lin = (i: number): number => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
  // Contrast with white is 1.05 / (l + 0.05); with #111 (luminance 0.0056) it is (l + 0.05) / 0.0556.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0556 ? "#fff" : "#111";
}
