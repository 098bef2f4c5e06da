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

  // A multiple selection is a role=combobox without aria-expanded, nor aria-controls while its
  // list is open (both required: axe's aria-required-attr, critical): say whether the list is
  // open, and which list it is (the search box inside already names it).
  function expanded(event, open) {
    var next = event.target && event.target.nextElementSibling;
    var selection = next && next.matches('.select2-container')
      ? next.querySelector('.select2-selection--multiple[role="combobox"]') : null;
    if (!selection) { return; }
    selection.setAttribute('aria-expanded', open ? 'true' : 'false');
    var search = selection.querySelector('.select2-search__field');
    var list = (search && search.getAttribute('aria-controls'))
      || (document.querySelector('.select2-container--open .select2-results__options') || {}).id;
    if (open && list) { selection.setAttribute('aria-controls', list); }
  }

  function start() {
    nameAll(document);
    if (window.jQuery) {
      window.jQuery(document).on('select2:open', function (event) { expanded(event, true); });
      window.jQuery(document).on('select2:close', function (event) { expanded(event, false); });
    }
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
