/* Select2 (4.1, CKAN's autocomplete module) hides the original <select>/<input> and shows
 * its own combobox, which the field's <label for> does not reach: a multiple selection (tags,
 * procurement stages, evidence datasets) has no accessible name at all (axe's
 * aria-input-field-name, WCAG 4.1.2), and its search box is only called "Search" (in English
 * on Spanish pages: CKAN loads no select2 translation).
 *
 * This names them after the original field's label: its combobox and search box get
 * aria-labelledby the label (given an id if it has none), ahead of what select2 already puts
 * there (a single selection's current value); a single selection's rendered value is a
 * role=textbox of its own, named the same way (it has no name while nothing is chosen).
 * Select2 builds its containers when CKAN's modules start, and again after htmx swaps, so a
 * MutationObserver watches for them.
 */
(function () {
  'use strict';

  var labelCount = 0;

  function labelIdFor(field) {
    if (!field.id) { return null; }
    var label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
    if (!label) { return null; }
    if (!label.id) { label.id = 'ogp-select2-label-' + (++labelCount); }
    return label.id;
  }

  function labelledBy(element, labelId) {
    var ids = (element.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    if (ids.indexOf(labelId) === -1) {
      element.setAttribute('aria-labelledby', [labelId].concat(ids).join(' '));
    }
  }

  function nameContainer(container) {
    var field = container.previousElementSibling;
    if (!field || !field.classList.contains('select2-hidden-accessible')) { return; }
    var labelId = labelIdFor(field);
    if (!labelId) { return; }
    container.querySelectorAll('.select2-selection, .select2-selection__rendered[role], .select2-search__field').forEach(function (element) {
      labelledBy(element, labelId);
    });
    // The search box's own aria-label ("Search", select2's English) is now overridden.
    container.querySelectorAll('.select2-search__field[aria-label]').forEach(function (element) {
      element.removeAttribute('aria-label');
    });
  }

  function nameAll(root) {
    if (root.matches && root.matches('.select2-container')) { nameContainer(root); }
    if (root.querySelectorAll) { root.querySelectorAll('.select2-container').forEach(nameContainer); }
  }

  function start() {
    nameAll(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType !== Node.ELEMENT_NODE) { return; }
          // A new search box inside an existing container, or a whole new container.
          var container = node.closest ? node.closest('.select2-container') : null;
          if (container) { nameContainer(container); } else { nameAll(node); }
        });
      });
    }).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
