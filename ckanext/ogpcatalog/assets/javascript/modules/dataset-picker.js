/* The evidence picker (templates/scheming/form_snippets/ogpcatalog_dataset_refs.html): CKAN's
 * autocomplete module, with the datasets already chosen shown inside the box by their title
 * and institution, as the suggestions are, instead of their names (slugs).
 *
 * CKAN's module renders every value of the input as its raw text, each time select2 redraws
 * the selection. The page gives the labels of the stored values (`data-module-labels`, a JSON
 * object name -> label); a dataset picked from the suggestions adds its own. Typed text is
 * never offered as a value: the field sets `data-module-createtags="false"`.
 */
(function () {
  'use strict';

  var Autocomplete = ckan.module.registry.autocomplete;
  var name = 'ogpcatalog-dataset-picker';
  if (!Autocomplete || ckan.module.registry[name]) { return; }

  ckan.module.registry[name] = jQuery.inherit(Autocomplete, {
    options: jQuery.extend({}, Autocomplete.prototype.options, {labels: null}),

    initialize: function () {
      var labels = this.labels = jQuery.extend({}, this.options.labels || {});
      Autocomplete.prototype.initialize.apply(this, arguments);
      // `selecting` comes before select2 redraws the selection (`select` only after it).
      this.el.on('select2:selecting', function (event) {
        var chosen = event.params && event.params.args && event.params.args.data;
        if (chosen && chosen.id && chosen.text) { labels[chosen.id] = chosen.text; }
      });
    },

    formatInitialValue: function (element, callback) {
      var labels = this.labels || this.options.labels || {};
      var relabel = function (term) {
        if (term && term.id && labels[term.id]) { term.text = labels[term.id]; }
        return term;
      };
      var formatted = Autocomplete.prototype.formatInitialValue.call(this, element);
      formatted = Array.isArray(formatted) ? jQuery.map(formatted, relabel) : relabel(formatted);
      if (typeof callback === 'function') { callback(formatted); }
      return formatted;
    }
  }, {namespace: name});
})();
