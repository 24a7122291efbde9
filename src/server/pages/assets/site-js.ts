/**
 * The site's one script, served as /assets/site.<hash>.js (the CSP forbids inline scripts). Every
 * page works without it: it only adds the "/" shortcut that focuses the search box.
 */
export const SITE_JS = `'use strict';
document.addEventListener('keydown', function (event) {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  var box = document.getElementById('q');
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
`;

/** The site icon (a shield), served as /assets/icon.<hash>.svg. */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#3c873a" d="M16 2 4 6v9c0 7.2 5.1 13.1 12 15 6.9-1.9 12-7.8 12-15V6z"/><path fill="#fff" d="m14 21-5-5 2-2 3 3 7-7 2 2z"/></svg>
`;
