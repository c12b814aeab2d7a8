// The actions chunk (shell/lazy.tsx): Settings → Actions, the approvals queue, the conversation's panel.
export { ActionsPage } from "./ActionsPage.tsx";
export { ApprovalsPage } from "./ApprovalsPage.tsx";
export { ConversationActions } from "./ConversationActions.tsx";
