// Before every worker test file: what a fresh workerd would give it (tests/worker/fresh.ts).
import { freshStart } from "./fresh.ts";

await freshStart();
