// qbot site: the optional filter of the majors table and, under `qbot site serve`, answers in place.
// Every page works without it.
(function () {
  'use strict';
  var form = document.getElementById('ask');
  if (!form || form.hidden || !window.fetch) return;
  var out = document.getElementById('ask-answer');
  form.addEventListener('submit', function (event) {
    var q = form.elements.q.value.trim();
    if (!q) return;
    event.preventDefault();
    out.textContent = '……';
    fetch(form.getAttribute('data-api') + '?q=' + encodeURIComponent(q))
      .then(function (r) { return r.json(); })
      .then(function (a) { out.textContent = a.error || a.text; })
      .catch(function () { out.textContent = '暂时无法回答，请稍后再试。'; });
  });
}());
(function () {
  'use strict';
  var box = document.getElementById('major-filter-box');
  var input = document.getElementById('major-filter');
  var table = document.getElementById('majors');
  if (!box || !input || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var count = document.getElementById('major-filter-count');
  function apply() {
    var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = (row.getAttribute('data-filter') || '').toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = words.length ? '共 ' + shown + ' 个专业' : '';
  }
  var query = new URLSearchParams(window.location.search).get('q');
  if (query) input.value = query;
  box.hidden = false;
  input.addEventListener('input', apply);
  apply();
}());
