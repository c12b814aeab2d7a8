// widget-app.js entry. Runs as a classic script the loader injected; the loader put its hand-off
// function on that <script> element, so the two meet without another global on the host page.
import { render } from "preact";
import { effect, signal } from "@preact/signals";
import type { App, AppScript, Host } from "../contract.ts";
import { createHistory } from "./history.ts";
import { speak } from "./lazy.ts";
import { createWidgetStore } from "./store.ts";
import css from "./styles.css?inline";
import { Widget } from "./Widget.tsx";

function mount(host: Host): App {
  const style = document.createElement("style");
  style.textContent = css;
  const container = document.createElement("div");
  container.className = "ed";
  host.root.append(style, container);

  const store = createWidgetStore(host.config);
  const history = createHistory(host.config);
  const open = signal(false);
  let resumed = false;

  const close = (focusLauncher: boolean): void => {
    if (!open.value) return;
    // Only take focus back if it was ours: a host page calling EdgeDesk.close() keeps its own focus.
    const hadFocus = focusLauncher || host.root.activeElement !== null;
    open.value = false;
    host.setOpen(false);
    if (hadFocus) host.launcher.focus();
  };

  // A reply that lands while the panel is closed puts a dot on the launcher.
  let seen = store.incoming.peek();
  effect(() => {
    const n = store.incoming.value;
    if (open.value) seen = n;
    else if (n !== seen) host.launcher.toggleAttribute("data-unread", true);
  });

  host.launcher.setAttribute("aria-controls", "ed-panel");
  // A page in another language than English draws the panel once its words are here (a chunk of its
  // own, lazy.ts), or after 3 s in English: never a flash of English words a screen reader would read.
  let drawn = false;
  const draw = () => {
    if (!drawn) render(<Widget store={store} history={history} host={host} open={open} close={close} />, container);
    drawn = true;
  };
  setTimeout(draw, 3000);
  speak(host.config.locale).then(draw, draw);

  return {
    open() {
      if (!resumed) {
        resumed = true;
        store.resume();
      }
      host.launcher.removeAttribute("data-unread");
      open.value = true;
      host.setOpen(true);
    },
    close: () => close(false),
    identify(user, sig) {
      const req = { user, ...(sig ? { hmac: sig.hmac, ts: sig.ts } : {}) };
      store.identify(req);
      history.identify(req);
    },
  };
}

(document.currentScript as AppScript | null)?.edgedesk?.(mount);
