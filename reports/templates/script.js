// Copy buttons for replay commands. The command is read from the page (escaped text), never
// from data embedded in this script, so nothing from a results file reaches JavaScript.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("button.copy") : null;
  if (!button) return;
  var code = button.parentNode.querySelector("code");
  var text = code ? code.textContent : "";
  function done(word) { button.textContent = word; setTimeout(function () { button.textContent = "copy"; }, 1500); }
  function bySelection() {
    // file:// pages may lack the async clipboard: select the text and use the old command.
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { done(document.execCommand("copy") ? "copied" : "selected"); } catch (e) { done("selected"); }
  }
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(function () { done("copied"); }, bySelection);
  } else {
    bySelection();
  }
});
