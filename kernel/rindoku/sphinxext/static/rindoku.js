/* rindoku course book: a long listing shows its first lines, and a button
   below it shows the rest (and folds it again).  Without this script every
   listing is shown in full. */
(() => {
  "use strict";
  const LONG = 25; // a listing of more lines than this is folded
  // the button's words in the page's language (the book's Japanese edition)
  const JAPANESE = document.documentElement.lang.startsWith("ja");
  const showAll = (lines) => (JAPANESE ? `全 ${lines} 行を表示` : `Show all ${lines} lines`);
  const showFewer = JAPANESE ? "表示を短くする" : "Show fewer lines";

  const fold = () => {
    document.querySelectorAll(".bd-article div.highlight > pre").forEach((pre) => {
      const lines = pre.textContent.replace(/\n$/, "").split("\n").length;
      const block = pre.parentElement;
      if (lines <= LONG || block.classList.contains("rindoku-foldable")) {
        return;
      }
      block.classList.add("rindoku-foldable", "rindoku-folded");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "rindoku-fold-toggle";
      const show = (folded) => {
        button.textContent = folded ? showAll(lines) : showFewer;
        button.setAttribute("aria-expanded", String(!folded));
      };
      show(true);
      button.addEventListener("click", () => {
        const folded = block.classList.toggle("rindoku-folded");
        show(folded);
        if (folded) {
          block.scrollIntoView({ block: "nearest" });
        }
      });
      block.after(button);
    });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fold);
  } else {
    fold();
  }
})();
