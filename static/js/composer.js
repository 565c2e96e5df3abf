// Reply templates: choosing one inserts its text (already filled in by the server) into the
// composer at the cursor. Without JavaScript the list is just not used.
document.querySelectorAll("select.reply-template").forEach(function (select) {
  select.addEventListener("change", function () {
    var area = document.getElementById(select.dataset.target);
    if (!area || !select.value) return;
    var start = area.selectionStart || 0, end = area.selectionEnd || 0;
    area.value = area.value.slice(0, start) + select.value + area.value.slice(end);
    area.focus();
    area.selectionStart = area.selectionEnd = start + select.value.length;
    select.value = "";
  });
});
