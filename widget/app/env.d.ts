// Vite's `?inline` CSS import gives the stylesheet as a string (minified in production builds): the
// app injects it into its shadow root, so the host page never receives a stylesheet from us.
declare module "*.css?inline" {
  const css: string;
  export default css;
}
