// The word count of a text as the person types, for every <textarea data-word-limit>.
// The rule is the one of network/wordcount.py (the server checks the limit on submit,
// so the page works without this script): each Chinese character and Japanese kana is
// a word; otherwise a word is a run of letters, digits and marks, kept whole across
// connecting characters ("well-being", "2,000", "example.org/report").
(function () {
  "use strict";

  var CJK_RANGES = [
    [0x3005, 0x3007], [0x3040, 0x309f], [0x30a0, 0x30ff], [0x31f0, 0x31ff],
    [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff], [0xff66, 0xff9f],
    [0x20000, 0x3134f]
  ];
  var CONNECTORS = "'\u2019\u02bc-\u2010\u2011\u2013\u00ad\u00b7\u200c\u200d._/:@,&+#%=?~";
  var LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;
  var MARK = /\p{M}/u;

  function isCjk(character) {
    var code = character.codePointAt(0);
    for (var i = 0; i < CJK_RANGES.length; i++) {
      if (code >= CJK_RANGES[i][0] && code <= CJK_RANGES[i][1]) {
        return LETTER_OR_NUMBER.test(character);
      }
    }
    return false;
  }

  function formsWords(character) {
    return LETTER_OR_NUMBER.test(character) || MARK.test(character);
  }

  function countWords(text) {
    var characters = Array.from(text);
    var count = 0;
    var inWord = false;
    var index = 0;
    while (index < characters.length) {
      var character = characters[index];
      if (isCjk(character)) {
        count += 1;
        inWord = false;
      } else if (formsWords(character)) {
        if (!MARK.test(character) && !inWord) {
          count += 1;
          inWord = true;
        }
      } else if (inWord && CONNECTORS.indexOf(character) !== -1) {
        var ahead = index;
        while (ahead < characters.length && CONNECTORS.indexOf(characters[ahead]) !== -1) {
          ahead += 1;
        }
        var following = ahead < characters.length ? characters[ahead] : "";
        if (following && formsWords(following) && !isCjk(following)) {
          index = ahead;
          continue;
        }
        inWord = false;
      } else {
        inWord = false;
      }
      index += 1;
    }
    return count;
  }

  function attach(textarea) {
    var limit = parseInt(textarea.getAttribute("data-word-limit"), 10);
    var wording = textarea.getAttribute("data-word-count") || "%(count)s / %(limit)s";
    var output = document.createElement("p");
    output.className = "word-count";
    output.id = textarea.id + "_wordcount";
    var timer = null;

    function show() {
      var count = countWords(textarea.value);
      output.textContent = wording
        .replace("%(count)s", String(count))
        .replace("%(limit)s", String(limit));
      output.classList.toggle("over", count > limit);
    }

    // Screen readers hear the count once the person pauses, not at every key.
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(show, 400);
    });
    show();
    // Live only once it holds the first count, so loading the page announces nothing.
    textarea.insertAdjacentElement("afterend", output);
    output.setAttribute("aria-live", "polite");
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + output.id);
  }

  document.querySelectorAll("textarea[data-word-limit]").forEach(attach);
  window.learningcityCountWords = countWords;
})();
