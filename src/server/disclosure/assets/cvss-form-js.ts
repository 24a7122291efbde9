/**
 * The CVSS calculator of the report form, served as /assets/cvss-form.<hash>.js after the CVSS
 * library's own browser build (ae-cvss-calculator, the library the server scores with). It shows
 * the base score of the vector as it is typed or picked, for display only: the form sends the
 * vector, never a score, and the server computes the score it keeps. Without script the vector is
 * typed by hand.
 */
export const CVSS_FORM_JS = `'use strict';
(function () {
  var input = document.getElementById('cvssVector');
  var out = document.getElementById('cvss-score');
  var picker = document.getElementById('cvss-calculator');
  if (!input || !out || !picker || !window.CvssCalculator) return;
  picker.hidden = false;
  var selects = Array.prototype.slice.call(picker.querySelectorAll('select[data-metric]'));
  function severity(s) {
    if (s === 0) return 'none';
    if (s < 4) return 'low';
    if (s < 7) return 'medium';
    if (s < 9) return 'high';
    return 'critical';
  }
  function score(vector) {
    if (!/^CVSS:3\\.1\\//.test(vector)) return null;
    try {
      var parsed = window.CvssCalculator.fromVector(vector);
      if (!parsed) return null;
      if (typeof parsed.isBaseFullyDefined === 'function' && !parsed.isBaseFullyDefined()) return null;
      var s = parsed.calculateScores();
      return s && typeof s.base === 'number' ? s.base : null;
    } catch (e) {
      return null;
    }
  }
  function fromPicker() {
    var parts = ['CVSS:3.1'];
    for (var i = 0; i < selects.length; i++) {
      if (!selects[i].value) return null;
      parts.push(selects[i].getAttribute('data-metric') + ':' + selects[i].value);
    }
    return parts.join('/');
  }
  function toPicker(vector) {
    var values = {};
    vector.split('/').forEach(function (part) {
      var kv = part.split(':');
      if (kv.length === 2) values[kv[0]] = kv[1];
    });
    selects.forEach(function (s) {
      var v = values[s.getAttribute('data-metric')];
      s.value = v && s.querySelector('option[value="' + v + '"]') ? v : '';
    });
  }
  function show() {
    var vector = input.value.trim();
    if (!vector) {
      out.textContent = 'No vector: no score.';
      out.setAttribute('data-score', '');
      return;
    }
    var s = score(vector);
    out.setAttribute('data-score', s === null ? '' : s.toFixed(1));
    out.textContent =
      s === null
        ? 'Not a complete CVSS 3.1 vector yet.'
        : 'Base score ' + s.toFixed(1) + ' (' + severity(s) + '), shown for display: the server computes the score it keeps.';
  }
  selects.forEach(function (s) {
    s.addEventListener('change', function () {
      var v = fromPicker();
      if (v) input.value = v;
      show();
    });
  });
  input.addEventListener('input', function () {
    toPicker(input.value.trim());
    show();
  });
  toPicker(input.value.trim());
  show();
})();
`;
