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

// A link to something folded away (the summary's links to an implementation, #overview) opens
// the <details> around it, and the one it holds, so the reader lands on what was asked for.
function openTarget() {
  var target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (!target) return;
  for (var p = target; p; p = p.parentElement) { if (p.tagName === "DETAILS") p.open = true; }
  var inner = target.querySelector("details");
  if (inner && target.tagName === "SECTION") inner.open = true;
  target.scrollIntoView();
}
window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", openTarget);
