// Text made safe to put in the app's HTML (every screen and module that draws uses it).
export const esc = (value) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
