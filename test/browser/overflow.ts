import type { Page } from "playwright-core";

/**
 * Elements that reach past the viewport's left or right edge, as `tag#id.class (left–right)`,
 * except those inside a box that scrolls or clips sideways and itself fits (a code block or a
 * table that scrolls in its own box is fine), and `skip`, a selector for what is off-screen on
 * purpose (a skip link until it is focused).
 */
export function widerThanViewport(page: Page, skip = ".skip"): Promise<string[]> {
  return page.evaluate((skipSelector) => {
    const width = document.documentElement.clientWidth;
    const outside = (rect: DOMRect) => rect.left < -1 || rect.right > width + 1;
    const clipper = (element: Element): Element | undefined => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        if (getComputedStyle(parent).overflowX !== "visible") return parent;
      }
      return undefined;
    };
    const found: string[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      if (element.closest(skipSelector)) continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || !outside(rect)) continue;
      const box = clipper(element);
      if (box && !outside(box.getBoundingClientRect())) continue;
      const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${element.className && typeof element.className === "string" ? `.${element.className.split(" ").join(".")}` : ""}`;
      found.push(`${name} (${Math.round(rect.left)}–${Math.round(rect.right)})`);
    }
    if (document.documentElement.scrollWidth > width) {
      found.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
    }
    return found;
  }, skip);
}
