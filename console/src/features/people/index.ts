// The people chunk (loaded on demand by App.tsx): the owner's people page with the audit log, and
// everyone's account page (password, sessions, two-factor), which is also the enrolment screen when
// the workspace requires two-factor sign-in.
export { PeoplePage } from "./PeoplePage.tsx";
export { SecurityPage } from "./SecurityPage.tsx";
// The set-up feature's owner pages share this chunk (shell/lazy.tsx LazySetup).
export { ChecklistPage, WorkspacePage } from "../setup/index.ts";
export { ForgotPage, LinkPage } from "./LinkPage.tsx";
