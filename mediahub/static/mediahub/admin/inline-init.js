// Wagtail starts a few widgets, choosers and panels with an inline <script>, which the admin's
// Content-Security-Policy refuses. Our copies of those templates (and mediahub/csp.py for the
// choosers) name the same call and its arguments on a <template data-controller="inline-init">
// instead; this controller makes the call, also for forms added to the page later (an inline
// panel's new child). Only the calls listed here can be made.
(() => {
  const calls = {
    initDateChooser: (target, args) => window.initDateChooser(target, args),
    initTimeChooser: (target, args) => window.initTimeChooser(target, args),
    initDateTimeChooser: (target, args) => window.initDateTimeChooser(target, args),
    InlinePanel: (target, args) => new window.InlinePanel(args),
    MultipleChooserPanel: (target, args) => new window.MultipleChooserPanel(args),
    createTaskChooser: (target) => window.createTaskChooser(target),
    Chooser: (target, args) => new window.Chooser(target, args),
    PageChooser: (target, args) => new window.PageChooser(target, args),
    ImageChooser: (target, args) => new window.ImageChooser(target, args),
    DocumentChooser: (target, args) => new window.DocumentChooser(target, args),
    SnippetChooser: (target, args) => new window.SnippetChooser(target, args),
  };

  class InlineInitController extends window.StimulusModule.Controller {
    static values = { call: String, target: String, args: Object };

    connect() {
      if (this.element.dataset.inlineInitDone) return; // moved in the page, not new
      this.element.dataset.inlineInitDone = "true";
      calls[this.callValue](this.targetValue, this.argsValue);
    }
  }

  window.wagtail.app.register("inline-init", InlineInitController);
})();
