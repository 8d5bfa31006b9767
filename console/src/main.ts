/**
 * The operator console: a key gate, then the Live, Stage, Viewer and Cost pages, routed by the
 * URL's hash (`#/live`, `#/stages/<id>`, `#/viewers`, `#/cost`). Every figure comes from the API
 * through the typed client.
 */
import "uplot/dist/uPlot.min.css";
import "./console.css";
import { ApiProblem, consoleClient, describeFailure, roleOfKey } from "./api";
import { h, replaceChildren } from "./dom";
import type { Page, PageContext } from "./page";
import { costPage } from "./pages/cost";
import { livePage } from "./pages/live";
import { stagePage } from "./pages/stage";
import { viewerPage } from "./pages/viewer";
import { clearSessionKey, readSessionKey, type SessionKey, saveSessionKey } from "./session-key";

const NAV = [
  { hash: "#/live", label: "Live" },
  { hash: "#/viewers", label: "Viewer" },
  { hash: "#/cost", label: "Cost" },
] as const;

/** A page to show, and the nav entry that is its own: a fixed entry's hash, or the stage's. */
interface Routed {
  page: Page;
  entry: string;
  stageId?: string;
}

function route(hash: string, context: PageContext): Routed {
  const stage = /^#\/stages\/([A-Za-z0-9_-]{1,64})$/.exec(hash);
  if (stage) return { page: stagePage(context, stage[1]!), entry: hash, stageId: stage[1]! };
  if (hash === "#/cost") return { page: costPage(context), entry: hash };
  if (hash === "#/viewers") return { page: viewerPage(context), entry: hash };
  // Anything else shows Live, so Live is the entry marked.
  return { page: livePage(context), entry: "#/live" };
}

function signIn(root: HTMLElement, message?: string): void {
  const input = h("input", {
    id: "key",
    name: "key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "aria-describedby": "key-help",
  });
  const alert = h(
    "p",
    { id: "signin-error", class: "alert", role: "alert", hidden: !message },
    message,
  );
  const button = h("button", { type: "submit" }, "Open the console");
  const form = h(
    "form",
    {
      class: "signin",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const key = input.value.trim();
        button.disabled = true;
        alert.hidden = true;
        roleOfKey(key)
          .then((role) => {
            saveSessionKey(sessionStorage, { key, role });
            start(root);
          })
          .catch((error: unknown) => {
            alert.textContent =
              error instanceof ApiProblem && error.status === 401
                ? `${error.title}: ${error.detail}`
                : describeFailure(error);
            alert.hidden = false;
            button.disabled = false;
            input.focus();
          });
      },
    },
    h("h1", {}, "Viewer presence console"),
    h("label", { for: "key" }, "Admin or analytics key"),
    input,
    h(
      "p",
      { id: "key-help", class: "hint" },
      "ADMIN_API_KEY (everything) or ANALYTICS_API_KEY (read only). Kept in this tab only (sessionStorage) and sent only to this origin's API.",
    ),
    alert,
    button,
  );
  replaceChildren(root, h("main", { class: "narrow" }, form));
  input.focus();
}

function start(root: HTMLElement): void {
  const session: SessionKey | undefined = readSessionKey(sessionStorage);
  if (session === undefined) {
    signIn(root);
    return;
  }
  const alert = h("div", { id: "alert", class: "alert", role: "alert", hidden: true });
  const main = h("main", { id: "main", tabindex: "-1" });
  const links = NAV.map(({ hash, label }) => h("a", { href: hash }, label));
  // A stage page is none of the fixed pages: while one is shown, the nav gains its own entry
  // (after Live, where stages are listed), and that entry is the one marked.
  const stageLink = h("a", { id: "nav-stage", class: "stage-entry", hidden: true });
  const header = h(
    "header",
    {},
    h("a", { class: "skip", href: "#main", onclick: skipToMain }, "Skip to content"),
    h("span", { class: "brand" }, "Viewer presence"),
    h("nav", { "aria-label": "Pages" }, ...links.slice(0, 1), stageLink, ...links.slice(1)),
    h(
      "span",
      { class: "role" },
      session.role === "admin" ? "admin key" : "analytics key (read only)",
    ),
    h(
      "button",
      {
        type: "button",
        class: "link",
        onclick: () => {
          clearSessionKey(sessionStorage);
          window.removeEventListener("hashchange", render);
          current?.dispose();
          signIn(root);
        },
      },
      "Sign out",
    ),
  );
  replaceChildren(root, header, alert, main);

  const context: PageContext = {
    client: consoleClient(session.key),
    role: session.role,
    report(error) {
      if (error === undefined) {
        alert.hidden = true;
        return;
      }
      alert.textContent = describeFailure(error);
      alert.hidden = false;
    },
  };
  let current: Page | undefined;
  function render() {
    current?.dispose();
    context.report(undefined);
    const routed = route(location.hash, context);
    current = routed.page;
    document.title = `${current.title} · Viewer presence`;
    stageLink.hidden = routed.stageId === undefined;
    if (routed.stageId !== undefined) {
      stageLink.href = routed.entry;
      stageLink.textContent = `Stage ${routed.stageId}`;
    }
    for (const link of [...links, stageLink]) {
      if (link.getAttribute("href") === routed.entry) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    replaceChildren(main, current.element);
  }
  window.addEventListener("hashchange", render);
  render();
}

/** Moves focus to the page's content (the skip link's target is not a hash route). */
function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

start(document.getElementById("app")!);
