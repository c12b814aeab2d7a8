// The benches' command line (bench-load.ts, bench-inbox.ts): `--name value` and `--flag`; a number that
// is not one, or negative, stops the bench with exit 2 and says which.
export function benchArgs(argv: readonly string[]) {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const numArg = (name: string, fallback: number): number => {
    const v = arg(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`--${name} takes a number ≥ 0`);
      process.exit(2);
    }
    return n;
  };
  return { arg, numArg, flag: (name: string) => argv.includes(`--${name}`) };
}
