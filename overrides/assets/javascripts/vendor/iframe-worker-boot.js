/* Runs first inside an iframe-worker iframe: gives the worker script the Web Worker globals it
   expects (postMessage to the page, importScripts) — the code the original shim inlined. */
"use strict";
(function () {
  var self = document.currentScript;
  var worker = self.getAttribute("data-worker");
  // Material's worker finds its own address as the first <script src> of this document
  self.parentNode.removeChild(self);
  window.postMessage = function (message, origin) { parent.postMessage(message, origin || "*"); };
  window.importScripts = function () {
    return Array.prototype.reduce.call(arguments, function (chain, url) {
      return chain.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = url;
          script.onload = resolve;
          document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  };
  addEventListener("error", function (event) {
    parent.dispatchEvent(new ErrorEvent("error", { filename: worker, error: event.error }));
  });
})();
