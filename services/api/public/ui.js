// DOM helpers shared by the views: query, build elements, the status line, and running an action.

export const $ = (sel, root = document) => root.querySelector(sel);

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') e.addEventListener('click', v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

export function flash(message, isError = false) {
  const f = $('#flash');
  f.textContent = message;
  f.className = isError ? 'flash error' : 'flash';
}

export function showLogin() {
  $('#login-view').hidden = false;
  $('#app-view').hidden = true;
  $('#nav').hidden = true;
}

/** Redraws every view; set by app.js (the views call act, which redraws after each action). */
let redraw = async () => undefined;
export function setRedraw(fn) {
  redraw = fn;
}

/** Runs an operator's action: its success message (if any) or its error on the status line, then a redraw. */
export async function act(fn, okMessage) {
  try {
    await fn();
    if (okMessage) flash(okMessage);
    await redraw();
  } catch (err) {
    flash(err.message, true);
  }
}
