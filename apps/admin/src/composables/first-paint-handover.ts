// The hand-over from the errors page's first paint (src/first-paint) to the app: its place in the page,
// shared by the first paint (which draws it) and the app (which takes it away once its own page is ready).
// src/first-paint/first-paint.css hides the app's root while it is there.

export const FIRST_PAINT_ID = 'first-paint';
/** On <html> while the first paint is shown: the app's #app stays hidden under it (first-paint.css). */
export const FIRST_PAINT_CLASS = 'first-paint-shown';

declare global {
  interface Window {
    /** Set once the app has taken over: a first paint whose answer arrives later must not draw. */
    __tandemFirstPaintOver?: boolean;
    /** Read by index.html's loader (build/route-preload.ts): the app's files are requested once it settles. */
    __tandemHoldApp?: Promise<unknown>;
  }
}

/** How long the app's files may wait for the first paint's answers: a slow API must not hold the app. */
const HOLD_APP_MAX_MS = 150;

/**
 * Asks index.html's loader to request the app's files only once these answers are in (or after
 * HOLD_APP_MAX_MS): the first paint's two requests then have the connections and the server to themselves.
 */
export function holdAppFor(answers: Promise<unknown>[]): void {
  window.__tandemHoldApp = Promise.race([
    Promise.allSettled(answers),
    new Promise((resolve) => setTimeout(resolve, HOLD_APP_MAX_MS)),
  ]);
}

/** True once the app has shown its own page; the first paint then stays away. */
export function firstPaintOver(): boolean {
  return window.__tandemFirstPaintOver === true;
}

/**
 * The app's page is ready (or the app went elsewhere): the first paint goes and the app shows, in one step,
 * so that no frame shows neither. Safe to call any number of times, with or without a first paint.
 */
export function endFirstPaint(): void {
  window.__tandemFirstPaintOver = true;
  document.getElementById(FIRST_PAINT_ID)?.remove();
  document.documentElement.classList.remove(FIRST_PAINT_CLASS);
}
