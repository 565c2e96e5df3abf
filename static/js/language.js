// The language switcher submits itself on change; a script file because the CSP forbids inline handlers.
document.querySelectorAll("form.lang select[name=language]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
